"""Tumour fraction of a sample from its somatic variants: the read model, the per-sample
sequencing error, the maximum-likelihood prevalence with a profile-likelihood interval, and
the copy-number (LOH) estimate.

The read model (WISP's, hmftools/wisp README, with the copy number read from the copy ratio):
a variant carried on ``m`` copies by a fraction ``phi`` of all cells of the sample (its
*cellular prevalence*, tumour fraction × cancer cell fraction) in a segment of copy ratio ``r``
(purity-weighted mean copies / 2, as CNVkit measures it) has

    VAF = phi · m / (2 r)

because the purity-weighted total copies are 2 r. WISP writes the same as
TF = 2·VAF / (VCN + 2·VAF − CN·VAF) with the tumour's copy number CN; using r makes the sheet's
purity unnecessary (CN itself needs a purity). Copy-neutral clonal heterozygous variants give
TF = 2·VAF. An alt read is then seen with probability ``eps + (1 − 2 eps) · VAF``, where
``eps`` is the sample's error rate towards one given base.

Everything here is written with numpy over arrays so a patient's clustering (clustering.py)
calls the same functions; scipy.stats is not imported (about 1 s per job).
"""

import numpy as np
from scipy.special import betaincinv, gammaln

CHI2_95 = 3.841458820694124  # chi-square(1) 95% quantile: likelihood-ratio interval
MAX_VAF = 1.0 - 1e-9
TINY = 1e-300


def error_rate(other, depth, confidence=0.95):
    """A sample's error rate towards one given base: ``other`` fragments (neither ref nor alt;
    the genotyper's FORMAT/OA) over all fragments (``depth`` + other) at SNV sites, divided by
    the two bases that count as other. Sites whose other fraction is 2% or more are a third
    allele, not error, and are left out. The rate is the upper ``confidence`` (one-sided
    Clopper-Pearson) bound, not the raw fraction: a sample whose few expected error reads
    happened to be none is not taken as error-free (which would make any alt read
    significant). Without fragments the rate is 0."""
    other, depth = np.asarray(other, float), np.asarray(depth, float)
    total = depth + other
    keep = (total > 0) & (other < 0.02 * total)
    n = int(total[keep].sum())
    if n == 0:
        return 0.0
    k = int(other[keep].sum())
    return float(betaincinv(k + 1, n - k, confidence) / 2.0) if k < n else 0.5


def alt_probability(phi, scale, eps):
    """P(alt read) for prevalence ``phi`` where VAF = scale · phi (scale = m / (2 r))."""
    vaf = np.clip(scale * phi, 0.0, MAX_VAF)
    return eps + (1.0 - 2.0 * eps) * vaf


def log_likelihood(phi, alt, depth, scale, eps, weight=1.0):
    """Binomial log likelihood (without the binomial coefficient), summed over the last axis.
    Arrays broadcast: e.g. phi (K, S, 1) against alt (S, V)."""
    p = np.clip(alt_probability(phi, scale, eps), TINY, 1.0 - 1e-12)
    terms = alt * np.log(p) + (depth - alt) * np.log1p(-p)
    return (weight * terms).sum(axis=-1)


def log_choose(n, k):
    """log of the binomial coefficient, elementwise."""
    return gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)


def _slope(phi, alt, depth, scale, eps, weight):
    """d log_likelihood / d phi, summed over the last axis (0 where VAF is capped)."""
    p = np.clip(alt_probability(phi, scale, eps), TINY, 1.0 - 1e-12)
    inside = (scale * phi) < MAX_VAF
    terms = scale * (1.0 - 2.0 * eps) * (alt / p - (depth - alt) / (1.0 - p)) * inside
    return (weight * terms).sum(axis=-1)


def fit_prevalence(alt, depth, scale, eps, weight=1.0, upper=1.0, steps=60):
    """Maximum-likelihood prevalence in [0, upper] for each leading index (the last axis holds
    the variants). The log likelihood is concave in phi (a log of affine functions), so the
    root of its slope is found by bisection, all problems at once."""
    alt = np.asarray(alt, float)
    shape = np.broadcast_shapes(
        np.shape(alt), np.shape(depth), np.shape(scale), np.shape(eps), np.shape(weight)
    )[:-1]
    lo, hi = np.zeros(shape), np.full(shape, float(upper))
    for _ in range(steps):
        mid = (lo + hi) / 2
        up = _slope(mid[..., None], alt, depth, scale, eps, weight) > 0
        lo, hi = np.where(up, mid, lo), np.where(up, hi, mid)
    return (lo + hi) / 2


def dispersion(phi, alt, depth, scale, eps):
    """Quasi-binomial dispersion of one sample's variants around a shared prevalence: Pearson
    chi-square over (n − 1), at least 1 (1 with fewer than two covered variants)."""
    alt, depth = np.asarray(alt, float), np.asarray(depth, float)
    covered = depth > 0
    if covered.sum() < 2:
        return 1.0
    p = alt_probability(phi, np.broadcast_to(np.asarray(scale, float), depth.shape)[covered], eps)
    expected = depth[covered] * p
    chi2 = ((alt[covered] - expected) ** 2 / np.maximum(expected * (1 - p), TINY)).sum()
    return max(1.0, float(chi2 / (covered.sum() - 1)))


def profile_interval(alt, depth, scale, eps, phi_hat=None, scale_chi2=1.0, upper=1.0):
    """95% likelihood-ratio interval of one prevalence (1-D data over variants): the phis whose
    log likelihood is within CHI2_95 · scale_chi2 / 2 of the maximum (scale_chi2: the
    quasi-binomial dispersion). Returns (phi_hat, low, high)."""
    alt, depth = np.asarray(alt, float), np.asarray(depth, float)
    scale = np.broadcast_to(np.asarray(scale, float), alt.shape)
    if phi_hat is None:
        phi_hat = float(fit_prevalence(alt, depth, scale, eps, upper=upper))
    best = float(log_likelihood(phi_hat, alt, depth, scale, eps))
    drop = CHI2_95 * scale_chi2 / 2

    def inside(phi):
        return best - float(log_likelihood(phi, alt, depth, scale, eps)) <= drop

    def edge(a, b):  # a inside, b outside: bisect the crossing
        for _ in range(60):
            mid = (a + b) / 2
            a, b = (mid, b) if inside(mid) else (a, mid)
        return (a + b) / 2

    low = 0.0 if inside(0.0) else edge(phi_hat, 0.0)
    high = upper if inside(upper) else edge(phi_hat, upper)
    return phi_hat, low, high


def copy_ratio(log2_ratio, call):
    """The copy ratio a variant's VAF is read against: 2^log2 where the gene has a called
    change, 1 where it is neutral, not called or unknown (segment noise is not a change)."""
    if log2_ratio is None or call in ("", None, "neutral", "not_called"):
        return 1.0
    return float(2.0**log2_ratio)


def loh_tumour_fraction(baf, log2_ratio, call):
    """Tumour fraction implied by one LOH segment's major-allele fraction: a one-copy loss
    (copy ratio below 1) gives BAF = 1 / (2 − p), so p = 2 − 1/BAF; a copy-neutral LOH gives
    BAF = (1 + p) / 2, so p = 2 BAF − 1 (None for other calls: the copy state is not known
    without a purity)."""
    if baf is None or baf <= 0.5:
        return None
    if call in ("loss", "deep_loss") and log2_ratio is not None and log2_ratio < 0:
        return float(min(1.0, max(0.0, 2.0 - 1.0 / baf)))
    if call == "neutral":
        return float(min(1.0, max(0.0, 2.0 * baf - 1.0)))
    return None


def cnv_estimate(genes):
    """Median LOH-based tumour fraction over a sample's distinct LOH segments (``genes``: rows
    of results/cnv/{patient}.genes.tsv for one sample, numbers parsed); None without LOH."""
    segments = {(g["log2_ratio"], g["baf"], g["call"]) for g in genes if g.get("loh") == "true"}
    values = [loh_tumour_fraction(b, lg, c) for lg, b, c in segments]
    values = [v for v in values if v is not None]
    return float(np.median(values)) if values else None
