"""Pooled tumour-presence test and detection limit (clones/pooled.py) against exact binomial
sums and a simulation."""

import math

import numpy as np
import pytest

from resistance_timeline.clones.pooled import (
    critical_count,
    describe,
    detection_limit,
    pooled_pvalue,
    upper_tail,
)
from resistance_timeline.clones.tumour_fraction import alt_probability


def exact_tail(k, n, p):
    """Sum of binomial probabilities (in logs: the coefficients overflow a float)."""

    def log_pmf(i):
        coefficient = math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1)
        return coefficient + i * math.log(p) + (n - i) * math.log1p(-p)

    return sum(math.exp(log_pmf(i)) for i in range(k, n + 1))


@pytest.mark.parametrize("k,n,p", [(5, 1000, 0.001), (1, 50, 0.01), (12, 300, 0.02), (0, 10, 0.1)])
def test_upper_tail_is_the_binomial_tail(k, n, p):
    assert upper_tail(k, n, p) == pytest.approx(exact_tail(k, n, p), rel=1e-9)


def test_pooled_pvalue_spreads_over_variants():
    # 8 alt reads over 16 variants x 250 fragments (none reaches 4 alone) at error 1e-4
    alt, depth = np.array([1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1, 0, 0, 1, 0]), np.full(16, 250)
    assert pooled_pvalue(alt, depth, 1e-4) == pytest.approx(exact_tail(8, 4000, 1e-4))
    assert pooled_pvalue(alt, depth, 1e-4) < 1e-6
    assert pooled_pvalue(np.zeros(16), depth, 1e-4) == 1.0


def test_critical_count_is_the_smallest_significant_count():
    k = critical_count(4000, 1e-4, 0.01)
    assert upper_tail(k, 4000, 1e-4) < 0.01 <= upper_tail(k - 1, 4000, 1e-4)


def test_detection_limit_has_95_percent_power():
    depth, scale, eps, alpha = np.full(16, 250.0), np.full(16, 0.5), 1e-4, 0.01
    limit = detection_limit(depth, scale, eps, alpha)
    k = critical_count(4000, eps, alpha)
    rng = np.random.default_rng(3)
    p = alt_probability(limit, scale, eps)
    hits = (rng.binomial(250, p, (4000, 16)).sum(axis=1) >= k).mean()
    assert 0.93 <= hits <= 0.97
    assert detection_limit(depth / 4, scale, eps, alpha) > limit  # fewer fragments, higher
    assert detection_limit(np.zeros(3), np.full(3, 0.5), eps, alpha) is None


def test_description():
    assert describe(True, 0.001) == "tumour detected"
    assert describe(False, 0.0085) == "tumour not detected, below 0.85% tumour fraction"
