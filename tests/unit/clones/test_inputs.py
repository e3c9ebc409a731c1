"""Reading the clone analysis' inputs (clones/inputs.py): somatic counts from the variants
table, error rates from a genotyped VCF's FORMAT/OA, copy ratios from the gene calls."""

import pysam
import pytest

from resistance_timeline.clones.inputs import (
    copy_ratios,
    sample_error_rates,
    somatic_counts,
    tumour_samples,
)
from resistance_timeline.clones.tumour_fraction import error_rate

RECORDS = [
    {"sample_id": "N", "assay": "wes", "material": "normal", "day": "0", "purity": ""},
    {"sample_id": "P1", "assay": "wes", "material": "cfdna", "day": "200", "purity": ""},
    {"sample_id": "T0", "assay": "wes", "material": "tumor", "day": "0", "purity": "0.6"},
    {"sample_id": "R0", "assay": "rna", "material": "tumor", "day": "0", "purity": ""},
]


def row(sample, pos, origin, alt, depth, status, gene="G1"):
    return {
        "sample_id": sample,
        "contig": "chr1",
        "pos": str(pos),
        "ref": "A",
        "alt": "T",
        "gene": gene,
        "protein": "p.X1Y",
        "resistance": "",
        "origin": origin,
        "alt_reads": str(alt),
        "depth": str(depth),
        "vaf_low": "0.1",
        "vaf_high": "0.4",
        "status": status,
    }


def test_tumour_samples_and_somatic_counts():
    samples = tumour_samples(RECORDS)
    assert [s.sample_id for s in samples] == ["T0", "P1"] and samples[0].purity == 0.6
    rows = [
        row("T0", 10, "somatic", 30, 100, "detected"),
        row("P1", 10, "somatic", 1, 300, "not_detected"),
        row("N", 10, "somatic", 0, 80, "not_detected"),
        row("T0", 20, "germline", 50, 100, "detected"),
    ]
    counts = somatic_counts(rows, samples)
    assert len(counts.variants) == 1 and counts.variants[0].label == "G1 p.X1Y"
    assert counts.alt.tolist() == [[30, 1]] and counts.depth.tolist() == [[100, 300]]
    assert counts.detected.tolist() == [[True, False]]


def test_error_rates_from_format_oa(tmp_path):
    header = pysam.VariantHeader()
    header.contigs.add("chr1", length=1000)
    for line in (
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="d">',
        '##FORMAT=<ID=OA,Number=1,Type=Integer,Description="o">',
    ):
        header.add_line(line)
    header.add_sample("T0")
    path = str(tmp_path / "g.vcf.gz")
    sites = [
        (10, "A", "T", 496, 4),
        (20, "C", "G", 198, 2),
        (30, "G", "A", 50, 50),
        (30, "G", "C", 50, 50),
        (40, "AT", "A", 100, 30),
    ]  # split site, indel: left out
    with pysam.VariantFile(path, "wz", header=header) as out:
        for pos, ref, alt, dp, oa in sites:
            rec = out.new_record(contig="chr1", start=pos - 1, alleles=(ref, alt))
            rec.samples["T0"]["DP"], rec.samples["T0"]["OA"] = dp, oa
            out.write(rec)
    assert sample_error_rates(path, ["T0"])["T0"] == pytest.approx(error_rate([6], [694]))


def test_copy_ratios_only_where_a_change_is_called():
    samples = tumour_samples(RECORDS)
    counts = somatic_counts(
        [
            row("T0", 10, "somatic", 30, 100, "detected", gene="CDK4"),
            row("T0", 20, "somatic", 30, 100, "detected", gene="BG1"),
        ],
        samples,
    )
    genes = [
        {"sample_id": "T0", "gene": "CDK4", "log2_ratio": "0.678", "call": "amplification"},
        {"sample_id": "P1", "gene": "CDK4", "log2_ratio": "0.05", "call": "neutral"},
    ]
    ratio = copy_ratios(counts.variants, samples, genes)
    assert ratio[0, 0] == pytest.approx(1.6, abs=1e-3) and ratio[0, 1] == 1.0
    assert ratio[1].tolist() == [1.0, 1.0]
