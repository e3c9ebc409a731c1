"""The read model, error rate, prevalence fit and its interval, and the LOH estimate
(clones/tumour_fraction.py), on hand-made counts with known answers."""

import math

import numpy as np
import pytest

from resistance_timeline.clones.tumour_fraction import (
    CHI2_95,
    alt_probability,
    cnv_estimate,
    copy_ratio,
    dispersion,
    error_rate,
    fit_prevalence,
    loh_tumour_fraction,
    profile_interval,
)


def test_error_rate_counts_other_bases_and_leaves_third_alleles_out():
    # 100 other of 100,000 fragments; a site half "other" is a third allele, left out
    rate = error_rate([40, 60, 50], [49960, 49940, 50])
    assert 100 / 100000 / 2 < rate < 1.2 * 100 / 100000 / 2
    assert error_rate([0, 0], [0, 0]) == 0.0
    # none seen in 3000 fragments: the upper bound (3/n rule), not 0
    assert error_rate([0], [3000]) == pytest.approx(3.0 / 3000 / 2, rel=0.01)


def test_read_model_is_wisp_formula():
    # TF 0.4, one copy in a one-copy-loss segment: r = ((1 - p) 2 + p) / 2 = 0.8
    tf, r = 0.4, 0.8
    vaf = float(alt_probability(tf, 1 / (2 * r), 0.0))
    cn = 1  # WISP: TF = 2 VAF / (VCN + 2 VAF - CN VAF)
    assert 2 * vaf / (1 + 2 * vaf - cn * vaf) == pytest.approx(tf)
    assert float(alt_probability(0.5, 0.5, 0.001)) == pytest.approx(0.001 + 0.998 * 0.25)


def test_fit_matches_the_closed_form_and_recovers_a_simulated_prevalence():
    rng = np.random.default_rng(1)
    depth = rng.integers(100, 300, 40).astype(float)
    eps = 0.002
    alt = rng.binomial(depth.astype(int), alt_probability(0.35, 0.5, eps)).astype(float)
    phi = float(fit_prevalence(alt, depth, 0.5, eps))
    closed = (alt.sum() / depth.sum() - eps) / ((1 - 2 * eps) * 0.5)
    assert phi == pytest.approx(closed, abs=1e-9)
    assert abs(phi - 0.35) < 0.03


def test_fit_is_zero_without_alt_reads_and_handles_mixed_copy_ratios():
    assert float(fit_prevalence([0, 0], [200, 300], 0.5, 0.001)) == pytest.approx(0, abs=1e-9)
    scale = np.array([0.5, 0.5, 1 / 1.6])
    depth = np.array([10000.0, 10000, 10000])
    alt = depth * alt_probability(0.2, scale, 0.0)
    assert float(fit_prevalence(alt, depth, scale, 0.0)) == pytest.approx(0.2, abs=1e-6)


def test_profile_interval_matches_a_brute_force_grid():
    alt, depth = np.array([30.0]), np.array([100.0])
    phi, low, high = profile_interval(alt, depth, 1.0, 0.0)
    grid = np.linspace(1e-6, 1 - 1e-6, 200001)
    ll = 30 * np.log(grid) + 70 * np.log1p(-grid)
    inside = grid[2 * (ll.max() - ll) <= CHI2_95]
    assert phi == pytest.approx(0.3, abs=1e-6)
    assert low == pytest.approx(inside.min(), abs=1e-4)
    assert high == pytest.approx(inside.max(), abs=1e-4)


def test_profile_interval_covers_the_truth_about_95_percent():
    rng = np.random.default_rng(7)
    hits = 0
    for _ in range(400):
        depth = np.full(8, 150.0)
        alt = rng.binomial(150, alt_probability(0.3, 0.5, 0.001), 8).astype(float)
        _, low, high = profile_interval(alt, depth, 0.5, 0.001)
        hits += low <= 0.3 <= high
    assert 0.92 <= hits / 400 <= 0.98


def test_dispersion_is_one_for_binomial_data_and_larger_when_overdispersed():
    depth = np.full(20, 200.0)
    alt = np.full(20, 30.0)
    assert dispersion(0.3, alt, depth, 0.5, 0.0) == 1.0
    spread = np.array([5.0, 55.0] * 10)
    assert dispersion(0.3, spread, depth, 0.5, 0.0) > 5


def test_copy_ratio_only_for_called_changes():
    assert copy_ratio(0.1, "neutral") == 1.0 and copy_ratio(None, "loss") == 1.0
    assert copy_ratio(-0.515, "loss") == pytest.approx(0.7, abs=1e-3)


def test_loh_estimates():
    # one-copy loss with LOH at 60%: BAF 1 / (2 - 0.6) (the demo's IMT01 truth, 0.714)
    assert loh_tumour_fraction(1 / 1.4, -0.515, "loss") == pytest.approx(0.6)
    assert loh_tumour_fraction(0.7, 0.0, "neutral") == pytest.approx(0.4)  # copy-neutral LOH
    assert loh_tumour_fraction(0.7, 0.6, "amplification") is None
    genes = [
        {"log2_ratio": -0.5, "baf": 0.7143, "call": "loss", "loh": "true"},
        {"log2_ratio": -0.5, "baf": 0.7143, "call": "loss", "loh": "true"},  # same segment
        {"log2_ratio": 0.0, "baf": None, "call": "neutral", "loh": ""},
    ]
    assert cnv_estimate(genes) == pytest.approx(0.6, abs=1e-3)
    assert cnv_estimate(genes[2:]) is None
    assert math.isfinite(cnv_estimate(genes))
