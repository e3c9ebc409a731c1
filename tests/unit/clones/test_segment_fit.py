"""Tumour fraction from copy number (clones/segment_fit.py): ichorCNA's expected log ratio,
worked by hand, and fractions recovered from simulated arm-level segments."""

import numpy as np
import pytest

from resistance_timeline.clones.segment_fit import (
    cnv_fraction,
    expected_log2,
    fit_segments,
)
from resistance_timeline.cnv.gene_calls import Segment

SETTINGS = {"max_copies": 5, "alpha": 0.01, "min_span": 5_000_000, "min_bins": 3}
ARM = 50_000_000
CHANGES = [1, 1, 1, 3, 3, 3]  # three arm losses, three arm gains


def segments(fraction, states, noise=0.03, seed=0, span=ARM, half_ci=0.02):
    """One arm-level segment per state, its log2 ratio ichorCNA's mean plus normal noise."""
    rng = np.random.default_rng(seed)
    out = []
    for i, c in enumerate(states):
        log2 = float(expected_log2(fraction, c) + rng.normal(0, noise))
        out.append(Segment(f"chr{i % 22 + 1}", 0, span, log2, log2 - half_ci, log2 + half_ci, 400))
    return out


def test_expected_log2_is_ichorcnas_mean():
    # log2((2 (1 - p) + p c) / (2 (1 - p) + p psi)), by hand
    assert expected_log2(0.5, 1) == pytest.approx(np.log2(1.5 / 2))
    assert expected_log2(0.5, 4) == pytest.approx(np.log2(3 / 2))
    assert expected_log2(0.2, 8) == pytest.approx(np.log2(1.6))  # NB01's CDK4 amplicon
    assert expected_log2(0.2, 2) == 0 and expected_log2(0.0, 5) == 0
    assert expected_log2(0.5, 2, ploidy=3) == pytest.approx(np.log2(2 / 2.5))
    # the ambiguity parsimony settles: one copy lost at p reads as both lost at p / 2
    assert expected_log2(0.4, 1) == pytest.approx(expected_log2(0.2, 0))


@pytest.mark.parametrize("fraction,noise", [(0.1, 0.015), (0.2, 0.03), (0.45, 0.03), (0.8, 0.03)])
def test_fraction_recovered_from_single_copy_changes(fraction, noise):
    states = [2] * 30 + CHANGES
    fit = fit_segments(segments(fraction, states, noise=noise), SETTINGS)
    assert fit.detected and abs(fit.fraction - fraction) <= 0.03, fit
    assert fit.low <= fraction <= fit.high and fit.high - fit.low < 0.15
    assert fit.states == CHANGES  # one copy lost or gained, not two at half the fraction


@pytest.mark.parametrize("arms", [36, 100, 200])
def test_many_neutral_segments_neither_bias_nor_hide_the_fraction(arms):
    """Up to 200 arm-level segments (an exome's, at 5 Mb or more), six of them changed: the
    noise of the neutral ones is not read as changes at a smaller fraction."""
    for seed in range(3):
        fit = fit_segments(segments(0.2, [2] * (arms - 6) + CHANGES, seed=seed), SETTINGS)
        assert abs(fit.fraction - 0.2) <= 0.03, (arms, seed, fit.fraction)


def test_no_change_is_not_detected():
    """A tumour-free plasma and a copy-neutral tumour read alike: no fraction."""
    fit = fit_segments(segments(0.0, [2] * 35), SETTINGS)
    assert not fit.detected and fit.fraction is None and fit.changed == []


def test_focal_amplicons_do_not_pick_the_fraction():
    """NB01's case: 8 copies of a short amplicon at p = 0.2 read as 4 copies at 0.6; only
    arm-level segments (min_span) enter the fit, so the amplicon leaves it unchanged."""
    arms = segments(0.2, [2] * 30 + CHANGES, seed=3)
    focal = segments(0.2, [8, 8], seed=4, span=2_000_000)
    with_focal = fit_segments(arms + focal, SETTINGS)
    alone = fit_segments(arms, SETTINGS)
    assert with_focal.fraction == alone.fraction and with_focal.used == alone.used == 36
    assert abs(alone.fraction - 0.2) <= 0.03
    neutral = segments(0.2, [2] * 30, seed=5)
    unfiltered = fit_segments(neutral + focal, {**SETTINGS, "min_span": 0})
    # the simplest reading, 4 copies at p = 0.6 (log2 1.6 = 0.68), far from the truth
    assert unfiltered.states == [4, 4] and unfiltered.fraction == pytest.approx(0.6, abs=0.05)


def test_noise_is_measured_not_read_as_a_tumour():
    """Between-segment noise well beyond CNVkit's intervals (tau 0.08 against +-0.02) is
    measured, and tumour-free samples show a changed segment about as often as alpha (0.01)
    says: at most 5 of 200."""
    fits = [fit_segments(segments(0.0, [2] * 36, noise=0.08, seed=k), SETTINGS) for k in range(200)]
    assert sum(f.detected for f in fits) <= 5
    assert 0.06 < float(np.median([f.tau for f in fits])) < 0.1


def test_sex_chromosomes_short_and_thin_segments_left_out():
    segs = segments(0.3, [2] * 10 + [1])
    segs[0] = segs[0]._replace(contig="chrX")
    segs[1] = segs[1]._replace(bins=2)
    segs[2] = segs[2]._replace(end=1000)
    fit = fit_segments(segs, SETTINGS)
    assert fit.used == 8
    assert fit_segments(segs[:3], SETTINGS) is None


def test_table_columns_prefer_loh_then_the_fit():
    fit = fit_segments(segments(0.45, [2] * 30 + CHANGES), SETTINGS)
    assert cnv_fraction(0.6, fit) == (0.6, None, None, "loh")
    assert cnv_fraction(None, fit) == (fit.fraction, fit.low, fit.high, "segment_fit")
    assert cnv_fraction(None, None) == (None, None, None, "")
    none = fit_segments(segments(0.0, [2] * 35), SETTINGS)
    assert cnv_fraction(None, none) == (None, None, None, "no_copy_change")
