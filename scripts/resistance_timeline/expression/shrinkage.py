"""Shrunken log2 fold changes.

``normal_prior_lfc``: DESeq2's normal-prior shrinkage (``betaPrior = TRUE``, the default of
DESeq2 1.0-1.14, and ``lfcShrink(type = "normal")`` since): the prior on the tested
coefficient is N(0, sigma^2), sigma^2 matched so that the prior's 95% quantile of |LFC| is the
weighted 95% quantile of the MLE |LFC| (``matchWeightedUpperQuantileForVariance``: weights
1 / (1 / baseMean + dispFit), genes with |MLE| < 10); the GLM is refitted with ridge
1 / sigma^2 on that coefficient (dispersions fixed at the fit's final ones) and the MAP
estimate is the shrunken LFC. Departure from DESeq2: the prior is put on the standard
model matrix's condition coefficient only (the pair blocks keep DESeq2's wide prior), where
DESeq2 expands the model matrix and puts the prior on every factor's level.

``cauchy_prior_lfc``: apeglm's idea (Zhu, Ibrahim & Love 2019, Bioinformatics 35:2084;
DESeq2's ``lfcShrink(type = "apeglm")``) for a contrast fitted on the cohort's dispersions:
a heavy-tailed Cauchy prior on the tested coefficient, whose scale is the square root of the
Efron-Morris estimate of the variance of the true effects from the MLEs and their standard
errors (apeglm's ``priorVar``, bounded to [0.01^2, 20^2] on the natural-log scale). Small,
noisy fold changes are pulled to 0 while large ones keep almost all of their size (a normal
prior of the same width would shrink both). apeglm is an R package (not installable here:
Debian has no r-bioc-apeglm, and it is not on PyPI), so the MAP estimate is computed here:
the Cauchy prior is a scale mixture of normals, and EM alternates the weight
E[lambda | beta] = 2 / (1 + beta^2 / s^2) with a ridge-penalized NB GLM fit (ridge lambda /
s^2 on the coefficient), starting from the MLE, until the coefficients change by less than
1e-6. Departures from apeglm: a flat prior on the intercept (apeglm: N(0, 15^2)); the mode
found is the one EM reaches from the MLE (apeglm: L-BFGS from its own start); no posterior
interval or s-value.

``pseudocount_lfc``: for a pair without replicates and without a cohort model, the LFC is
log2((post + k) / (pre + k)) on size-factor normalized counts: a pseudocount k (normalized
reads) pulls the ratio of genes with few reads towards 0, and leaves well-counted genes at
their observed ratio. It is an estimate, not a test: no standard error, no p-value.
"""

import numpy as np
from scipy.optimize import brentq
from scipy.stats import norm
from threadpoolctl import threadpool_limits

from resistance_timeline.expression import deseq, glm

UPPER_QUANTILE = 0.05
MAX_ABS_LFC = 10.0
WIDE_PRIOR_VAR = 1e6
MIN_PRIOR_VAR, MAX_PRIOR_VAR = 0.01**2, 20.0**2  # apeglm's priorVar bounds (natural log)
EM_TOL, EM_MAXIT = 1e-6, 200


def weighted_quantile(x: np.ndarray, weights: np.ndarray, prob: float) -> float:
    """Hmisc's ``wtd.quantile(x, weights, probs, normwt = TRUE)`` (type "quantile")."""
    order = np.argsort(x, kind="stable")
    x, w = np.asarray(x, float)[order], np.asarray(weights, float)[order]
    w = w * len(x) / w.sum()
    values, inverse = np.unique(x, return_inverse=True)
    cum = np.cumsum(np.bincount(inverse, weights=w))
    n = cum[-1]
    position = 1.0 + (n - 1.0) * prob
    low = max(np.floor(position), 1.0)
    high = min(low + 1.0, n)
    frac = position % 1.0

    def constant(target):  # approx(cum, values, method = "constant", f = 1, rule = 2)
        i = np.searchsorted(cum, target, side="left")
        return values[min(i, len(values) - 1)]

    return float((1.0 - frac) * constant(low) + frac * constant(high))


def prior_variance(lfc: np.ndarray, base_mean: np.ndarray, disp_fit: np.ndarray) -> float:
    """DESeq2's weighted prior variance (log2 scale) of the tested coefficient."""
    use = np.isfinite(lfc) & (base_mean > 0) & np.isfinite(disp_fit) & (np.abs(lfc) < MAX_ABS_LFC)
    if not use.any():
        return WIDE_PRIOR_VAR
    weights = 1.0 / (1.0 / base_mean[use] + disp_fit[use])
    q = weighted_quantile(np.abs(lfc[use]), weights, 1.0 - UPPER_QUANTILE)
    sd = q / norm.ppf(1.0 - UPPER_QUANTILE / 2.0)
    return float(max(sd**2, 1e-8))


def normal_prior_lfc(result: deseq.DEResult, counts) -> tuple[np.ndarray, float]:
    """Shrunken LFC per gene of ``result`` (NaN where the MLE is NaN) and the prior variance.

    ``counts``: the samples x genes counts ``result`` was fitted on.
    """
    table, disp = result.table, result.dispersion_table
    lfc = table["log2_fold_change"].to_numpy(float)
    var = prior_variance(lfc, table["base_mean"].to_numpy(float), disp["disp_fit"].to_numpy(float))
    cvec = np.asarray(result.contrast_vector, dtype=float)
    tested = np.flatnonzero(cvec)
    if len(tested) != 1:
        raise ValueError("the normal prior needs a contrast of one coefficient")
    ridge = np.full(len(cvec), 1.0 / WIDE_PRIOR_VAR)
    ridge[tested[0]] = 1.0 / var
    fit_rows = np.flatnonzero(np.isfinite(lfc) & np.isfinite(disp["dispersion"].to_numpy(float)))
    y = np.asarray(counts, dtype=float).T[fit_rows]
    sf = result.size_factors.to_numpy(float)
    x = result.design_matrix.to_numpy(dtype=float)
    with threadpool_limits(limits=1, user_api="blas"):
        fit = glm.fit_nbinom_glm(
            y,
            sf,
            x,
            disp["dispersion"].to_numpy(float)[fit_rows],
            deseq.MIN_MU,
            deseq.BETA_TOL,
            deseq.BETA_MAXIT,
            ridge_log2=ridge,
        )
    shrunk = np.full(len(lfc), np.nan)
    shrunk[fit_rows] = fit.beta @ cvec / np.log(2)
    return shrunk, var


def efron_morris_prior_var(lfc: np.ndarray, se: np.ndarray) -> float:
    """apeglm's ``priorVar`` on the natural-log scale: the variance A of the true effects in
    X_g ~ N(0, A + D_g), D_g = se_g^2, solving A = sum((X^2 - D) I) / sum(I), I = 1 / (2 (A + D)^2).
    """
    use = np.isfinite(lfc) & np.isfinite(se) & (se > 0)
    x, d = np.asarray(lfc, float)[use], np.asarray(se, float)[use] ** 2
    if not x.size:
        return MAX_PRIOR_VAR

    def objective(a):
        i = 1.0 / (2.0 * (a + d) ** 2)
        return float(np.sum((x**2 - d) * i) / np.sum(i)) - a

    if objective(MIN_PRIOR_VAR) < 0:
        return MIN_PRIOR_VAR
    if objective(MAX_PRIOR_VAR) > 0:
        return MAX_PRIOR_VAR
    return float(brentq(objective, MIN_PRIOR_VAR, MAX_PRIOR_VAR, xtol=1e-10))


def cauchy_prior_lfc(y, size_factors, x, disp, coef: int, lfc_mle, se_mle):
    """Cauchy-prior MAP log2 fold change of coefficient ``coef`` per gene (genes x samples
    ``y``, dispersions ``disp``), and the prior scale (natural log); the MLE and its SE (log2)
    set the scale."""
    ln2 = np.log(2)
    scale2 = efron_morris_prior_var(np.asarray(lfc_mle) * ln2, np.asarray(se_mle) * ln2)
    lam = np.full((y.shape[0], x.shape[1]), glm.LOG2_RIDGE)
    beta = np.asarray(lfc_mle, float) * ln2
    with threadpool_limits(limits=1, user_api="blas"):
        for _ in range(EM_MAXIT):
            weight = 2.0 / (1.0 + beta**2 / scale2)
            lam[:, coef] = weight / scale2 * ln2**2
            fit = glm.fit_nbinom_glm(
                y, size_factors, x, disp, deseq.MIN_MU, deseq.BETA_TOL, deseq.BETA_MAXIT, lam
            )
            new = fit.beta[:, coef]
            done = np.nanmax(np.abs(new - beta)) < EM_TOL if new.size else True
            beta = new
            if done:
                break
    return beta / ln2, float(np.sqrt(scale2))


def pseudocount_lfc(pre: np.ndarray, post: np.ndarray, pseudocount: float) -> np.ndarray:
    """log2((post + k) / (pre + k)) of normalized counts."""
    return np.log2((np.asarray(post, float) + pseudocount) / (np.asarray(pre, float) + pseudocount))
