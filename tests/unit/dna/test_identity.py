"""Germline concordance of resistance_timeline.dna.identity: same person vs a swap."""

import random

from resistance_timeline.dna.identity import (
    concordance,
    genotype_from_vaf,
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


def test_genotype_bands():
    assert [genotype_from_vaf(v, SETTINGS) for v in (0.0, 0.2, 0.45, 0.9)] == [0, None, 1, 2]


def test_same_individual_and_swap():
    rng = random.Random(7)
    a, b = person(rng), person(rng)
    normal, tumour, stranger = reads(a, rng=rng), reads(a, rng=rng), reads(b, rng=rng)
    sites = [{"N": n, "T": t, "X": x} for n, t, x in zip(normal, tumour, stranger, strict=True)]
    rows = {(r[0], r[1]): r for r in concordance(sites, ["N", "T", "X"], SETTINGS)}
    assert rows[("N", "T")][5] == "same_individual" and rows[("N", "T")][4] > 0.95
    assert rows[("N", "X")][5] == "LIKELY_SWAP" and rows[("N", "X")][4] < 0.6


def test_too_few_sites():
    sites = [{"N": (30, 60), "T": (29, 60)}] * 3
    assert concordance(sites, ["N", "T"], SETTINGS)[0][5] == "too_few_sites"


def test_identity_table_and_swap_warning(tmp_path):
    rows = [("N", "T", 40, 39, 0.975, "same_individual"), ("N", "X", 40, 12, 0.3, "LIKELY_SWAP")]
    rows.append(("T", "X", 3, 3, None, "too_few_sites"))
    out = tmp_path / "identity.tsv"
    write_identity(rows, out)
    assert out.read_text() == (
        "sample_a\tsample_b\tsites\tconcordant\tconcordance\tverdict\n"
        "N\tT\t40\t39\t0.975\tsame_individual\n"
        "N\tX\t40\t12\t0.300\tLIKELY_SWAP\n"
        "T\tX\t3\t3\t\ttoo_few_sites\n"
    )
    assert swap_warnings(rows, {**SETTINGS, "warn_below": 0.8}) == [
        "WARNING: N and X share only 0.300 of 40 germline genotypes (below 0.8): "
        "likely a sample swap or mix-up"
    ]
