"""Negative binomial dispersions as DESeq2 fits them, vectorised over genes.

Ports of DESeq2's C++ ``log_posterior``, ``dlog_posterior``, ``fitDisp`` (backtracking line
search on log dispersion) and ``fitDispGrid``, and of the R drivers around them
(``estimateDispersionsGeneEst`` and ``estimateDispersionsMAP``). Every array holds genes in
rows and samples in columns (``counts[g, j]``), as DESeq2 does; the line search runs all genes
in lock-step, each with its own step size, and stops each gene where DESeq2 would.
"""

from dataclasses import dataclass

import numpy as np
from scipy.special import digamma, gammaln

# DESeq2's constants of the dispersion fit (fitDisp and its R wrappers)
LINE_SEARCH_EPSILON = 1.0e-4
LOG_ALPHA_BOUNDS = (-30.0, 10.0)
GRID_POINTS = 20
GRID_MIN_DISP = 1e-8


def _xtwx(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """X' diag(w_g) X for each gene g: (genes, p, p)."""
    return np.einsum("gn,ni,nj->gij", w, x, x, optimize=True)


def log_posterior(
    log_alpha: np.ndarray,
    y: np.ndarray,
    mu: np.ndarray,
    x: np.ndarray,
    prior_mean: np.ndarray | None,
    prior_var: float,
) -> np.ndarray:
    """Cox-Reid adjusted log likelihood of log dispersion (plus the log-normal prior)."""
    alpha = np.exp(log_alpha)[:, None]
    inv = 1.0 / alpha
    ll = np.sum(
        gammaln(y + inv) - gammaln(inv) - y * np.log(mu + inv) - inv * np.log1p(mu * alpha),
        axis=1,
    )
    w = 1.0 / (1.0 / mu + alpha)
    _, logdet = np.linalg.slogdet(_xtwx(x, w))
    out = ll - 0.5 * logdet
    if prior_mean is not None:
        out -= 0.5 * (log_alpha - prior_mean) ** 2 / prior_var
    return out


def dlog_posterior(
    log_alpha: np.ndarray,
    y: np.ndarray,
    mu: np.ndarray,
    x: np.ndarray,
    prior_mean: np.ndarray | None,
    prior_var: float,
) -> np.ndarray:
    """Derivative of ``log_posterior`` with respect to log dispersion."""
    alpha1 = np.exp(log_alpha)
    alpha = alpha1[:, None]
    inv = 1.0 / alpha
    mua = mu * alpha
    ll = np.sum(
        digamma(inv) + np.log1p(mua) - mua / (1.0 + mua) - digamma(y + inv) + y / (mu + inv),
        axis=1,
    ) / (alpha1**2)
    w = 1.0 / (1.0 / mu + alpha)
    b_inv = np.linalg.inv(_xtwx(x, w))
    # trace(B^-1 X' diag(dw) X) with dw = -w^2
    lev = np.einsum("ni,gij,nj->gn", x, b_inv, x, optimize=True)
    cr = 0.5 * np.sum(w**2 * lev, axis=1)
    out = (ll + cr) * alpha1
    if prior_mean is not None:
        out -= (log_alpha - prior_mean) / prior_var
    return out


@dataclass
class LineSearch:
    """What DESeq2's ``fitDisp`` returns, per gene."""

    log_alpha: np.ndarray
    iterations: np.ndarray
    initial_lp: np.ndarray
    last_lp: np.ndarray


def fit_disp_line_search(
    y: np.ndarray,
    mu: np.ndarray,
    x: np.ndarray,
    log_alpha: np.ndarray,
    prior_mean: np.ndarray | None,
    prior_var: float,
    min_log_alpha: float,
    kappa_0: float,
    tol: float,
    maxit: int,
) -> LineSearch:
    """DESeq2's ``fitDisp``: backtracking line search on log dispersion, all genes at once."""
    n_genes = y.shape[0]
    a = np.asarray(log_alpha, dtype=float).copy()

    def lp_fn(idx, values):
        pm = None if prior_mean is None else prior_mean[idx]
        return log_posterior(values, y[idx], mu[idx], x, pm, prior_var)

    def dlp_fn(idx, values):
        pm = None if prior_mean is None else prior_mean[idx]
        return dlog_posterior(values, y[idx], mu[idx], x, pm, prior_var)

    every = np.arange(n_genes)
    lp = lp_fn(every, a)
    dlp = dlp_fn(every, a)
    initial_lp = lp.copy()
    kappa = np.full(n_genes, float(kappa_0))
    iterations = np.zeros(n_genes, dtype=int)
    accepted = np.zeros(n_genes, dtype=int)
    active = every.copy()
    low, high = LOG_ALPHA_BOUNDS
    for _ in range(maxit):
        if active.size == 0:
            break
        iterations[active] += 1
        ka, aa, da = kappa[active], a[active], dlp[active]
        with np.errstate(divide="ignore", invalid="ignore"):
            proposal = aa + ka * da
            ka = np.where(proposal < low, (low - aa) / da, ka)
            ka = np.where(proposal > high, (high - aa) / da, ka)
        step = aa + ka * da
        with np.errstate(invalid="ignore", over="ignore"):
            lp_new = lp_fn(active, step)
        accept = -lp_new <= -lp[active] - ka * LINE_SEARCH_EPSILON * da**2
        kappa[active] = np.where(accept, ka, ka / 2.0)
        go = active[accept]
        accepted[go] += 1
        a[go] = step[accept]
        change = lp_new[accept] - lp[go]
        converged = change < tol
        lp[go[converged]] = lp_new[accept][converged]
        below = ~converged & (a[go] < min_log_alpha)
        keep = ~converged & ~below
        cont = go[keep]
        lp[cont] = lp_new[accept][keep]
        if cont.size:
            dlp[cont] = dlp_fn(cont, a[cont])
            k = np.minimum(kappa[cont] * 1.1, kappa_0)
            kappa[cont] = np.where(accepted[cont] % 5 == 0, k / 2.0, k)
        finished = np.zeros(n_genes, dtype=bool)
        finished[go[converged | below]] = True
        active = active[~finished[active]]
    return LineSearch(a, iterations, initial_lp, lp)


def fit_disp_grid(
    y: np.ndarray,
    mu: np.ndarray,
    x: np.ndarray,
    prior_mean: np.ndarray | None,
    prior_var: float,
) -> np.ndarray:
    """DESeq2's ``fitDispGridWrapper``: coarse then fine grid on log dispersion; dispersions."""
    n_genes, n_samples = y.shape
    grid = np.linspace(np.log(GRID_MIN_DISP), np.log(max(10.0, n_samples)), GRID_POINTS)
    delta = grid[1] - grid[0]

    def best(points):  # points: (genes, GRID_POINTS)
        lps = np.stack(
            [
                log_posterior(points[:, t], y, mu, x, prior_mean, prior_var)
                for t in range(points.shape[1])
            ],
            axis=1,
        )
        return points[np.arange(n_genes), np.argmax(lps, axis=1)]

    coarse = best(np.broadcast_to(grid, (n_genes, GRID_POINTS)))
    fine = coarse[:, None] + np.linspace(-delta, delta, GRID_POINTS)[None, :]
    return np.exp(best(fine))


def genewise_dispersions(
    y: np.ndarray,
    mu: np.ndarray,
    x: np.ndarray,
    alpha_init: np.ndarray,
    min_disp: float,
    kappa_0: float,
    tol: float,
    maxit: int,
) -> np.ndarray:
    """``estimateDispersionsGeneEst`` (one iteration): maximum Cox-Reid likelihood dispersions.

    ``mu`` is already bounded below by minmu, ``alpha_init`` already clipped to
    [min_disp, max_disp]; moves that raise the likelihood by less than a millionth are not
    accepted, and genes the line search did not converge on are fitted on DESeq2's grid.
    """
    max_disp = max(10.0, y.shape[1])
    log_init = np.log(alpha_init)
    res = fit_disp_line_search(
        y, mu, x, log_init, None, 1.0, np.log(min_disp / 10), kappa_0, tol, maxit
    )
    disp = np.minimum(np.exp(res.log_alpha), max_disp)
    no_increase = res.last_lp < res.initial_lp + np.abs(res.initial_lp) / 1e6
    disp[no_increase] = alpha_init[no_increase]
    converged = (res.iterations < maxit) & (res.iterations != 1)
    regrid = ~converged & (disp > min_disp * 10)
    if regrid.any():
        disp[regrid] = fit_disp_grid(y[regrid], mu[regrid], x, None, 1.0)
    return np.clip(disp, min_disp, max_disp)


def map_dispersions(
    y: np.ndarray,
    mu: np.ndarray,
    x: np.ndarray,
    disp_gene_est: np.ndarray,
    disp_fit: np.ndarray,
    prior_var: float,
    min_disp: float,
    kappa_0: float,
    tol: float,
    maxit: int,
) -> np.ndarray:
    """``estimateDispersionsMAP``'s fit (before outliers keep their gene-wise estimate)."""
    max_disp = max(10.0, y.shape[1])
    init = np.where(disp_gene_est > 0.1 * disp_fit, disp_gene_est, disp_fit)
    prior_mean = np.log(disp_fit)
    res = fit_disp_line_search(
        y, mu, x, np.log(init), prior_mean, prior_var, np.log(min_disp / 10), kappa_0, tol, maxit
    )
    disp = np.exp(res.log_alpha)
    regrid = res.iterations >= maxit
    if regrid.any():
        disp[regrid] = fit_disp_grid(y[regrid], mu[regrid], x, prior_mean[regrid], prior_var)
    return np.clip(disp, min_disp, max_disp)
