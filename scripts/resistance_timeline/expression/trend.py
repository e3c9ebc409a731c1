"""DESeq2's dispersion trend and the prior variance of log dispersions around it.

``fit_parametric_trend`` is ``estimateDispersionsFit(fitType = "parametric")`` with
``parametricDispersionFit``: dispersion = asymptDisp + extraPois / mean, fitted by a gamma-family
GLM with identity link on the genes whose gene-wise estimate is above 100 * minDisp; each round
keeps, out of all those genes, the ones whose ratio to the current curve is in (1e-4, 15).
``prior_variance`` is ``estimateDispersionsPriorVar``, including its Monte Carlo estimator for
designs with 1 to 3 residual degrees of freedom.
"""

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import polygamma

TREND_START = (0.1, 1.0)
TREND_RATIO_BOUNDS = (1e-4, 15.0)
TREND_MAX_ROUNDS = 10
PRIOR_VAR_FLOOR = 0.25
# DESeq2's Monte Carlo estimator of the prior variance (1-3 residual degrees of freedom)
MC_BREAKS = np.arange(-20, 21) / 2.0
MC_VAR_GRID = np.linspace(0.0, 8.0, 200)
MC_VAR_FINE_GRID = np.linspace(0.0, 8.0, 1000)
MC_HISTOGRAMS = Path(__file__).with_name("deseq2_mc_histograms.tsv.gz")
MC_LOESS_SPAN = 0.2
MC_LOESS_CELL = 0.2


class TrendFitError(RuntimeError):
    """The parametric trend did not converge or went non-positive (DESeq2 then fits locally)."""


@dataclass(frozen=True)
class DispersionTrend:
    """Fitted dispersion trend: asympt_disp + extra_pois / mean (DESeq2's coefficients)."""

    asympt_disp: float
    extra_pois: float

    def __call__(self, means: np.ndarray) -> np.ndarray:
        return self.asympt_disp + self.extra_pois / np.asarray(means, dtype=float)


def gamma_identity_glm(
    y: np.ndarray, x: np.ndarray, start: np.ndarray, epsilon: float, maxit: int
) -> tuple[np.ndarray, bool]:
    """R's ``glm(family = Gamma(link = "identity"), start = start)``: IRLS with deviance test."""
    coef = np.asarray(start, dtype=float)
    mu = x @ coef

    def deviance(m):
        return -2.0 * np.sum(np.log(y / m) - (y - m) / m)

    dev_old = deviance(mu)
    for _ in range(maxit):
        w = 1.0 / mu**2
        xtw = x.T * w
        coef_new = np.linalg.solve(xtw @ x, xtw @ y)
        mu_new = x @ coef_new
        dev = deviance(mu_new) if np.all(mu_new > 0) else np.inf
        halvings = 0
        while not np.isfinite(dev) and halvings < maxit:  # glm.fit's step halving
            coef_new = (coef_new + coef) / 2.0
            mu_new = x @ coef_new
            dev = deviance(mu_new) if np.all(mu_new > 0) else np.inf
            halvings += 1
        coef, mu = coef_new, mu_new
        if abs(dev - dev_old) / (abs(dev) + 0.1) < epsilon:
            return coef, True
        dev_old = dev
    return coef, False


def fit_parametric_trend(
    means: np.ndarray, disp_gene_est: np.ndarray, min_disp: float
) -> DispersionTrend:
    """DESeq2's parametric dispersion-mean trend on the non-zero genes' baseMean and dispGeneEst.

    Raises ``TrendFitError`` where DESeq2 would fall back to a local fit.
    """
    use = disp_gene_est > 100 * min_disp
    if not use.any():
        raise TrendFitError("every gene-wise dispersion is within 100x of the minimum")
    means, disps = np.asarray(means, float)[use], np.asarray(disp_gene_est, float)[use]
    coefs = np.array(TREND_START)
    low, high = TREND_RATIO_BOUNDS
    for _ in range(TREND_MAX_ROUNDS + 1):
        ratio = disps / (coefs[0] + coefs[1] / means)
        good = (ratio > low) & (ratio < high)
        x = np.column_stack([np.ones(good.sum()), 1.0 / means[good]])
        old = coefs
        coefs, converged = gamma_identity_glm(disps[good], x, old, epsilon=1e-8, maxit=25)
        if not np.all(coefs > 0):
            raise TrendFitError("parametric dispersion fit failed")
        if np.sum(np.log(coefs / old) ** 2) < 1e-6 and converged:
            return DispersionTrend(float(coefs[0]), float(coefs[1]))
    raise TrendFitError("dispersion fit did not converge")


def mad(values: np.ndarray) -> float:
    """R's ``mad``: median absolute deviation scaled by 1.4826."""
    return float(1.4826 * np.median(np.abs(values - np.median(values))))


def _histogram_density(counts: np.ndarray) -> np.ndarray:
    """R's ``hist(...)$density`` from bin counts."""
    return counts / (counts.sum(axis=-1, keepdims=True) * np.diff(MC_BREAKS))


@functools.cache
def _simulated_histograms(df: int) -> np.ndarray:
    """DESeq2's simulated bin counts for ``df`` residual df: (grid point, bin)."""
    table = pd.read_csv(MC_HISTOGRAMS, sep="\t")
    rows = table[table["df"] == df].sort_values("grid_index")
    if len(rows) != len(MC_VAR_GRID):
        raise ValueError(f"{MC_HISTOGRAMS.name} has no histograms for {df} residual df")
    return rows.drop(columns=["df", "grid_index"]).to_numpy(dtype=float)


def _local_quadratic(x: np.ndarray, y: np.ndarray, at: np.ndarray, span: float) -> np.ndarray:
    """Local quadratic fits with tricube weights at ``at``: (value, slope) per point."""
    q = int(np.floor(len(x) * span))
    dist = np.abs(at[:, None] - x[None, :])
    h = np.sort(dist, axis=1)[:, q - 1]
    w = np.clip(1.0 - (dist / h[:, None]) ** 3, 0.0, None) ** 3
    d = x[None, :] - at[:, None]
    basis = np.stack([np.ones_like(d), d, d**2], axis=2)  # (at, x, 3)
    lhs = np.einsum("ak,akm,akn->amn", w, basis, basis)
    rhs = np.einsum("ak,akm,k->am", w, basis, y)
    coef = np.linalg.solve(lhs, rhs[:, :, None])[:, :, 0]
    return coef[:, 0], coef[:, 1]


def _kd_vertices(x: np.ndarray, leaf_size: int) -> np.ndarray:
    """R loess's 1-d k-d tree: the bounding box (widened by 0.5%) and the median splits."""
    xs = np.sort(x)
    margin = 0.005 * max(xs[-1] - xs[0], 1e-10 * max(abs(xs[0]), abs(xs[-1])) + 1e-30)
    vertices = [xs[0] - margin, xs[-1] + margin]
    cells = [(0, len(xs) - 1)]
    while cells:
        lo, hi = cells.pop()
        if hi - lo + 1 <= leaf_size:
            continue
        mid = (lo + hi) // 2  # 0-based index of R's (l + u) / 2 with 1-based l, u
        vertices.append(xs[mid])
        cells += [(lo, mid), (mid + 1, hi)]
    return np.unique(vertices)


def _loess_quadratic(x: np.ndarray, y: np.ndarray, at: np.ndarray, span: float) -> np.ndarray:
    """R's ``loess(y ~ x, span)`` predicted at ``at``: degree 2, tricube weights, and R's
    default ``surface = "interpolate"`` (exact fits at the k-d tree vertices, cell = 0.2,
    cubic Hermite interpolation between them)."""
    vertices = _kd_vertices(x, int(np.floor(len(x) * span * MC_LOESS_CELL)))
    value, slope = _local_quadratic(x, y, vertices, span)
    k = np.clip(np.searchsorted(vertices, at, side="right") - 1, 0, len(vertices) - 2)
    x0, x1 = vertices[k], vertices[k + 1]
    width = x1 - x0
    u = (at - x0) / width
    phi0, phi1 = (1 - u) ** 2 * (1 + 2 * u), u**2 * (3 - 2 * u)
    psi0, psi1 = u * (1 - u) ** 2, -(u**2) * (1 - u)
    return phi0 * value[k] + phi1 * value[k + 1] + (psi0 * slope[k] + psi1 * slope[k + 1]) * width


def monte_carlo_prior_variance(log_residuals: np.ndarray, df: int) -> float:
    """DESeq2's estimator for 1-3 residual df: the variance whose simulated distribution of
    log(chi2_df / df) + N(0, var) is closest (Kullback-Leibler, on a histogram) to the observed
    log residuals; the KL curve over a grid is loess-smoothed and minimised on a finer grid.
    The simulated histograms are DESeq2's own (drawn after its set.seed(2); see
    ``deseq2_mc_histograms.R``), so the estimate is the one DESeq2 computes.
    """
    low, high = MC_BREAKS[0], MC_BREAKS[-1]
    obs = log_residuals[(log_residuals > low) & (log_residuals < high)]
    # R's hist: right-closed bins (a, b]
    bins = np.searchsorted(MC_BREAKS, obs, side="left") - 1
    obs_density = _histogram_density(np.bincount(bins, minlength=len(MC_BREAKS) - 1))
    rand_density = _histogram_density(_simulated_histograms(df))
    kl = np.empty(len(MC_VAR_GRID))
    for i, rand in enumerate(rand_density):
        z = np.concatenate([obs_density, rand])
        small = z[z > 0].min()
        kl[i] = np.sum(obs_density * (np.log(obs_density + small) - np.log(rand + small)))
    fitted = _loess_quadratic(MC_VAR_GRID, kl, MC_VAR_FINE_GRID, MC_LOESS_SPAN)
    return max(float(MC_VAR_FINE_GRID[np.argmin(fitted)]), PRIOR_VAR_FLOOR)


@dataclass(frozen=True)
class PriorVariance:
    """``varLogDispEsts`` (MAD^2 of log residuals) and ``dispPriorVar`` (the MAP prior)."""

    var_log_disp_ests: float
    disp_prior_var: float


def prior_variance(
    disp_gene_est: np.ndarray,
    disp_fit: np.ndarray,
    n_samples: int,
    n_coefs: int,
    min_disp: float,
) -> PriorVariance:
    """DESeq2's ``estimateDispersionsPriorVar`` on the non-zero genes.

    Uses genes with dispGeneEst >= 100 * minDisp. With more than 3 residual degrees of freedom:
    MAD^2 of the log residuals minus trigamma((m - p) / 2), floored at 0.25; with 1 to 3: the
    Monte Carlo estimator (``monte_carlo_prior_variance``).
    """
    above = disp_gene_est >= min_disp * 100
    if not above.any():
        raise ValueError("no gene-wise dispersion is above 100 * min_disp")
    residuals = np.log(disp_gene_est[above]) - np.log(disp_fit[above])
    var_log = mad(residuals) ** 2
    df = n_samples - n_coefs
    if df <= 0:
        raise ValueError("no residual degrees of freedom to estimate dispersions")
    if df <= 3:
        prior = monte_carlo_prior_variance(residuals, df)
    else:
        prior = max(var_log - float(polygamma(1, df / 2)), PRIOR_VAR_FLOOR)
    return PriorVariance(var_log, prior)
