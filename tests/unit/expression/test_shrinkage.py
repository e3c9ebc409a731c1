"""Cauchy-prior (apeglm-like) shrinkage (expression/shrinkage.py): the prior variance against
its closed form, and the EM's MAP estimate against a direct maximisation of the posterior."""

import numpy as np
from scipy.optimize import minimize
from scipy.special import gammaln

from resistance_timeline.expression import shrinkage


def test_prior_variance_has_the_closed_form_when_every_se_is_equal():
    rng = np.random.default_rng(1)
    truth = rng.normal(0, 0.8, 5000)
    se = np.full(5000, 0.5)
    lfc = truth + rng.normal(0, 0.5, 5000)
    a = shrinkage.efron_morris_prior_var(lfc, se)
    assert np.isclose(a, np.mean(lfc**2) - 0.25, rtol=1e-6)
    assert abs(a - 0.64) < 0.05


def test_prior_variance_is_bounded_below_when_the_mles_are_pure_noise():
    lfc = np.array([0.1, -0.1, 0.05])
    assert shrinkage.efron_morris_prior_var(lfc, np.full(3, 1.0)) == shrinkage.MIN_PRIOR_VAR


def nb_logpost(beta, y, sf, x, disp, scale):
    mu = sf * np.exp(x @ beta)
    r = 1.0 / disp
    loglik = np.sum(
        gammaln(y + r)
        - gammaln(r)
        - gammaln(y + 1)
        + r * np.log(r / (r + mu))
        + y * np.log(mu / (r + mu))
    )
    return loglik - np.log1p((beta[1] / scale) ** 2)


def nb_logpost_negative(*args):
    return -nb_logpost(*args)


def test_cauchy_map_matches_a_direct_maximisation_and_keeps_large_changes():
    x = np.array([[1.0, 0.0], [1.0, 1.0]])
    sf = np.array([0.9, 1.1])
    y = np.array([[500.0, 520.0], [800.0, 90.0], [40.0, 55.0], [300.0, 1500.0]])
    disp = np.full(4, 0.05)
    mle = np.log2((y[:, 1] / sf[1]) / (y[:, 0] / sf[0]))
    se = np.full(4, 0.45)
    shrunk, scale = shrinkage.cauchy_prior_lfc(y, sf, x, disp, 1, mle, se)
    for g in range(4):
        start = np.array([np.log(y[g, 0] / sf[0]), mle[g] * np.log(2)])
        best = minimize(nb_logpost_negative, start, args=(y[g], sf, x, disp[g], scale))
        assert abs(shrunk[g] - best.x[1] / np.log(2)) < 1e-3, g
    assert abs(shrunk[0]) < abs(mle[0])  # small noisy change pulled in
    assert abs(shrunk[1] - mle[1]) < 0.25 * abs(mle[1])  # large changes keep their size
    assert abs(shrunk[3] - mle[3]) < 0.25 * abs(mle[3])
