"""Dispersion trend, prior variance and independent filtering pieces (expression/trend.py,
expression/filtering.py) on synthetic data, and R's own numbers where they are known."""

import numpy as np
import pandas as pd
import pytest
from scipy.special import polygamma

from helpers import REPO
from resistance_timeline.expression.filtering import lowess
from resistance_timeline.expression.trend import (
    DispersionTrend,
    TrendFitError,
    fit_parametric_trend,
    prior_variance,
)

AIRWAY = REPO / "tests" / "data" / "airway"


def _gamma_scatter(asympt, extra, n_genes, shape, seed):
    rng = np.random.default_rng(seed)
    means = np.exp(rng.uniform(np.log(1.0), np.log(1e4), n_genes))
    truth = asympt + extra / means
    return means, truth * rng.gamma(shape, 1.0 / shape, n_genes)


def test_trend_recovers_known_coefficients():
    means, disps = _gamma_scatter(0.02, 2.0, 20_000, shape=4.0, seed=1)
    fit = fit_parametric_trend(means, disps, min_disp=1e-8)
    assert fit.asympt_disp == pytest.approx(0.02, rel=0.05)
    assert fit.extra_pois == pytest.approx(2.0, rel=0.05)
    assert fit(np.array([1.0, 100.0])) == pytest.approx([0.02 + 2.0, 0.02 + 0.02], rel=0.05)


def test_trend_ignores_genes_at_the_dispersion_floor_and_far_outliers():
    means, disps = _gamma_scatter(0.05, 1.0, 10_000, shape=8.0, seed=2)
    disps[:3000] = 1e-8  # at the floor: not used for the fit
    disps[3000:3100] = 500.0  # ratio >= 15 to any sensible curve: excluded every round
    fit = fit_parametric_trend(means, disps, min_disp=1e-8)
    assert fit.asympt_disp == pytest.approx(0.05, rel=0.05)
    assert fit.extra_pois == pytest.approx(1.0, rel=0.05)


def test_trend_fails_like_deseq2_when_nothing_is_above_the_floor():
    with pytest.raises(TrendFitError):
        fit_parametric_trend(np.ones(10), np.full(10, 1e-8), min_disp=1e-8)


def test_prior_variance_with_many_residual_df():
    rng = np.random.default_rng(3)
    trend = DispersionTrend(0.01, 1.0)
    means = np.exp(rng.uniform(0, 8, 20_000))
    fitted = trend(means)
    df = 12
    sampling = np.log(rng.chisquare(df, len(means)) / df)  # variance trigamma(df / 2)
    est = fitted * np.exp(rng.normal(0.0, np.sqrt(0.6), len(means)) + sampling)
    prior = prior_variance(est, fitted, n_samples=16, n_coefs=4, min_disp=1e-8)
    assert prior.disp_prior_var == pytest.approx(
        prior.var_log_disp_ests - float(polygamma(1, df / 2))
    )
    assert prior.disp_prior_var == pytest.approx(0.6, abs=0.1)
    tight = prior_variance(fitted * 1.01, fitted, n_samples=16, n_coefs=4, min_disp=1e-8)
    assert tight.disp_prior_var == 0.25


def test_prior_variance_with_three_residual_df_is_deseq2s():
    """Airway (8 samples, 5 coefficients): DESeq2's Monte Carlo estimator gives 0.5285."""
    ref = pd.read_csv(AIRWAY / "deseq2_reference.tsv.gz", sep="\t", index_col=0)
    prior = prior_variance(
        ref["dispGeneEst"].to_numpy(), ref["dispFit"].to_numpy(), 8, 5, min_disp=1e-8
    )
    assert prior.disp_prior_var == pytest.approx(0.528528528528528, rel=1e-9)
    assert prior.var_log_disp_ests == pytest.approx(0.953256197086282, rel=1e-9)


def test_lowess_equals_r():
    x = np.linspace(0, 1, 50)
    y = np.array(
        [5, 16, 27, 38, 49, 60, 36, 47, 57, 67, 77, 87, 97, 71, 81, 89, 98, 106, 114, 122, 94]
        + [101, 108, 114, 119, 125, 130, 100, 104, 108, 111, 115, 118, 120, 87, 89, 91, 92]
        + [93, 93, 94, 59, 59, 59, 58, 58, 57, 56, 20, 19],
        dtype=float,
    )
    # R 4.2.2: lowess(x, y, f = 1/5)$y, first and last five and the middle
    r_head = [9.7193507496, 18.0090110702, 25.8336474789, 33.1945999087, 40.2323641472]
    r_tail = [57.9850936002, 53.7001366271, 46.4943500791, 39.4734020759, 32.1895485984]
    fit = lowess(x, y, 1 / 5, 3)
    assert fit[:5] == pytest.approx(r_head, abs=1e-8)
    assert fit[-6:-1] == pytest.approx(r_tail, abs=1e-8)
    assert fit[25] == pytest.approx(115.4630523404, abs=1e-8)
