"""Independent filtering as DESeq2's ``results()`` does it (``pvalueAdjustment``).

Genes are filtered on their mean of normalised counts at 50 quantiles, Benjamini-Hochberg
adjusted at each (genefilter's ``filtered_p``), and the first quantile whose number of
rejections at ``alpha`` comes within one residual standard deviation of the peak of a lowess
fit of rejections on quantile is kept. ``lowess`` is a port of R's ``clowess``.
"""

import numpy as np
from scipy.stats import false_discovery_control

N_THETA = 50
UPPER_QUANTILE = 0.95
LOWESS_FRAC = 1 / 5
LOWESS_ITER = 3


def _lowest(x, y, xs, nleft, nright, userw, rw):
    """clowess's local weighted linear fit at ``xs`` over x[nleft..nright] (0-based)."""
    n = len(x)
    span = x[-1] - x[0]
    h = max(xs - x[nleft], x[nright] - xs)
    h9, h1 = 0.999 * h, 0.001 * h
    w = np.zeros(n)
    a = 0.0
    j = nleft
    while j < n:
        r = abs(x[j] - xs)
        if r <= h9:
            w[j] = 1.0 if r <= h1 else (1.0 - (r / h) ** 3) ** 3
            if userw:
                w[j] *= rw[j]
            a += w[j]
        elif x[j] > xs:
            break
        j += 1
    nrt = j - 1
    if a <= 0.0:
        return None
    sl = slice(nleft, nrt + 1)
    w[sl] /= a
    if h > 0.0:
        a = np.sum(w[sl] * x[sl])
        b = xs - a
        c = np.sum(w[sl] * (x[sl] - a) ** 2)
        if np.sqrt(c) > 0.001 * span:
            b /= c
            w[sl] *= b * (x[sl] - a) + 1.0
    return float(np.sum(w[sl] * y[sl]))


def lowess(x: np.ndarray, y: np.ndarray, f: float, iterations: int) -> np.ndarray:
    """R's ``lowess(x, y, f, iter)`` for x sorted increasingly (delta = 1% of the range)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    n = len(x)
    if n < 2:
        return y.copy()
    delta = 0.01 * (x[-1] - x[0])
    ns = max(2, min(n, int(f * n + 1e-7)))
    ys = np.zeros(n)
    rw = np.ones(n)
    for it in range(1, iterations + 2):
        nleft, nright, last, i = 0, ns - 1, -1, 0
        while True:
            if nright < n - 1 and x[i] - x[nleft] > x[nright + 1] - x[i]:
                nleft += 1
                nright += 1
                continue
            fit = _lowest(x, y, x[i], nleft, nright, it > 1, rw)
            ys[i] = y[i] if fit is None else fit
            if last < i - 1:
                denom = x[i] - x[last]
                for j in range(last + 1, i):
                    alpha = (x[j] - x[last]) / denom
                    ys[j] = alpha * ys[i] + (1.0 - alpha) * ys[last]
            last = i
            cut = x[last] + delta
            i = last + 1
            while i < n:
                if x[i] > cut:
                    break
                if x[i] == x[last]:
                    ys[i] = ys[last]
                    last = i
                i += 1
            i = max(last + 1, i - 1)
            if last >= n - 1:
                break
        res = y - ys
        sc = np.sum(np.abs(res)) / n
        if it > iterations:
            break
        rw = np.abs(res)
        cmad = 6.0 * np.median(rw)
        if cmad < 1e-7 * sc:
            break
        c9, c1 = 0.999 * cmad, 0.001 * cmad
        rw = np.where(rw <= c1, 1.0, np.where(rw <= c9, (1.0 - (rw / cmad) ** 2) ** 2, 0.0))
    return ys


def independent_filtering(
    base_mean: np.ndarray, pvalue: np.ndarray, alpha: float
) -> tuple[np.ndarray, float]:
    """DESeq2's independent filtering: adjusted p-values (NaN where filtered) and threshold."""
    base_mean = np.asarray(base_mean, float)
    pvalue = np.asarray(pvalue, float)
    lower = float(np.mean(base_mean == 0))
    upper = UPPER_QUANTILE if lower < UPPER_QUANTILE else 1.0
    theta = np.linspace(lower, upper, N_THETA)
    cutoffs = np.quantile(base_mean, theta)
    tested = ~np.isnan(pvalue)
    padj = np.full((N_THETA, len(pvalue)), np.nan)
    for k, cutoff in enumerate(cutoffs):
        use = (base_mean >= cutoff) & tested
        if use.any():
            padj[k, use] = false_discovery_control(pvalue[use], method="bh")
    num_rej = np.sum(padj < alpha, axis=1)
    if num_rej.max() <= 10:
        j = 0
    else:
        fit = lowess(theta, num_rej.astype(float), LOWESS_FRAC, LOWESS_ITER)
        positive = num_rej > 0
        residual = num_rej[positive] - fit[positive]
        thresh = fit.max() - np.sqrt(np.mean(residual**2))
        above = np.flatnonzero(num_rej > thresh)
        j = int(above[0]) if above.size else 0
    return padj[j], float(cutoffs[j])
