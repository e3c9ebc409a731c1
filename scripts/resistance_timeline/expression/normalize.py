"""Cohort-wide normalization: median-of-ratios size factors and DESeq2's variance-stabilizing
transformation.

``size_factors`` is DESeq2's ``estimateSizeFactors`` (median of ratios to the genes' geometric
means over the genes counted in every sample); where no gene is counted in every sample it is
DESeq2's ``type = "poscounts"`` variant (geometric means over the positive counts).

``vst`` is DESeq2's ``varianceStabilizingTransformation(blind = TRUE, fitType =
"parametric")``: gene-wise dispersions under the intercept-only design (blind to the
conditions), DESeq2's parametric trend ``asymptDisp + extraPois / mean``, then the closed form
of the transformation for that trend on the size-factor normalized counts (log2 scale for
large counts). Should the parametric trend fail (its extraPois going non-positive, as it does
when dispersion does not fall with the mean), the vst is DESeq2's ``fitType = "mean"`` one
(dispersion = the 0.001-trimmed mean of the gene-wise estimates above 10 x minDisp; vst =
(2 asinh(sqrt(alpha q)) - log(alpha) - log 4) / log 2), where DESeq2 itself would fall back to
a local (loess) fit; the caller is told which.
"""

import numpy as np
import pandas as pd
from scipy.stats import trim_mean
from threadpoolctl import threadpool_limits

from resistance_timeline.expression import deseq, trend


def size_factors(counts: pd.DataFrame) -> pd.Series:
    """Median-of-ratios size factor per sample of ``counts`` (samples x genes)."""
    y = np.asarray(counts, dtype=float)
    with np.errstate(divide="ignore"):
        logs = np.log(y)
    every = np.all(y > 0, axis=0)
    if every.any():
        log_geo = logs[:, every].mean(axis=0)
        sf = np.exp(np.median(logs[:, every] - log_geo[None, :], axis=1))
    else:  # poscounts
        pos = np.where(y > 0, logs, 0.0)
        log_geo = pos.sum(axis=0) / y.shape[0]
        ratios = np.where(y > 0, logs - log_geo[None, :], np.nan)
        sf = np.exp(np.nanmedian(ratios[:, (y > 0).any(axis=0)], axis=1))
        sf = sf / np.exp(np.mean(np.log(sf)))
    return pd.Series(sf, index=counts.index, name="size_factor")


def _blind_gene_estimates(counts: pd.DataFrame, sf: pd.Series):
    """Base means and gene-wise dispersions under ``~ 1`` of the genes with a count."""
    y = np.asarray(counts, dtype=float).T
    y = y[y.sum(axis=1) > 0]
    s = np.asarray(sf, dtype=float)
    base_mean = (y / s[None, :]).mean(axis=1)
    x = np.ones((y.shape[1], 1))
    with threadpool_limits(limits=1, user_api="blas"):
        first = deseq._fit_genes(y, s, x, None, None, base_mean)
    return base_mean, first.disp_gene_est


def mean_dispersion(disp_gene_est: np.ndarray) -> float:
    """DESeq2's fitType = "mean" dispersion."""
    use = disp_gene_est > 10 * deseq.MIN_DISP
    return float(trim_mean(disp_gene_est[use], 0.001))


def vst_mean(normalized: np.ndarray, alpha: float) -> np.ndarray:
    """DESeq2's vst for one dispersion ``alpha`` (fitType = "mean")."""
    q = np.asarray(normalized, dtype=float)
    return (2.0 * np.arcsinh(np.sqrt(alpha * q)) - np.log(alpha) - np.log(4.0)) / np.log(2)


def vst_values(normalized: np.ndarray, fitted: trend.DispersionTrend) -> np.ndarray:
    """DESeq2's parametric vst of normalized counts q (log2 scale)."""
    a, b = fitted.asympt_disp, fitted.extra_pois
    q = np.asarray(normalized, dtype=float)
    inner = 1.0 + b + 2.0 * a * q + 2.0 * np.sqrt(a * q * (1.0 + b + a * q))
    return np.log(inner / (4.0 * a)) / np.log(2)


def normalize(counts: pd.DataFrame) -> tuple[pd.Series, pd.DataFrame, pd.DataFrame, str]:
    """Size factors, normalized counts and the vst matrix (both samples x genes) of the whole
    cohort, and how the vst was computed (for the log)."""
    sf = size_factors(counts)
    normalized = counts / sf.to_numpy()[:, None]
    base_mean, gene_est = _blind_gene_estimates(counts, sf)
    try:
        fitted = trend.fit_parametric_trend(base_mean, gene_est, deseq.MIN_DISP)
    except trend.TrendFitError as error:
        alpha = mean_dispersion(gene_est)
        how = f"DESeq2 vst, blind, fitType mean (dispersion {alpha:.4g}); parametric: {error}"
        return sf, normalized, normalized.apply(lambda col: vst_mean(col, alpha)), how
    how = (
        f"DESeq2 vst, blind, parametric trend asymptDisp {fitted.asympt_disp:.4g} "
        f"extraPois {fitted.extra_pois:.4g}"
    )
    return sf, normalized, normalized.apply(lambda col: vst_values(col, fitted)), how
