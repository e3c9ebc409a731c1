"""DESeq2's negative binomial GLM fit (``fitNbinomGLMs`` / C++ ``fitBeta``), vectorised over genes.

Genes are rows, samples columns. The fit is iteratively reweighted least squares with a small
ridge on the coefficients (DESeq2's 1e-6 on the log2 scale); fitted means are bounded below by
minmu inside the iterations, and the Wald covariance and hat diagonals use those bounded means,
as in DESeq2. Genes that do not converge (or diverge past |beta| > 30) are refitted one by one
with pydeseq2's L-BFGS-B fallback, as DESeq2 refits them with ``optim``.
"""

from dataclasses import dataclass

import numpy as np
from pydeseq2.utils import irls_solver
from scipy.special import gammaln
from scipy.stats import norm

LARGE_BETA = 30.0
LOG2_RIDGE = 1e-6


@dataclass
class GLMFit:
    """Per-gene coefficients (natural log scale) and what the tests and Cook's distances need."""

    beta: np.ndarray  # (genes, p)
    covariance: np.ndarray  # (genes, p, p), sandwich estimate, natural log scale
    mu: np.ndarray  # (genes, samples), size factor * exp(X beta), not bounded
    hat_diagonals: np.ndarray  # (genes, samples)
    converged: np.ndarray  # (genes,)


def nb_log_density(y: np.ndarray, mu: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """log dnbinom(y, size = 1/alpha, mu = mu), elementwise (alpha broadcasts by gene)."""
    size = 1.0 / alpha
    return (
        gammaln(y + size)
        - gammaln(size)
        - gammaln(y + 1.0)
        + size * (np.log(size) - np.log(size + mu))
        + y * (np.log(mu) - np.log(size + mu))
    )


def linear_model_mu(normed: np.ndarray, x: np.ndarray, size_factors: np.ndarray) -> np.ndarray:
    """DESeq2's ``linearModelMuNormalized``: least-squares fit of normalised counts, times the
    size factors."""
    q, _ = np.linalg.qr(x)
    hat = q @ q.T  # x (x'x)^-1 x'
    return (normed @ hat.T) * size_factors[None, :]


def _covariances(x, w, ridge):
    xtwx = np.einsum("gn,ni,nj->gij", w, x, x, optimize=True)
    inv = np.linalg.inv(xtwx + ridge)
    sigma = inv @ xtwx @ inv
    hat = w * np.einsum("ni,gij,nj->gn", x, inv, x, optimize=True)
    return sigma, hat


def fit_nbinom_glm(
    y: np.ndarray,
    size_factors: np.ndarray,
    x: np.ndarray,
    alpha: np.ndarray,
    min_mu: float,
    beta_tol: float,
    maxit: int,
    ridge_log2: np.ndarray | None = None,
) -> GLMFit:
    """Fit log(mu_gj) = log(s_j) + x_j' beta_g for every gene (DESeq2's ``fitBeta`` loop).

    ``ridge_log2``: per-coefficient ridge (1 / prior variance, log2 scale), DESeq2's lambda of
    a normal prior (betaPrior); DESeq2's 1e-6 on every coefficient when None. A genes x
    coefficients array gives each gene its own ridge (the t-prior's EM weights).
    """
    n_genes, _ = y.shape
    p = x.shape[1]
    nf = size_factors[None, :]
    lam = np.full(p, LOG2_RIDGE) if ridge_log2 is None else np.asarray(ridge_log2, float)
    if lam.ndim == 2:
        ridge = lam[:, :, None] * np.eye(p)[None] / np.log(2) ** 2
    else:
        ridge = np.diag(lam / np.log(2) ** 2)
    q, r = np.linalg.qr(x)
    beta = np.linalg.solve(r, q.T @ np.log(y / nf + 0.1).T).T
    mu_hat = np.maximum(nf * np.exp(beta @ x.T), min_mu)
    iterations = np.zeros(n_genes, dtype=int)
    failed = np.zeros(n_genes, dtype=bool)
    dev_old = np.zeros(n_genes)
    active = np.arange(n_genes)
    a_col = alpha[:, None]
    for t in range(maxit):
        if active.size == 0:
            break
        iterations[active] += 1
        m = mu_hat[active]
        w = m / (1.0 + a_col[active] * m)
        z = np.log(m / nf) + (y[active] - m) / m
        lhs = np.einsum("gn,ni,nj->gij", w, x, x, optimize=True)
        lhs = lhs + (ridge[active] if ridge.ndim == 3 else ridge)
        rhs = (w * z) @ x
        b = np.linalg.solve(lhs, rhs[:, :, None])[:, :, 0]
        beta[active] = b
        diverged = np.any(np.abs(b) > LARGE_BETA, axis=1)
        m = np.maximum(nf * np.exp(b @ x.T), min_mu)
        mu_hat[active] = m
        dev = -2.0 * np.sum(nb_log_density(y[active], m, a_col[active]), axis=1)
        conv = np.abs(dev - dev_old[active]) / (np.abs(dev) + 0.1)
        bad = diverged | np.isnan(conv)
        failed[active[bad]] = True
        done = bad | ((t > 0) & (conv < beta_tol))
        dev_old[active] = dev
        active = active[~done]
    converged = ~failed & (iterations < maxit)
    stable = np.all(np.isfinite(beta), axis=1)
    converged &= stable
    todo = np.flatnonzero(~converged)
    for g in todo:  # rare: DESeq2 refits these rows with optim
        b, _, _, ok = irls_solver(
            counts=y[g],
            size_factors=size_factors,
            design_matrix=x,
            disp=float(alpha[g]),
            min_mu=min_mu,
            beta_tol=beta_tol,
            maxiter=1,
        )
        beta[g] = b
        mu_hat[g] = np.maximum(size_factors * np.exp(x @ b), min_mu)
        converged[g] = ok
    w = mu_hat / (1.0 + a_col * mu_hat)
    sigma, hat = _covariances(x, w, ridge)
    mu = nf * np.exp(beta @ x.T)
    return GLMFit(beta, sigma, mu, hat, converged)


def wald_test(fit: GLMFit, contrast: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Contrast estimate, its standard error and the two-sided normal p-value (natural log)."""
    estimate = fit.beta @ contrast
    se = np.sqrt(np.maximum(np.einsum("i,gij,j->g", contrast, fit.covariance, contrast), 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = estimate / se
    return estimate, se, 2.0 * norm.sf(np.abs(stat))
