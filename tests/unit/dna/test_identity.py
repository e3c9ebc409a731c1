"""Sample identity (resistance_timeline.dna.identity): same person vs a swap, with evidence
both ways (the normal's germline sites, the other sample's germline-like private variants) and
a panel of common SNP sites; on synthetic site tables and on simulated reads of two people."""

import random

import pytest
from identity_support import PATIENTS, PURITY, build_world

from resistance_timeline.cnv.gene_calls import Segment
from resistance_timeline.dna.identity import (
    Neutral,
    Site,
    check_identity,
    concordance,
    genotype_from_vaf,
    germline_like_min,
    read_sites,
    swap_warnings,
    write_identity,
)
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


def test_too_few_sites():
    sites = sites_of("germline", N=[(30, 60)] * 3, T=[(29, 60)] * 3)
    assert concordance(sites, ["N", "T"], SETTINGS)[0].verdict == "too_few_sites"


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
    pairs = concordance(germline, ["N", "T", "X"], SETTINGS)
    out = tmp_path / "identity.tsv"
    write_identity(pairs, out)
    assert out.read_text() == (
        "sample_a\tsample_b\tsites\tconcordant\tconcordance\tverdict\t"
        "germline_sites\tprivate_sites\tpanel_sites\n"
        "N\tT\t12\t12\t1\tsame_individual\t12\t0\t0\n"
        "N\tX\t12\t0\t0\tLIKELY_SWAP\t12\t0\t0\n"
        "T\tX\t12\t0\t0\tLIKELY_SWAP\t12\t0\t0\n"
    )
    assert swap_warnings(pairs, SETTINGS)[0] == (
        "WARNING: N and X share only 0.000 of 12 genotypes (12 germline, 0 private, 0 panel "
        "sites; below 0.8): likely a sample swap or mix-up"
    )


# ---- two simulated people, real reads through bwa, freebayes and the genotyper ------------


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    return build_world(tmp_path_factory.mktemp("identity_world"))


def test_simulated_region_with_few_variants(world):
    """chrA alone: seven germline SNPs of the normal are too few to decide (the verdict of the
    germline-only check for the swap as well); with the tumour's private germline-like
    variants the swap is LIKELY_SWAP, and the same person stays too_few_sites."""
    pairs = {}
    for name, vcf in world["vcfs"].items():
        samples, sites = read_sites(vcf)
        sites = [s for s in sites if s.contig == "chrA"]
        pairs[name] = concordance(sites, samples, SETTINGS, purity=PURITY)[0]
    swap, same = pairs["SWAP"], pairs["SAME"]
    assert swap.compared["germline"] == 7 < SETTINGS["min_sites"]  # germline-only: too few
    assert swap.compared["private"] == 6 and swap.concordant == 1  # the shared SNP
    assert swap.verdict == "LIKELY_SWAP"
    assert (same.compared["germline"], same.concordant, same.compared["private"]) == (7, 7, 0)
    assert same.verdict == "too_few_sites"


def test_simulated_people_with_a_snp_panel(world, tmp_path):
    """The rule's function over the whole genome with the panel: the same person's samples
    are same_individual, two people LIKELY_SWAP."""
    verdicts = {}
    for name, samples in PATIENTS.items():
        params = {
            "settings": SETTINGS,
            "samples": [{"sample_id": s} for s in samples],
            "tumours": [{"sample_id": s, "purity": PURITY[s]} for s in samples if s in PURITY],
            "counting": schema_defaults("genotyping"),
            "neutral_max_abs_log2": 0.25,
        }
        bams = [world["bams"][s] for s in samples]
        out = tmp_path / f"{name}.identity.tsv"
        pairs, warnings = check_identity(
            world["vcfs"][name], [], bams, world["fasta"], world["panel_vcf"], params, out
        )
        verdicts[name] = pairs[0]
        assert (name == "SWAP") == bool(warnings)
    same, swap = verdicts["SAME"], verdicts["SWAP"]
    assert same.compared["panel"] == len(world["panel"]) and same.concordance == 1.0
    assert same.verdict == "same_individual"
    assert swap.verdict == "LIKELY_SWAP" and swap.concordance < 0.6
