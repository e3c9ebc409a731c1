"""Differential expression as R DESeq2's ``DESeq()`` + ``results()`` compute it.

pydeseq2 builds the design matrix and the contrast vector from a formulaic design and
computes the median-of-ratios size factors; the fit itself follows DESeq2 1.38 where pydeseq2
0.5.4 departs from it (see ``fit_deseq``), vectorised over genes in this package's modules.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from pydeseq2.dds import DeseqDataSet
from pydeseq2.utils import n_or_more_replicates, robust_method_of_moments_disp, trimmed_mean
from scipy.stats import f as f_dist
from threadpoolctl import threadpool_limits

from resistance_timeline.expression import glm, nb_dispersion, trend
from resistance_timeline.expression.filtering import independent_filtering

# DESeq2's constants (DESeq(), estimateDispersions*, nbinomWaldTest, replaceOutliers, results())
MIN_DISP = 1e-8
MIN_MU = 0.5
KAPPA_0 = 1.0
DISP_TOL = 1e-6
DISP_MAXIT = 100
BETA_TOL = 1e-8
BETA_MAXIT = 100
OUTLIER_SD = 2.0
MIN_REPLICATES_FOR_REPLACE = 7
MIN_REPLICATES_FOR_COOKS = 3
COOKS_QUANTILE = 0.99
REPLACE_TRIM = 0.2


@dataclass
class DEResult:
    """One differential expression fit.

    ``table``: per gene (index), base_mean, log2_fold_change, lfc_se, stat, pvalue, padj.
    ``dispersion_table``: per gene, disp_gene_est, disp_fit, dispersion (final), disp_outlier.
    ``trend`` and ``prior`` are the fitted dispersion trend and prior variance of log
    dispersions that a later fit on other samples can reuse; ``size_factors`` per sample,
    ``normalized`` counts (samples x genes), ``coefficients`` (genes x design columns, log2),
    ``design_matrix``, ``contrast_vector`` and ``filter_threshold`` (independent filtering).
    """

    table: pd.DataFrame
    dispersion_table: pd.DataFrame
    size_factors: pd.Series
    normalized: pd.DataFrame
    trend: trend.DispersionTrend
    prior: trend.PriorVariance
    coefficients: pd.DataFrame
    design_matrix: pd.DataFrame
    contrast_vector: np.ndarray
    filter_threshold: float

    @property
    def dispersions(self) -> pd.Series:
        """Final (MAP, or gene-wise for dispersion outliers) dispersion per gene."""
        return self.dispersion_table["dispersion"]


@dataclass
class _Fit:
    disp_gene_est: np.ndarray
    disp_fit: np.ndarray
    dispersion: np.ndarray
    disp_outlier: np.ndarray
    glm: glm.GLMFit


def _has_groups_as_columns(x: np.ndarray) -> bool:
    return len(np.unique(x, axis=0)) == x.shape[1]


def _fit_genes(y, sf, x, disp_trend, prior, base_mean) -> _Fit:
    """Gene-wise dispersions, MAP dispersions and the GLM, given the trend and prior."""
    n_samples, n_coefs = x.shape
    max_disp = max(10.0, n_samples)
    normed = y / sf[None, :]
    lin_mu = glm.linear_model_mu(normed, x, np.ones(n_samples))
    lin_mu = np.maximum(lin_mu, 1.0)
    rough = np.maximum(
        np.sum(((normed - lin_mu) ** 2 - lin_mu) / lin_mu**2, axis=1) / (n_samples - n_coefs), 0.0
    )
    xim = np.mean(1.0 / sf)
    moments = (normed.var(axis=1, ddof=1) - xim * base_mean) / base_mean**2
    alpha_init = np.clip(np.minimum(rough, moments), MIN_DISP, max_disp)
    if _has_groups_as_columns(x):
        mu = glm.linear_model_mu(normed, x, sf)
    else:
        mu = glm.fit_nbinom_glm(y, sf, x, alpha_init, MIN_MU, BETA_TOL, BETA_MAXIT).mu
    mu = np.maximum(mu, MIN_MU)
    gene_est = nb_dispersion.genewise_dispersions(
        y, mu, x, alpha_init, MIN_DISP, KAPPA_0, DISP_TOL, DISP_MAXIT
    )
    if disp_trend is None:
        return _Fit(gene_est, None, None, None, None)
    disp_fit = disp_trend(base_mean)
    map_disp = nb_dispersion.map_dispersions(
        y, mu, x, gene_est, disp_fit, prior.disp_prior_var, MIN_DISP, KAPPA_0, DISP_TOL, DISP_MAXIT
    )
    outlier = np.log(gene_est) > np.log(disp_fit) + OUTLIER_SD * np.sqrt(prior.var_log_disp_ests)
    final = np.where(outlier, gene_est, map_disp)
    fit = glm.fit_nbinom_glm(y, sf, x, final, MIN_MU, BETA_TOL, BETA_MAXIT)
    return _Fit(gene_est, disp_fit, final, outlier, fit)


def _cooks(y, normed, fit: glm.GLMFit, design: pd.DataFrame) -> np.ndarray:
    """DESeq2's ``calculateCooksDistance`` (genes x samples)."""
    p = design.shape[1]
    disp = robust_method_of_moments_disp(normed.T, design)
    var = fit.mu + disp[:, None] * fit.mu**2
    h = fit.hat_diagonals
    return (y - fit.mu) ** 2 / var / p * h / (1.0 - h) ** 2


def _max_cooks(cooks: np.ndarray, design: pd.DataFrame) -> np.ndarray:
    """DESeq2's ``recordMaxCooks``: max over samples with >= 3 replicates, NaN if none."""
    use = n_or_more_replicates(design, MIN_REPLICATES_FOR_COOKS).to_numpy()
    if design.shape[0] <= design.shape[1] or not use.any():
        return np.full(cooks.shape[0], np.nan)
    return cooks[:, use].max(axis=1)


def fit_deseq(
    counts: pd.DataFrame,
    metadata: pd.DataFrame,
    design: str,
    contrast: list[str],
    alpha: float,
    n_cpus: int,
    cooks_refit: bool,
) -> DEResult:
    """DESeq2's ``DESeq(dds)`` then ``results(dds, contrast, alpha)``, with pydeseq2's design.

    ``counts``: samples x genes integer counts; ``metadata``: one row per sample (same index);
    ``design``: formulaic formula (``"~ cell + dex"``); ``contrast``: [factor, tested level,
    reference level]; ``alpha``: the FDR of independent filtering; ``n_cpus``: pydeseq2's
    worker count (the fit itself runs vectorised in this process); ``cooks_refit``: replace
    Cook's outlier counts and refit, as DESeq() does, in samples whose design cell has >= 7
    replicates (none otherwise).

    Where pydeseq2 0.5.4 departs from DESeq2 this follows DESeq2: the gene-wise and MAP
    dispersions use DESeq2's line search (and grid), the trend is DESeq2's parametric fit, the
    prior variance DESeq2's estimator (Monte Carlo for 1-3 residual df), the Wald covariance uses
    means bounded at minmu, the ridge is DESeq2's, outliers are replaced only where DESeq2
    replaces them, p-values are set NA for Cook's outliers as results() does, and independent
    filtering uses R's lowess.

    The fit runs with one BLAS thread: it solves many tiny systems at once, where BLAS threads
    only cost (about 3x on a busy 2-core machine).
    """
    with threadpool_limits(limits=1, user_api="blas"):
        return _fit_deseq(counts, metadata, design, contrast, alpha, n_cpus, cooks_refit)


def _fit_deseq(counts, metadata, design, contrast, alpha, n_cpus, cooks_refit) -> DEResult:
    metadata = metadata.loc[counts.index]
    dds = DeseqDataSet(
        counts=counts,
        metadata=metadata,
        design=design,
        refit_cooks=False,
        n_cpus=n_cpus,
        quiet=True,
    )
    dds.fit_size_factors()
    sf = np.asarray(dds.obs["size_factors"], dtype=float)
    design_df = dds.obsm["design_matrix"]
    x = design_df.to_numpy(dtype=float)
    factor, tested, reference = contrast
    cvec = np.asarray(dds.contrast(column=factor, baseline=reference, group_to_compare=tested))
    genes = counts.columns
    y_all = np.asarray(counts, dtype=float).T  # genes x samples
    nz = np.flatnonzero(y_all.sum(axis=1) > 0)
    y = y_all[nz]
    normed = y / sf[None, :]
    base_mean = normed.mean(axis=1)
    n_samples, n_coefs = x.shape

    first = _fit_genes(y, sf, x, None, None, base_mean)
    disp_trend = trend.fit_parametric_trend(base_mean, first.disp_gene_est, MIN_DISP)
    prior = trend.prior_variance(
        first.disp_gene_est,
        disp_trend(base_mean),
        n_samples,
        n_coefs,
        MIN_DISP,
    )
    fit = _fit_genes(y, sf, x, disp_trend, prior, base_mean)
    cooks = _cooks(y, normed, fit.glm, design_df)
    max_cooks = _max_cooks(cooks, design_df)
    cutoff = f_dist.ppf(COOKS_QUANTILE, n_coefs, n_samples - n_coefs)
    now_zero = np.zeros(len(nz), dtype=bool)
    y_used = y
    if cooks_refit and n_samples > n_coefs:
        replaceable = n_or_more_replicates(design_df, MIN_REPLICATES_FOR_REPLACE).to_numpy()
        replace = np.any(cooks > cutoff, axis=1)
        if replaceable.any() and replace.any():
            trim = np.asarray(trimmed_mean(normed, trim=REPLACE_TRIM, axis=1))
            replacement = (trim[:, None] * sf[None, :]).astype(int)
            swap = (cooks > cutoff) & replaceable[None, :]
            y_used = np.where(swap, replacement, y)
            normed_used = y_used / sf[None, :]
            base_mean = normed_used.mean(axis=1)
            now_zero = replace & (y_used.sum(axis=1) == 0)
            redo = np.flatnonzero(replace & ~now_zero)
            sub = _fit_genes(y_used[redo], sf, x, disp_trend, prior, base_mean[redo])
            _splice(fit, sub, redo)
            masked = cooks.copy()
            masked[:, replaceable] = 0.0
            max_cooks = (
                np.full(len(nz), np.nan) if replaceable.all() else _max_cooks(masked, design_df)
            )
            normed = normed_used

    estimate, se, pvalue = glm.wald_test(fit.glm, cvec)
    stat = estimate / np.where(se > 0, se, np.nan)
    lfc = estimate / np.log(2)
    lfc_se = se / np.log(2)
    outlier = max_cooks > cutoff
    if np.any(outlier) and _single_two_level_factor(dds, metadata):
        for g in np.flatnonzero(outlier):
            out_count = y_used[g, np.argmax(cooks[g])]
            if np.sum(y_used[g] > out_count) >= 3:
                outlier[g] = False
    pvalue = np.where(outlier, np.nan, pvalue)
    lfc[now_zero], lfc_se[now_zero], stat[now_zero], pvalue[now_zero] = 0.0, 0.0, 0.0, 1.0
    # over every gene, all-zero ones included (baseMean 0, p-value NA), as results() filters
    mean_all, pvalue_all = np.zeros(len(genes)), np.full(len(genes), np.nan)
    mean_all[nz], pvalue_all[nz] = base_mean, pvalue
    padj = independent_filtering(mean_all, pvalue_all, alpha)
    threshold, padj = padj[1], padj[0][nz]

    table = pd.DataFrame(
        np.nan,
        index=genes,
        columns=["base_mean", "log2_fold_change", "lfc_se", "stat", "pvalue", "padj"],
    )
    table["base_mean"] = 0.0
    table.iloc[nz] = np.column_stack([base_mean, lfc, lfc_se, stat, pvalue, padj])
    disp_table = pd.DataFrame(
        {
            "disp_gene_est": np.nan,
            "disp_fit": np.nan,
            "dispersion": np.nan,
            "disp_outlier": False,
        },
        index=genes,
    )
    disp_table.iloc[nz, :3] = np.column_stack([fit.disp_gene_est, fit.disp_fit, fit.dispersion])
    disp_table.iloc[nz, 3] = fit.disp_outlier
    coefficients = pd.DataFrame(np.nan, index=genes, columns=design_df.columns)
    coefficients.iloc[nz] = fit.glm.beta / np.log(2)
    return DEResult(
        table=table,
        dispersion_table=disp_table,
        size_factors=pd.Series(sf, index=counts.index, name="size_factor"),
        normalized=counts / sf[:, None],
        trend=disp_trend,
        prior=prior,
        coefficients=coefficients,
        design_matrix=design_df,
        contrast_vector=cvec,
        filter_threshold=threshold,
    )


def _splice(fit: _Fit, sub: _Fit, rows: np.ndarray) -> None:
    """Write the refitted genes' estimates into the main fit."""
    for name in ("disp_gene_est", "disp_fit", "dispersion", "disp_outlier"):
        getattr(fit, name)[rows] = getattr(sub, name)
    for name in ("beta", "covariance", "mu", "hat_diagonals", "converged"):
        getattr(fit.glm, name)[rows] = getattr(sub.glm, name)


def _single_two_level_factor(dds: DeseqDataSet, metadata: pd.DataFrame) -> bool:
    """results()'s Cook's heuristic applies to designs of one two-level factor only."""
    variables = list(dds.variables)
    return len(variables) == 1 and metadata[variables[0]].nunique() == 2
