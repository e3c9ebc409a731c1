"""Cook's outliers in fit_deseq (expression/deseq.py), as DESeq() and results() treat them:
counts are replaced and the gene refitted only in design cells of >= 7 replicates; otherwise
the p-value of a gene with an outlier (in cells of >= 3 replicates) is set to NA."""

import numpy as np
import pandas as pd
import pytest

from resistance_timeline.expression.deseq import fit_deseq


def _cohort(per_group, seed):
    rng = np.random.default_rng(seed)
    n_genes = 400
    means = np.exp(rng.uniform(np.log(20), np.log(2000), n_genes))
    disp = 0.05 + 1.0 / means
    samples = [f"S{i}" for i in range(2 * per_group)]
    condition = ["A"] * per_group + ["B"] * per_group
    lfc = np.where(np.arange(n_genes) < 40, 2.0, 0.0)
    mu = means[:, None] * np.where(np.array(condition) == "B", 2.0, 1.0)[None, :] ** lfc[:, None]
    size = 1.0 / disp[:, None]
    counts = rng.negative_binomial(size, size / (size + mu))
    counts[100, 0] = 40 * int(mu[100, 0]) + 1000  # one wild count in a null gene
    frame = pd.DataFrame(counts.T, index=samples, columns=[f"g{i}" for i in range(n_genes)])
    return frame, pd.DataFrame({"condition": condition}, index=samples)


def _fit(counts, samples, refit):
    return fit_deseq(counts, samples, "~ condition", ["condition", "B", "A"], 0.1, 1, refit)


@pytest.mark.parametrize("per_group", [4, 8])
def test_outlier_without_refit_gets_na_pvalue(per_group):
    counts, samples = _cohort(per_group, seed=per_group)
    result = _fit(counts, samples, refit=False)
    assert np.isnan(result.table.loc["g100", "pvalue"])
    assert result.table["pvalue"].notna().mean() > 0.95
    assert (result.table.loc[[f"g{i}" for i in range(40)], "padj"] < 0.1).mean() > 0.8


def test_outlier_is_replaced_with_seven_or_more_replicates():
    counts, samples = _cohort(8, seed=8)
    plain = _fit(counts, samples, refit=False)
    refit = _fit(counts, samples, refit=True)
    row = refit.table.loc["g100"]
    assert np.isfinite(row["pvalue"]) and abs(row["log2_fold_change"]) < 1.0
    others = refit.table.index != "g100"
    assert np.allclose(
        refit.table.loc[others, "log2_fold_change"], plain.table.loc[others, "log2_fold_change"]
    )


def test_outlier_is_not_replaced_with_fewer_replicates():
    counts, samples = _cohort(4, seed=4)
    refit = _fit(counts, samples, refit=True)
    assert np.isnan(refit.table.loc["g100", "pvalue"])
