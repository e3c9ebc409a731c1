"""Tumour fraction from copy number: the fraction that best explains a sample's changed
arm-level segments as integer copy states of its tumour cells, with ichorCNA's expected log
ratio (Adalsteinsson et al. 2017, Nat Commun 8:1324), fitted to CNVkit's segments (``.cns``).

Why written here: ichorCNA is an R package installed from GitHub (neither Debian nor PyPI nor
Bioconductor), built for read counts of shallow whole genomes in 1 Mb bins with its own
normalisation and an HMM; PureCN (Bioconductor) is not in Debian either, and CNVkit takes a
purity (``call --purity``) but does not estimate one. Kept of ichorCNA: the expected log ratio
and its preference for the simplest copy states.

Per sample, in two steps:
1. Which segments changed. Only segments spanning at least ``min_span`` bp and ``min_bins``
   bins, off the sex chromosomes, count (arm-level changes: a focal amplicon explains any
   fraction with some copy number, 8 copies at p = 0.2 reading as 4 at 0.6, so it would pick
   the fraction instead of measuring it). Each segment's log2 ratio l_i has the error se_i
   of CNVkit's 95% interval of its mean ((ci_hi - ci_lo) / 3.92), and the sample has a
   noise between segments tau (GC, capture, reference). Three things are measured together
   (measure_segments):
   - the neutral level. CNVkit centres the bins on their median, which is not the neutral
     level when many bins changed and the bins are noisy. So the segments are read from a
     Huber mean of their log2, weighted by 1 / (se^2 + tau^2), started at their
     bins-weighted median (as CNVkit's ``call --center`` re-centres segments);
   - tau: first robustly (Paule and Mandel's random-effects estimator with a median: 1.4826
     x the median of |l| / sqrt(se^2 + tau^2) is 1), then by moments over the segments
     within TRIM standard deviations, as normals truncated there, and at most the robust
     value. Changed segments inflate a median among few segments:
     on the demo's relapse plasma, two changed of fourteen make it 0.038 where the other
     twelve say 0.024: the changes (+-0.13, se 0.025) would read z 2.9 against a threshold
     of 4.5 there, and read 3.8 against 3.7;
   - z_i = |l_i| / sqrt(se_i^2 + tau^2).
   A segment is changed when z_i exceeds the threshold a tumour-free sample reaches with
   probability ``alpha``: the (1 - alpha) quantile of the largest z among NULL_DRAWS
   tumour-free samples with the sample's se_i and tau, read the same way (null_critical;
   seeded, so the same segments give the same threshold). The normal quantile at alpha /
   (2 x segments) (Bonferroni, used before) ignores that tau is itself measured on the
   segments. How often each calls a tumour-free sample is measured in bench/ (RESULTS.md,
   "Segment fit"): with 36 segments whose noise exceeds their own error (an exome's arms),
   0.2-1.8% against 4.5% before; with 12-20 such segments 6-9% against 5.5-6% (tau is
   then known too poorly for any threshold read from it to hold alpha); where se dominates
   (the demo's segments of 10-100 bins), under 1% both. The demo's relapse plasma's two
   changes are found in 69% of draws like it, against 37%. None changed: no tumour seen by
   copy number.
2. The fraction. A changed segment with c tumour copies has the expected log2 ratio
   mu(c, p) = log2((2 (1 - p) + p c) / (2 (1 - p) + p psi)), psi = 2 (ichorCNA's mean, at a
   near-diploid tumour's centring; a whole-genome-doubled one is read as its relative gains
   and losses). Copy ratios alone cannot tell one copy lost at p from both at p / 2 (mu(1,
   p) = mu(0, p / 2)), nor three copies from four at half the fraction, so each copy further
   from 2 than one costs 2 ln(PARSIMONY) (a PARSIMONY-fold smaller prior) in the score
   S(p) = sum over changed segments of min over c != 2 of ((l - mu(c, p)) / sigma)^2 +
   2 ln(PARSIMONY) (|c - 2| - 1), c from 0 to ``max_copies``. The fraction is the p of P_GRID
   minimising S, its interval the p with S within the chi-square(1) 95% quantile of the
   minimum.
"""

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr
from scipy.stats import chi2

P_GRID = np.round(np.arange(0.005, 1.0001, 0.005), 4)
PARSIMONY = 4.0
BASELINE = 2
MIN_SE = 0.005
MIN_TAU = 0.01
SEX_CONTIGS = {"chrX", "chrY", "X", "Y"}
NULL_DRAWS, NULL_SEED = 2000, 20261207  # tumour-free samples simulated for the threshold
HUBER, HUBER_STEPS, BISECTIONS, TRIM = 1.345, 4, 14, 2.0


@dataclass
class SegmentFit:
    """The tumour fraction and its 95% interval (None where no segment changed), the
    segments used, those called changed with their copy states at the fraction, the noise
    tau and the neutral level the log2 ratios were read from."""

    fraction: float | None
    low: float | None
    high: float | None
    used: int
    changed: list
    states: list
    tau: float
    neutral: float = 0.0

    @property
    def detected(self):
        return self.fraction is not None


def expected_log2(p, copies, ploidy=BASELINE):
    """ichorCNA's expected log2 ratio of ``copies`` tumour copies at tumour fraction p."""
    normal = 2 * (1 - p)
    copies = np.asarray(copies, float)
    return np.log2(np.maximum(normal + p * copies, 1e-3) / (normal + p * ploidy))


def neutral_level(log2, bins):
    """The bins-weighted median of the segments' log2 ratios (the lower median at a tie), per
    row of ``log2`` (segments on the last axis)."""
    log2 = np.atleast_2d(log2)
    order = np.argsort(log2, axis=1, kind="stable")
    cumulative = np.cumsum(np.asarray(bins, float)[order], axis=1)
    middle = (cumulative >= cumulative[:, -1:] / 2).argmax(axis=1)
    return np.take_along_axis(log2, order[np.arange(len(log2)), middle][:, None], axis=1)[:, 0]


def truncated_variance(a):
    """E[Z^2 | |Z| <= a] of a standard normal."""
    density = np.exp(-0.5 * a**2) / np.sqrt(2 * np.pi)
    return 1 - 2 * a * density / np.maximum(2 * ndtr(a) - 1, 1e-300)


def between_segment_noise(log2, se, limit=None):
    """tau: the noise that makes the segments' standardised log2 ratios l / sqrt(se^2 +
    tau^2) spread as a standard normal's (Paule and Mandel's estimator of a random-effects
    meta-analysis), at least MIN_TAU. Without ``limit``, robustly: 1.4826 x their median
    absolute value is 1 (a minority of changed segments barely moves it). With ``limit``
    (per segment, the |log2| up to which it was kept; NaN: left out), by moments: their sum
    of squares is that of normals truncated there. Per row of ``log2``; bisection."""
    log2 = np.abs(np.atleast_2d(log2))

    def spread(tau):
        sigma = np.sqrt(se[None, :] ** 2 + tau[:, None] ** 2)
        if limit is None:
            return 1.4826 * np.median(log2 / sigma, axis=1)
        expected = np.where(np.isnan(log2), 0.0, truncated_variance(limit / sigma))
        return np.sqrt(np.nansum((log2 / sigma) ** 2, axis=1) / expected.sum(axis=1))

    low, high = np.full(len(log2), MIN_TAU), np.full(len(log2), 1.0)
    for _ in range(BISECTIONS):
        mid = (low + high) / 2
        wide = spread(mid) > 1
        low, high = np.where(wide, mid, low), np.where(wide, high, mid)
    return np.where(spread(np.full(len(log2), MIN_TAU)) > 1, high, MIN_TAU)


def measure_segments(log2, se, bins):
    """(log2 from the neutral level, neutral level, tau, |z|) per row of ``log2``. A robust
    tau (between_segment_noise) is measured around the bins-weighted median; the neutral
    level is then a Huber mean of the segments weighted by 1 / (se^2 + tau^2) (segments
    beyond HUBER standard deviations count as that far: changed ones barely move it); tau is
    measured again, by moments, over the segments within TRIM standard deviations of it, as
    normals truncated there, at most the robust value (changed segments inflate a median
    among few segments: on the demo's relapse plasma, two of fourteen make it 0.038 where
    the other twelve say 0.024)."""
    log2 = np.atleast_2d(log2)
    neutral = neutral_level(log2, bins)
    robust = between_segment_noise(log2 - neutral[:, None], se)
    variance = se[None, :] ** 2 + robust[:, None] ** 2
    for _ in range(HUBER_STEPS):
        z = np.abs(log2 - neutral[:, None]) / np.sqrt(variance)
        weight = np.minimum(1.0, HUBER / np.maximum(z, 1e-12)) / variance
        neutral = (weight * log2).sum(axis=1) / weight.sum(axis=1)
    centred = log2 - neutral[:, None]
    limit = TRIM * np.sqrt(variance)
    # at most the robust tau: changed segments only inflate that, and the truncated moments
    # have no solution when the kept segments spread as widely as their limits
    tau = np.minimum(
        robust,
        between_segment_noise(np.where(np.abs(centred) > limit, np.nan, centred), se, limit),
    )
    z = np.abs(centred) / np.sqrt(se[None, :] ** 2 + tau[:, None] ** 2)
    return centred, neutral, tau, z


def null_critical(se, bins, tau, alpha):
    """The (1 - alpha) quantile of the largest |z| of NULL_DRAWS tumour-free samples with
    these segments' errors and noise, read as measure_segments reads a sample."""
    rng = np.random.default_rng(NULL_SEED)
    draws = rng.normal(size=(NULL_DRAWS, len(se))) * np.sqrt(se**2 + tau**2)
    return float(np.quantile(measure_segments(draws, se, bins)[3].max(axis=1), 1 - alpha))


def state_scores(log2, sigma, max_copies):
    """(P_GRID, segments, states) penalised squared errors of every state but 2, and the
    states they stand for."""
    states = np.array([c for c in range(max_copies + 1) if c != BASELINE])
    mu = expected_log2(P_GRID[:, None], states[None, :])  # (P, states)
    penalty = 2 * np.log(PARSIMONY) * (np.abs(states - BASELINE) - 1)
    z = (log2[None, :, None] - mu[:, None, :]) / sigma[None, :, None]
    return z**2 + penalty[None, None, :], states


def fit_segments(segments, settings):
    """SegmentFit of one sample's segments (cnv.gene_calls.Segment: contig, start, end, log2,
    low, high, bins; low and high CNVkit's 95% interval of the mean). ``settings``: config
    ``clones: segment_fit`` (max_copies, alpha, min_span, min_bins). None when no segment
    qualifies."""
    kept = [
        s
        for s in segments
        if s.contig not in SEX_CONTIGS
        and s.bins >= settings["min_bins"]
        and s.end - s.start >= settings["min_span"]
    ]
    if not kept:
        return None
    se = np.array([max(MIN_SE, (s.high - s.low) / 3.92) for s in kept])
    bins = np.array([s.bins for s in kept], float)
    (log2,), (neutral,), (tau,), (z,) = measure_segments(
        np.array([s.log2 for s in kept], float), se, bins
    )
    neutral, tau = float(neutral), float(tau)
    sigma = np.sqrt(se**2 + tau**2)
    changed = np.nonzero(z > null_critical(se, bins, tau, settings["alpha"]))[0]
    if not len(changed):
        return SegmentFit(None, None, None, len(kept), [], [], tau, neutral)
    scores, states = state_scores(log2[changed], sigma[changed], settings["max_copies"])
    total = scores.min(axis=2).sum(axis=1)  # (P,)
    best = int(np.argmin(total))
    inside = P_GRID[total - total[best] <= chi2.ppf(0.95, 1)]
    chosen = states[scores[best].argmin(axis=1)]
    return SegmentFit(
        float(P_GRID[best]),
        float(inside.min()),
        float(inside.max()),
        len(kept),
        [kept[i] for i in changed],
        [int(c) for c in chosen],
        tau,
        neutral,
    )


def cnv_fraction(loh_estimate, fit):
    """(estimate, low, high, method) of the tumour-fraction table's cnv_* columns: the LOH
    segments' estimate where there is one (``loh``, no interval), else the segment fit's
    (``segment_fit``), ``no_copy_change`` where no segment changed (a tumour-free sample and
    a tumour without arm-level changes look alike: copy number cannot measure the fraction),
    else nothing."""
    if loh_estimate is not None:
        return loh_estimate, None, None, "loh"
    if fit is None:
        return None, None, None, ""
    if not fit.detected:
        return None, None, None, "no_copy_change"
    return fit.fraction, fit.low, fit.high, "segment_fit"
