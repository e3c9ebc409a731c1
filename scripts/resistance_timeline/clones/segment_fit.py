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
   of CNVkit's 95% interval of its mean ((ci_hi - ci_lo) / 3.92) and the sample's noise
   between segments tau (GC, capture, reference), measured robustly from all its segments
   (1.4826 x the median |l|, less the median se^2: a minority of changed arms does not move
   it). A segment is changed when |l_i| / sqrt(se_i^2 + tau^2) exceeds the normal quantile
   at ``alpha`` / (2 x segments) (Bonferroni): a tumour-free sample shows one with
   probability at most ``alpha``. None changed: no tumour seen by copy number.
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
from scipy.stats import chi2, norm

P_GRID = np.round(np.arange(0.005, 1.0001, 0.005), 4)
PARSIMONY = 4.0
BASELINE = 2
MIN_SE = 0.005
MIN_TAU = 0.01
SEX_CONTIGS = {"chrX", "chrY", "X", "Y"}


@dataclass
class SegmentFit:
    """The tumour fraction and its 95% interval (None where no segment changed), the
    segments used, those called changed with their copy states at the fraction, and the
    noise tau."""

    fraction: float | None
    low: float | None
    high: float | None
    used: int
    changed: list
    states: list
    tau: float

    @property
    def detected(self):
        return self.fraction is not None


def expected_log2(p, copies, ploidy=BASELINE):
    """ichorCNA's expected log2 ratio of ``copies`` tumour copies at tumour fraction p."""
    normal = 2 * (1 - p)
    copies = np.asarray(copies, float)
    return np.log2(np.maximum(normal + p * copies, 1e-3) / (normal + p * ploidy))


def between_segment_noise(log2, se):
    """tau: 1.4826 x the median |log2| (robust to a minority of changed segments), less the
    segments' median own variance; at least MIN_TAU."""
    spread = 1.4826 * float(np.median(np.abs(log2)))
    return max(MIN_TAU, float(np.sqrt(max(0.0, spread**2 - float(np.median(se**2))))))


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
    log2 = np.array([s.log2 for s in kept], float)
    se = np.array([max(MIN_SE, (s.high - s.low) / 3.92) for s in kept])
    tau = between_segment_noise(log2, se)
    sigma = np.sqrt(se**2 + tau**2)
    critical = norm.isf(settings["alpha"] / (2 * len(kept)))
    changed = np.nonzero(np.abs(log2) / sigma > critical)[0]
    if not len(changed):
        return SegmentFit(None, None, None, len(kept), [], [], tau)
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
