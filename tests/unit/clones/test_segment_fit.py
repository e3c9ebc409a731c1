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
    noise of the neutral ones (tau 0.02, twice se) is not read as changes at a smaller
    fraction, in at least 8 of 10 samples (measured: 8, 10, 10; the others are a neutral
    segment 2.7 tau out, called). At tau 0.03 a one-copy change at 0.2 (4.7 tau) no longer
    clears, with 36 segments, the threshold that holds alpha there (5.4): measured, 9 of 20
    within 0.03."""
    fractions = [
        fit_segments(segments(0.2, [2] * (arms - 6) + CHANGES, noise=0.02, seed=k), SETTINGS)
        for k in range(10)
    ]
    near = [f.detected and abs(f.fraction - 0.2) <= 0.03 for f in fractions]
    assert sum(near) >= 8, (arms, [f.fraction for f in fractions])


def test_the_neutral_level_is_measured_not_assumed_at_zero():
    """CNVkit centres the bins on their median, which can sit off the neutral level: every
    segment shifted by 0.04 gives the same fraction and states, from a neutral level of 0.04."""
    arms = segments(0.2, [2] * 30 + CHANGES, noise=0.015, seed=6)
    shifted = [s._replace(log2=s.log2 + 0.04, low=s.low + 0.04, high=s.high + 0.04) for s in arms]
    fit, moved = fit_segments(arms, SETTINGS), fit_segments(shifted, SETTINGS)
    assert moved.fraction == fit.fraction and moved.states == fit.states == CHANGES
    assert moved.neutral - fit.neutral == pytest.approx(0.04, abs=1e-9)
    assert not fit_segments(segments(0.0, [2] * 20, seed=7), SETTINGS).detected
    offset = [s._replace(log2=s.log2 + 0.04) for s in segments(0.0, [2] * 20, seed=7)]
    assert not fit_segments(offset, SETTINGS).detected


# the demo's relapse plasma (NB01-P2, generator version 11): CNVkit's segments, measured
# (contig, start, end, log2, ci_lo, ci_hi, bins); truth: chr6 gained, chr11 lost, p = 0.2
DEMO_P2 = [
    ("chr1", 3062, 28734, -0.0088, -0.1213, 0.0778, 20),
    ("chr2", 500, 89250, 0.0357, -0.0223, 0.0879, 102),
    ("chr3", 3487, 24577, -0.0032, -0.1396, 0.0726, 16),
    ("chr4", 500, 29258, 0.0415, -0.0505, 0.1506, 26),
    ("chr6", 500, 44700, 0.1343, 0.0864, 0.1845, 72),
    ("chr7", 500, 26843, -0.1447, -0.3720, -0.0268, 21),
    ("chr8", 500, 14331, -0.0585, -0.2153, 0.0586, 10),
    ("chr8", 14831, 23275, 0.5705, 0.4553, 0.7004, 11),
    ("chr8", 23522, 39532, 0.0879, -0.0498, 0.2271, 13),
    ("chr9", 500, 27319, -0.0155, -0.0938, 0.0751, 28),
    ("chr11", 500, 40256, -0.1299, -0.1844, -0.0862, 73),
    ("chr12", 500, 29056, 0.0420, -0.0211, 0.1480, 29),
    ("chr12", 29556, 38257, 0.7952, 0.6220, 0.9323, 8),
    ("chr12", 38757, 56476, 0.0218, -0.1097, 0.1358, 13),
    ("chr17", 500, 24771, 0.0056, -0.0783, 0.0983, 20),
    ("chr20", 500, 26204, -0.0899, -0.1867, -0.0182, 31),
]


def test_two_changes_among_few_segments_are_called():
    """The demo's relapse plasma: fourteen arm-level segments of 10-102 bins, one copy
    gained on chr6 (+0.134, se 0.025) and one lost on chr11 (-0.130). The noise measured by
    a median over all fourteen (tau 0.038) reads the two changes as noise (z 2.9, threshold
    4.5); the neutral level and tau measured on the other twelve (tau 0.024) call both (z
    3.8, threshold 3.7), one copy each, at a fraction within 0.05 of 0.2 (0.18); the focal
    amplicons stay out (min_span 10 kb)."""
    segs = [Segment(*row) for row in DEMO_P2]
    fit = fit_segments(segs, {**SETTINGS, "min_span": 10_000})
    assert fit.used == 14 and [s.contig for s in fit.changed] == ["chr6", "chr11"]
    assert fit.states == [3, 1] and abs(fit.fraction - 0.2) <= 0.05
    assert fit.low < 0.2 < fit.high and fit.tau < 0.03 and abs(fit.neutral) < 0.01


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
