"""Germline concordance of scripts/check_sample_identity.py: same person vs a swap."""

import random

from check_sample_identity import concordance, genotype_from_vaf

SETTINGS = {"min_depth": 20, "absent_max": 0.1, "het_min": 0.25, "hom_min": 0.85,
            "min_sites": 10, "warn_below": 0.8}


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
    sites = [{"N": n, "T": t, "X": x} for n, t, x in zip(normal, tumour, stranger)]
    rows = {(r[0], r[1]): r for r in concordance(sites, ["N", "T", "X"], SETTINGS)}
    assert rows[("N", "T")][5] == "same_individual" and rows[("N", "T")][4] > 0.95
    assert rows[("N", "X")][5] == "LIKELY_SWAP" and rows[("N", "X")][4] < 0.6


def test_too_few_sites():
    sites = [{"N": (30, 60), "T": (29, 60)}] * 3
    assert concordance(sites, ["N", "T"], SETTINGS)[0][5] == "too_few_sites"
