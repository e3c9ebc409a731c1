"""Sample identity (resistance_timeline.dna.identity): same person vs a swap, with evidence
both ways (the normal's germline sites, the other sample's germline-like private variants) and
a panel of common SNP sites; on synthetic site tables and on simulated reads of two people."""

import math
import random

import pytest
from identity_support import MATERIAL, PATIENTS, PURITY, build_world

from helpers import REPO
from resistance_timeline.cnv.gene_calls import Segment
from resistance_timeline.dna.fingerprint import site_lod
from resistance_timeline.dna.identity import (
    Neutral,
    Site,
    check_identity,
    concordance,
    genotype_from_vaf,
    germline_like_min,
    panel_frequencies,
    read_sites,
    swap_warnings,
    write_identity,
)
from resistance_timeline.dna.snp_panel import SHIPPED
from resistance_timeline.setup.config import schema_defaults

SETTINGS = schema_defaults("identity")


def person(rng, n=60):
    return [rng.choice([0, 1, 2]) for _ in range(n)]


def reads(genotypes, depth=60, rng=None):
    """(alt, depth) per site for a sample with these genotypes (a little sampling noise)."""
    out = []
    for g in genotypes:
        p = {0: 0.002, 1: 0.5, 2: 0.998}[g]
        alt = sum(rng.random() < p for _ in range(depth))
        out.append((alt, depth))
    return out


def sites_of(origin, **samples):
    """Sites of one origin from per-sample lists of (alt, depth)."""
    names = list(samples)
    return [
        Site("chr1", 100 * (i + 1), origin, dict(zip(names, values, strict=True)))
        for i, values in enumerate(zip(*samples.values(), strict=True))
    ]


def by_pair(pairs):
    return {(p.sample_a, p.sample_b): p for p in pairs}


def test_genotype_bands():
    assert [genotype_from_vaf(v, SETTINGS) for v in (0.0, 0.2, 0.45, 0.9)] == [0, None, 1, 2]


def test_same_individual_and_swap_at_germline_sites():
    rng = random.Random(7)
    a, b = person(rng), person(rng)
    normal, tumour, stranger = reads(a, rng=rng), reads(a, rng=rng), reads(b, rng=rng)
    pairs = by_pair(
        concordance(sites_of("germline", N=normal, T=tumour, X=stranger), "NTX", SETTINGS)
    )
    assert pairs[("N", "T")].verdict == "same_individual" and pairs[("N", "T")].concordance > 0.95
    assert pairs[("N", "X")].verdict == "LIKELY_SWAP" and pairs[("N", "X")].concordance < 0.6


def test_weak_evidence_is_inconclusive():
    sites = sites_of("germline", N=[(30, 60)] * 3, T=[(29, 60)] * 3)
    pair = concordance(sites, ["N", "T"], SETTINGS, normals=["N"])[0]
    assert pair.verdict == "inconclusive" and 0 < pair.lod < SETTINGS["min_lod"]


def test_one_site_lod_by_hand():
    """Two normals, both heterozygous (30 of 60 reads), q 0.5, e 0.01: each sample's
    likelihoods are (e, 1, e) (the binomial at e or 1 - e is far below the floor), so
    same = .25 e^2 + .5 + .25 e^2 = 0.50005 and different = (.25 e + .5 + .25 e)^2 = 0.255025:
    LOD log10(1.960788) = 0.29243."""
    site = sites_of("germline", A=[(30, 60)], B=[(30, 60)])
    pair = concordance(site, ["A", "B"], SETTINGS, normals=["A", "B"])[0]
    assert pair.lod == pytest.approx(0.29243, abs=1e-5)
    assert site_lod((30, 60), (30, 60), 0.5, [(False, None)] * 2, SETTINGS) == pytest.approx(
        math.log10(0.50005 / 0.505**2)
    )


def test_nine_of_nine_disagreeing_is_a_swap_and_nine_agreeing_a_match():
    """The real pair that a site count called too_few_sites: nine sites, none concordant, is
    a swap; nine of nine is one person. The tumour's purity (0.6) says that a lost allele
    would still show (1 - 0.6) / 2 = 0.2 of the reads, not 0."""
    normal = [(30, 60)] * 5 + [(60, 60)] * 4
    other = [(0, 60)] * 5 + [(0, 60)] * 2 + [(18, 60)] * 2
    same = [(29, 60)] * 5 + [(60, 60)] * 4
    purity = {"T": 0.6}
    swap = concordance(sites_of("germline", N=normal, T=other), "NT", SETTINGS, None, purity, "N")
    assert (swap[0].sites, swap[0].concordant, swap[0].verdict) == (9, 0, "LIKELY_SWAP")
    match = concordance(sites_of("germline", N=normal, T=same), "NT", SETTINGS, None, purity, "N")
    assert (match[0].sites, match[0].concordant, match[0].verdict) == (9, 9, "same_individual")
    assert swap[0].lod < -4 and match[0].lod > 3


def test_private_variants_of_another_person_count_against_the_normal():
    """Five germline sites of the normal are too few alone; the tumour's own germline-like
    variants (labelled somatic: absent from the normal) make the swap visible."""
    germline = sites_of("germline", N=[(30, 60)] * 5, X=[(0, 60)] * 5)
    private = sites_of("somatic", N=[(0, 60)] * 6, X=[(31, 60)] * 3 + [(60, 60)] * 3)
    pair = concordance(germline + private, ["N", "X"], SETTINGS)[0]
    assert (pair.compared["germline"], pair.compared["private"], pair.concordant) == (5, 6, 0)
    assert pair.verdict == "LIKELY_SWAP"
    assert germline_like_min(SETTINGS, None) == 0.35


def test_clonal_somatic_snvs_of_the_same_person_do_not_count():
    """At purity 0.7 a clonal heterozygous SNV sits at VAF 0.35: below the purity-raised bound
    (0.425), so it is not taken for a germline variant; at purity 1 the bound is 0.5."""
    germline = sites_of("germline", N=[(30, 60)] * 10, T=[(31, 60)] * 10)
    somatic = sites_of("somatic", N=[(0, 100)] * 4, T=[(40, 100)] * 4)
    pair = concordance(germline + somatic, ["N", "T"], SETTINGS, purity={"T": 0.7})[0]
    assert (pair.compared["private"], pair.verdict) == (0, "same_individual")
    assert germline_like_min(SETTINGS, 0.7) == pytest.approx(0.425)
    assert germline_like_min(SETTINGS, 1.0) == pytest.approx(0.5)
    unknown = concordance(germline + somatic, ["N", "T"], SETTINGS)[0]
    assert unknown.compared["private"] == 4 and unknown.concordant == 10


def test_private_sites_only_in_copy_neutral_segments():
    """A high-VAF somatic SNV inside an amplified segment (interval excludes 0, |log2| 1.2)
    is no germline evidence; one in a neutral segment is."""
    neutral = Neutral(
        {
            "T": [
                Segment("chr1", 0, 250, 1.2, 1.0, 1.4, 10),  # amplified
                Segment("chr1", 250, 1000, 0.05, -0.1, 0.2, 30),  # neutral
            ]
        },
        max_abs_log2=0.25,
    )
    assert not neutral("T", "chr1", 100) and neutral("T", "chr1", 300)
    assert neutral("N", "chr1", 100)  # no segments: the normal
    assert not neutral("T", "chr2", 100)  # no segment there: unknown
    somatic = sites_of("somatic", N=[(0, 80)] * 3, T=[(60, 80)] * 3)  # at 100, 200, 300
    pair = concordance(somatic, ["N", "T"], SETTINGS, neutral)[0]
    assert pair.compared["private"] == 1


def test_panel_sites_count_shared_reference_genotypes():
    """Panel sites (common SNPs) count 0/0 vs 0/0 as agreement; candidate sites do not."""
    panel = sites_of("panel", N=[(0, 50)] * 8 + [(25, 50)] * 4, T=[(0, 50)] * 8 + [(26, 50)] * 4)
    pair = concordance(panel, ["N", "T"], SETTINGS)[0]
    assert (pair.compared["panel"], pair.concordant, pair.verdict) == (12, 12, "same_individual")
    artefacts = sites_of("artefact", N=[(0, 50)] * 12, T=[(25, 50)] * 12)
    assert concordance(artefacts, ["N", "T"], SETTINGS)[0].sites == 0


def test_identity_table_and_swap_warning(tmp_path):
    germline = sites_of("germline", N=[(30, 60)] * 12, T=[(30, 60)] * 12, X=[(0, 60)] * 12)
    purity = {"T": 0.6, "X": 0.6}
    pairs = concordance(germline, ["N", "T", "X"], SETTINGS, purity=purity, normals=["N"])
    out = tmp_path / "identity.tsv"
    write_identity(pairs, out)
    lines = out.read_text().splitlines()
    assert lines[0].split("\t") == [
        *("sample_a", "sample_b", "sites", "concordant", "concordance", "lod", "verdict"),
        *("germline_sites", "private_sites", "panel_sites"),
    ]
    rows = [line.split("\t") for line in lines[1:]]
    assert [(r[0], r[1], r[2], r[3], r[6]) for r in rows] == [
        ("N", "T", "12", "12", "same_individual"),
        ("N", "X", "12", "0", "LIKELY_SWAP"),
        ("T", "X", "12", "0", "LIKELY_SWAP"),
    ]
    lod = {(p.sample_a, p.sample_b): p.lod for p in pairs}
    assert [float(r[5]) for r in rows] == [round(lod[(r[0], r[1])], 3) for r in rows]
    assert swap_warnings(pairs, SETTINGS)[0] == (
        f"WARNING: N and X share only 0 of 12 genotypes (12 germline, 0 private, 0 panel "
        f"sites), LOD {lod[('N', 'X')]:.2f} for the same individual (at most -2): likely a "
        "sample swap or mix-up"
    )


# ---- two simulated people, real reads through bwa, freebayes and the genotyper ------------


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    return build_world(tmp_path_factory.mktemp("identity_world"))


def test_simulated_region_with_few_variants(world):
    """chrA alone, seven germline SNPs of the normal: with the tumour's purity, the swap is
    LIKELY_SWAP from them alone (another person's tumour shows none of the normal's alleles
    where a lost allele would still leave (1 - p)/2 of the reads), and more so with the
    tumour's private germline-like variants; the same person, seven of seven, is
    same_individual (a site count called both too_few_sites)."""
    pairs, germline_only = {}, {}
    for name, vcf in world["vcfs"].items():
        samples, sites = read_sites(vcf)
        sites = [s for s in sites if s.contig == "chrA"]
        pairs[name] = concordance(sites, samples, SETTINGS, purity=PURITY, normals=["A-N"])[0]
        germline = [s for s in sites if s.origin == "germline"]
        germline_only[name] = concordance(germline, samples, SETTINGS, None, PURITY, ["A-N"])[0]
    swap, same = pairs["SWAP"], pairs["SAME"]
    assert (swap.compared["germline"], swap.compared["private"], swap.concordant) == (7, 6, 1)
    assert swap.verdict == "LIKELY_SWAP" and swap.lod < germline_only["SWAP"].lod
    assert germline_only["SWAP"].verdict == "LIKELY_SWAP"
    assert (same.compared["germline"], same.concordant, same.compared["private"]) == (7, 7, 0)
    assert same.verdict == "same_individual" and same.lod == germline_only["SAME"].lod


def rule_params(samples, **extra):
    """check_identity's params for simulated samples, as the rule passes them."""
    return {
        "settings": SETTINGS,
        "samples": [{"sample_id": s, "material": MATERIAL[s]} for s in samples],
        "tumours": [{"sample_id": s, "purity": PURITY[s]} for s in samples if s in PURITY],
        "counting": schema_defaults("genotyping"),
        "neutral_max_abs_log2": 0.25,
        **extra,
    }


def test_simulated_people_with_a_snp_panel(world, tmp_path):
    """The rule's function over the whole genome with the panel: the same person's samples
    are same_individual, two people LIKELY_SWAP."""
    verdicts = {}
    for name, samples in PATIENTS.items():
        params = rule_params(samples)
        bams = [world["bams"][s] for s in samples]
        out = tmp_path / f"{name}.identity.tsv"
        pairs, warnings, _ = check_identity(
            world["vcfs"][name], [], bams, world["fasta"], world["panel_vcf"], params, out
        )
        verdicts[name] = pairs[0]
        assert (name == "SWAP") == bool(warnings)
    same, swap = verdicts["SAME"], verdicts["SWAP"]
    assert same.compared["panel"] == len(world["panel"]) and same.concordance == 1.0
    assert same.verdict == "same_individual"
    assert swap.verdict == "LIKELY_SWAP" and swap.concordance < 0.6


def test_shipped_panel_is_left_out_on_another_genome(world, tmp_path):
    """``auto``: the shipped GRCh38 panel on the simulated two-contig genome is not used (its
    contigs are not GRCh38's), and the log note says why; the candidates still decide."""
    samples = PATIENTS["SWAP"]
    params = rule_params(samples, panel_auto=True)
    bams = [world["bams"][s] for s in samples]
    panel = str(REPO / SHIPPED)
    out = tmp_path / "identity.tsv"
    pairs, warnings, notes = check_identity(
        world["vcfs"]["SWAP"], [], bams, world["fasta"], panel, params, out
    )
    assert notes == [
        "shipped SNP panel not used: the reference has none of the panel's "
        "contigs (chr1, chr2, chr3 ...)"
    ]
    assert pairs[0].compared["panel"] == 0 and pairs[0].verdict == "LIKELY_SWAP" and warnings


def test_panel_allele_frequencies_from_info_af(tmp_path):
    """A panel's INFO/AF sets its sites' allele frequency (0 or 1, or no AF: the default);
    a rare shared allele says more than a common one."""
    vcf = tmp_path / "panel.vcf"
    vcf.write_text(
        "##fileformat=VCFv4.2\n##contig=<ID=chr1,length=1000>\n"
        '##INFO=<ID=AF,Number=A,Type=Float,Description="allele frequency">\n'
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
        "chr1\t10\t.\tA\tG\t.\t.\tAF=0.05\nchr1\t20\t.\tC\tT\t.\t.\tAF=0\n"
        "chr1\t30\t.\tG\tA,C\t.\t.\tAF=0.2,0.3\nchr1\t40\t.\tT\tC\t.\t.\t.\n"
    )
    assert panel_frequencies(vcf) == {
        ("chr1", 10, "G"): pytest.approx(0.05),
        ("chr1", 30, "A"): pytest.approx(0.2),
        ("chr1", 30, "C"): pytest.approx(0.3),
    }
    rare = site_lod((30, 60), (30, 60), 0.05, [(False, None)] * 2, SETTINGS)
    common = site_lod((30, 60), (30, 60), 0.5, [(False, None)] * 2, SETTINGS)
    assert rare > common > 0
