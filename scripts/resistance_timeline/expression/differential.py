"""Pre vs post differential expression: the cohort models and the per-patient contrasts.

Cohort contrast: ``fit_deseq`` (DESeq2's method: median-of-ratios size factors over the
contrast's samples, dispersions shrunk to the parametric trend, Wald test, Cook's handling,
independent filtering at ``alpha``) with design ``~ pair + condition``: one block per pre/post
pair (the patient, when each patient gives one pair) and condition post vs pre; plus the
normal-prior shrunken LFC (``shrinkage.normal_prior_lfc``).

Per-patient contrast (one sample per side, no replicates; neither DESeq2 nor pydeseq2 tests 1
vs 1):

- ``wald_cohort_dispersion``, where the pair belongs to a cohort contrast: the patient's two
  samples are fitted with the negative binomial GLM ``~ condition`` with each gene's
  dispersion fixed at the cohort model's final dispersion and the cohort model's size
  factors, then Wald-tested (BH with independent filtering). The p-values rest on the
  cohort's between-patient variability: they say how unusual the patient's change is given
  how much the cohort's patients vary, not that the patient was replicated.
  ``log2_fold_change_shrunk``: the same fit's Cauchy-prior (apeglm-like) shrunken LFC
  (``shrinkage.cauchy_prior_lfc``), the estimate to rank and plot by.
- ``shrunken_lfc_no_replicates``, where no cohort model exists: the pseudocount-shrunken LFC
  of cohort-normalized counts (``shrinkage.pseudocount_lfc``); lfc_se, pvalue and padj are
  left blank: there is nothing to estimate the variability from. ``log2_fold_change_shrunk``
  is the same pseudocount LFC.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from resistance_timeline.expression import deseq, glm, shrinkage
from resistance_timeline.expression.contrasts import CohortContrast, PatientContrast
from resistance_timeline.expression.filtering import independent_filtering

WALD_COHORT = "wald_cohort_dispersion"
NO_REPLICATES = "shrunken_lfc_no_replicates"
STAT_COLUMNS = ["base_mean", "log2_fold_change", "lfc_se", "pvalue", "padj"]
SHRUNK_STAT_COLUMNS = STAT_COLUMNS + ["log2_fold_change_shrunk"]


@dataclass
class CohortFit:
    """A cohort contrast's DESeq2 fit; ``table`` per gene: SHRUNK_STAT_COLUMNS;
    ``rows``: (pair name, patient, side) -> model row id."""

    contrast: CohortContrast
    result: deseq.DEResult
    table: pd.DataFrame
    prior_var: float
    rows: dict


def _row_id(pair: PatientContrast, side: str) -> str:
    return f"{pair.patient_id}.{pair.name}.{side}"


def fit_cohort(
    counts: pd.DataFrame, contrast: CohortContrast, alpha: float, cooks_refit: bool, threads: int
) -> CohortFit:
    """``counts``: samples x genes (every RNA sample of the cohort)."""
    rows, blocks, conditions, sample_ids = {}, [], [], []
    for i, pair in enumerate(contrast.pairs):
        for side, sample in (("pre", pair.pre_sample), ("post", pair.post_sample)):
            rows[(pair.patient_id, pair.name, side)] = _row_id(pair, side)
            blocks.append(f"b{i}")
            conditions.append(side)
            sample_ids.append(sample)
    index = list(rows.values())
    model_counts = counts.loc[sample_ids].set_axis(index, axis=0)
    metadata = pd.DataFrame({"pair": blocks, "condition": conditions}, index=index)
    result = deseq.fit_deseq(
        model_counts,
        metadata,
        "~ pair + condition",
        ["condition", "post", "pre"],
        alpha,
        threads,
        cooks_refit,
    )
    table = result.table[STAT_COLUMNS].copy()
    shrunk, prior_var = shrinkage.normal_prior_lfc(result, model_counts)
    table["log2_fold_change_shrunk"] = shrunk
    return CohortFit(contrast, result, table, prior_var, rows)


def patient_wald(counts: pd.DataFrame, pair: PatientContrast, cohort: CohortFit, alpha: float):
    """The pair's two samples fitted with the cohort's dispersions: SHRUNK_STAT_COLUMNS per
    gene."""
    pre_id = cohort.rows[(pair.patient_id, pair.name, "pre")]
    post_id = cohort.rows[(pair.patient_id, pair.name, "post")]
    sf = cohort.result.size_factors.loc[[pre_id, post_id]].to_numpy(float)
    y_all = counts.loc[[pair.pre_sample, pair.post_sample]].to_numpy(float).T
    disp = cohort.result.dispersions.reindex(counts.columns).to_numpy(float)
    fit_rows = np.flatnonzero(np.isfinite(disp) & (y_all.sum(axis=1) > 0))
    x = np.array([[1.0, 0.0], [1.0, 1.0]])
    table = pd.DataFrame(np.nan, index=counts.columns, columns=SHRUNK_STAT_COLUMNS)
    base_mean = (y_all / sf[None, :]).mean(axis=1)
    table["base_mean"] = base_mean
    if fit_rows.size:
        with threadpool_limits(limits=1, user_api="blas"):
            fit = glm.fit_nbinom_glm(
                y_all[fit_rows],
                sf,
                x,
                disp[fit_rows],
                deseq.MIN_MU,
                deseq.BETA_TOL,
                deseq.BETA_MAXIT,
            )
        estimate, se, pvalue = glm.wald_test(fit, np.array([0.0, 1.0]))
        table.iloc[fit_rows, 1] = estimate / np.log(2)
        table.iloc[fit_rows, 2] = se / np.log(2)
        table.iloc[fit_rows, 3] = pvalue
        shrunk, _ = shrinkage.cauchy_prior_lfc(
            y_all[fit_rows], sf, x, disp[fit_rows], 1, estimate / np.log(2), se / np.log(2)
        )
        table.iloc[fit_rows, 5] = shrunk
    padj, _ = independent_filtering(base_mean, table["pvalue"].to_numpy(float), alpha)
    table["padj"] = padj
    return table


def patient_shrunken(normalized: pd.DataFrame, pair: PatientContrast, pseudocount: float):
    """Pseudocount-shrunken LFC of cohort-normalized counts; no SE, no p-value."""
    pre = normalized.loc[pair.pre_sample].to_numpy(float)
    post = normalized.loc[pair.post_sample].to_numpy(float)
    table = pd.DataFrame(np.nan, index=normalized.columns, columns=SHRUNK_STAT_COLUMNS)
    table["base_mean"] = (pre + post) / 2.0
    table["log2_fold_change"] = shrinkage.pseudocount_lfc(pre, post, pseudocount)
    table["log2_fold_change_shrunk"] = table["log2_fold_change"]
    return table


def patient_contrast(
    counts, normalized, pair: PatientContrast, cohort: CohortFit | None, settings
) -> tuple[pd.DataFrame, str]:
    """SHRUNK_STAT_COLUMNS per gene for one pair and the method used."""
    if cohort is not None:
        return patient_wald(counts, pair, cohort, settings["alpha"]), WALD_COHORT
    return patient_shrunken(normalized, pair, settings["pseudocount"]), NO_REPLICATES
