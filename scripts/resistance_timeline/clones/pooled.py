"""Tumour presence where no single variant is detected (minimal residual disease): the alt
reads of the patient's truncal variants pooled against the sample's error rate, as WISP's
"tumour presence p-value", and the pooled detection limit.

- Test: under "no tumour", every pooled fragment shows the alt base with the sample's error
  probability ``eps``, so the total alt count A over N fragments is Binomial(N, eps); the
  p-value is P(X >= A). WISP uses a Poisson test of the same quantity; the binomial is exact
  for the same assumption (and as small N·eps shows, the two hardly differ).
- Detection limit: the smallest tumour fraction at which the test would reach p < alpha with
  95% probability, given the pooled fragments (each variant's expected VAF TF·m/(2r)). This
  is the per-variant ``detection_limit`` of the genotyper (95% probability) carried to the
  pool; WISP's LOD is the fraction whose *expected* count reaches p = 0.01 (50% probability),
  so it is lower than this for the same data.

The binomial tail is the regularized incomplete beta, P(X >= k) = I_eps(k, N − k + 1)
(no scipy.stats import).
"""

import numpy as np
from scipy.special import betainc

from resistance_timeline.clones.tumour_fraction import alt_probability

POWER = 0.95


def upper_tail(k, n, p):
    """P(Binomial(n, p) >= k)."""
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    if p <= 0:
        return 0.0
    return float(betainc(k, n - k + 1, p))


def pooled_pvalue(alt, depth, eps):
    """P-value of the pooled alt reads under error alone (1.0 with no fragments)."""
    total = int(np.sum(depth))
    return upper_tail(int(np.sum(alt)), total, eps) if total else 1.0


def critical_count(n, eps, alpha):
    """The smallest alt count k with P(X >= k | error alone) < alpha."""
    k = max(1, int(n * eps))
    while upper_tail(k, n, eps) >= alpha:
        k += 1
    while k > 1 and upper_tail(k - 1, n, eps) < alpha:
        k -= 1
    return k


def detection_limit(depth, scale, eps, alpha, power=POWER):
    """Smallest tumour fraction detected by the pooled test with probability ``power``
    (``depth``, ``scale`` = m / (2r) per pooled variant); None without fragments."""
    depth, scale = np.asarray(depth, float), np.asarray(scale, float)
    n = int(depth.sum())
    if n == 0:
        return None
    k = critical_count(n, eps, alpha)

    def power_at(tf):  # pooled alt probability: depth-weighted mean over the variants
        p = float((depth * alt_probability(tf, scale, eps)).sum() / n)
        return upper_tail(k, n, p)

    lo, hi = 0.0, 1.0
    if power_at(hi) < power:
        return None
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if power_at(mid) >= power else (mid, hi)
    return hi


def describe(detected, limit):
    """The sentence a reader gets: 'tumour detected' or 'tumour not detected, below 0.85%
    tumour fraction'."""
    if detected:
        return "tumour detected"
    if limit is None:
        return "tumour not detected (no fragments at the patient's variants)"
    return f"tumour not detected, below {100 * limit:.2g}% tumour fraction"
