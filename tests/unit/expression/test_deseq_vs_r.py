"""fit_deseq (expression/deseq.py) against R DESeq2 on the airway data (tests/data/airway):
DESeq(dds) with design ~ cell + dex and results(dds, alpha = 0.05, contrast dex trt vs untrt),
computed by tests/data/airway/deseq2_reference.R and committed (CI does not run R)."""

import json

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from helpers import REPO
from resistance_timeline.expression.deseq import fit_deseq

AIRWAY = REPO / "tests" / "data" / "airway"


@pytest.fixture(scope="module")
def airway():
    counts = pd.read_csv(AIRWAY / "counts.tsv.gz", sep="\t", index_col=0).T
    samples = pd.read_csv(AIRWAY / "samples.tsv", sep="\t", index_col=0)
    reference = pd.read_csv(AIRWAY / "deseq2_reference.tsv.gz", sep="\t", index_col=0)
    info = json.loads((AIRWAY / "deseq2_reference.json").read_text())
    result = fit_deseq(
        counts=counts,
        metadata=samples,
        design="~ cell + dex",
        contrast=["dex", "trt", "untrt"],
        alpha=0.05,
        n_cpus=1,
        cooks_refit=True,
    )
    return result, reference.loc[result.table.index], info


def test_significant_genes_agree(airway):
    result, ref, _ = airway
    ours = set(result.table.index[result.table["padj"] < 0.05])
    theirs = set(ref.index[ref["padj"] < 0.05])
    assert len(ours & theirs) / len(ours | theirs) >= 0.97


def test_log2_fold_changes_agree(airway):
    result, ref, _ = airway
    both = result.table["log2_fold_change"].notna() & ref["log2FoldChange"].notna()
    assert both.sum() > 30_000
    rho = spearmanr(result.table["log2_fold_change"][both], ref["log2FoldChange"][both])[0]
    assert rho >= 0.999
    lfc_diff = (result.table["log2_fold_change"] - ref["log2FoldChange"])[both].abs()
    assert lfc_diff.quantile(0.99) < 1e-3


def test_size_factors_equal_r(airway):
    result, _, info = airway
    r = pd.Series(info["size_factors"])
    assert np.allclose(result.size_factors[r.index], r, rtol=1e-6, atol=0)


def test_na_padj_and_filter_threshold_agree(airway):
    result, ref, info = airway
    differ = result.table["padj"].isna() != ref["padj"].isna()
    assert differ.sum() <= 0.001 * len(ref)
    assert result.filter_threshold == pytest.approx(info["filterThreshold"], rel=1e-4)
    assert result.table["base_mean"].to_numpy() == pytest.approx(ref["baseMean"], rel=1e-6)


def test_dispersion_fit_follows_r(airway):
    result, ref, info = airway
    assert result.trend.asympt_disp == pytest.approx(info["asymptDisp"], rel=1e-4)
    assert result.trend.extra_pois == pytest.approx(info["extraPois"], rel=1e-4)
    assert result.prior.var_log_disp_ests == pytest.approx(info["varLogDispEsts"], rel=1e-4)
    assert result.prior.disp_prior_var == pytest.approx(info["dispPriorVar"], rel=1e-6)
    final = (result.dispersions / ref["dispersion"] - 1).abs()
    assert final.quantile(0.99) < 1e-3
    fitted = (result.dispersion_table["disp_fit"] / ref["dispFit"] - 1).abs()
    assert fitted.max() < 1e-4
