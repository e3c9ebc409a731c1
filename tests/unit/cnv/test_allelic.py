"""B-allele fractions, allelic imbalance and LOH per segment (resistance_timeline.cnv.allelic)."""

import numpy as np
import pysam
import pytest

from resistance_timeline.cnv.allelic import (
    Snp,
    balanced_major_fraction,
    read_het_snps,
    segment_allelic,
)
from resistance_timeline.cnv.gene_calls import CallSettings
from resistance_timeline.setup.config import schema_defaults

SETTINGS = CallSettings.from_params(schema_defaults("cnv"))


def test_balanced_major_fraction_matches_simulation():
    rng = np.random.default_rng(1)
    for depth in (20, 80, 300):
        k = rng.binomial(depth, 0.5, 200_000)
        simulated = np.mean(np.maximum(k, depth - k) / depth)
        assert balanced_major_fraction(depth) == pytest.approx(simulated, abs=2e-3)
    assert balanced_major_fraction(20) > balanced_major_fraction(300) > 0.5


def snps_at(vaf_by_haplotype, depth, n, seed):
    """n het SNPs alternating haplotypes, alt reads drawn at the haplotype's VAF."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        vaf = vaf_by_haplotype[i % 2]
        alt = int(rng.binomial(depth, vaf))
        out.append(Snp("chr3", 1000 + i, {"T": alt}, {"T": depth}))
    return out


def test_one_copy_loss_with_loh_at_60_percent_purity():
    """Copies (1, 0) in 60% tumour: the kept haplotype reads 1/1.4 = 0.714."""
    snps = snps_at((1 / 1.4, 0.4 / 1.4), depth=110, n=8, seed=2)
    result = segment_allelic(snps, "T", copies=1.0, purity=0.6, gained=False, settings=SETTINGS)
    assert result.snps == 8 and result.imbalance and result.loh
    assert result.baf == pytest.approx(0.714, abs=0.05)
    assert result.minor_copies == pytest.approx(0.0, abs=0.3)


def test_balanced_segment_is_not_loh():
    snps = snps_at((0.5, 0.5), depth=110, n=8, seed=3)
    result = segment_allelic(snps, "T", copies=2.0, purity=0.6, gained=False, settings=SETTINGS)
    assert result.imbalance is False and result.loh is False
    assert result.minor_copies > 0.7


def test_gain_of_one_haplotype_is_imbalance_not_loh():
    """Copies (2, 1) in 60% tumour: 1.6/2.6 = 0.615, minor copies 1."""
    snps = snps_at((1.6 / 2.6, 1 / 2.6), depth=200, n=10, seed=4)
    result = segment_allelic(snps, "T", copies=3.0, purity=0.6, gained=True, settings=SETTINGS)
    assert result.imbalance and not result.loh
    assert result.minor_copies == pytest.approx(1.0, abs=0.35)


def test_too_few_or_shallow_snps_give_no_verdict():
    snps = snps_at((0.7, 0.3), depth=110, n=2, seed=5) + snps_at((0.7, 0.3), 10, 5, 6)
    result = segment_allelic(snps, "T", copies=1.0, purity=0.6, gained=False, settings=SETTINGS)
    assert result.snps == 2 and result.baf is None and result.loh is None


def test_without_purity_imbalance_that_is_not_a_gain_is_loh():
    snps = snps_at((0.75, 0.25), depth=110, n=6, seed=7)
    assert segment_allelic(snps, "T", 1.4, None, False, SETTINGS).loh is True
    assert segment_allelic(snps, "T", 3.0, None, True, SETTINGS).loh is False


def test_het_snps_are_read_from_the_genotyped_vcf(tmp_path):
    header = pysam.VariantHeader()
    header.contigs.add("chr3", length=10_000)
    header.add_line('##INFO=<ID=ORIGIN,Number=1,Type=String,Description="origin">')
    header.add_line('##FORMAT=<ID=AD,Number=R,Type=Integer,Description="depths">')
    for name in ("N", "T"):
        header.add_sample(name)
    path = str(tmp_path / "g.vcf.gz")
    records = [  # pos, origin, ref, alt, normal AD, tumour AD
        (100, "germline", "A", "G", (40, 40), (20, 60)),  # het in the normal: kept
        (200, "germline", "C", "T", (2, 78), (1, 79)),  # homozygous: not informative
        (300, "somatic", "G", "A", (80, 0), (60, 20)),  # somatic: never
        (400, "germline", "T", "TA", (40, 40), (40, 40)),  # indel: not an SNV
    ]
    with pysam.VariantFile(path, "wz", header=header) as out:
        for pos, origin, ref, alt, normal, tumour in records:
            rec = out.new_record(contig="chr3", start=pos - 1, alleles=(ref, alt))
            rec.info["ORIGIN"] = origin
            rec.samples["N"]["AD"], rec.samples["T"]["AD"] = normal, tumour
            out.write(rec)
    snps = read_het_snps(path, "N", (0.3, 0.7))
    assert [(s.pos, s.alt["T"], s.depth["T"]) for s in snps] == [(100, 60, 80)]
    # tumour-only: judged in any sample; the tumour's LOH shift must not hide the SNP
    assert [s.pos for s in read_het_snps(path, None, (0.3, 0.7))] == [100]
