"""Differential expression on the demo cohort, as the workflow writes it: PTCH1 falls after
crizotinib and after alectinib in both IMT patients with hedgehog activity rising, p-values
only where a cohort model stands behind them, and every output table a user reads."""

import pandas as pd
import pytest

IMT_CONTRASTS = [
    (p, c) for p in ("IMT01", "IMT02") for c in ("line1_crizotinib", "line2_alectinib")
]
COLUMNS = [
    "patient_id",
    "contrast",
    "drug",
    "pre_sample",
    "post_sample",
    "gene_id",
    "gene_name",
    "base_mean",
    "log2_fold_change",
    "lfc_se",
    "pvalue",
    "padj",
    "log2_fold_change_shrunk",
    "method",
]


def contrasts(results, patient):
    return pd.read_csv(results / "expression" / f"{patient}.contrasts.tsv", sep="\t")


@pytest.mark.parametrize("patient, contrast", IMT_CONTRASTS)
def test_ptch1_falls_after_each_alk_inhibitor(demo_results, patient, contrast):
    table = contrasts(demo_results, patient)
    assert list(table.columns) == COLUMNS
    row = table[(table.contrast == contrast) & (table.gene_name == "PTCH1")].iloc[0]
    assert row.log2_fold_change < -1
    assert row.method == "wald_cohort_dispersion" and 0 <= row.pvalue <= 1


def test_hedgehog_activity_rises_at_those_contrasts(demo_results):
    tests = pd.read_csv(demo_results / "expression" / "gene_set_tests.tsv", sep="\t")
    hedgehog = tests[tests.pathway == "hedgehog"].set_index(["scope", "contrast"])
    for patient, contrast in IMT_CONTRASTS:
        assert hedgehog.loc[(patient, contrast), "direction"] == "up"
    for drug in ("crizotinib", "alectinib"):
        assert hedgehog.loc[("cohort", drug), "direction"] == "up"
    scores = pd.read_csv(demo_results / "expression" / "pathways.tsv", sep="\t")
    scores = scores[scores.pathway == "hedgehog"].set_index("sample_id").score
    for patient in ("IMT01", "IMT02"):
        assert scores[f"{patient}-R0"] < scores[f"{patient}-R1"] < scores[f"{patient}-R2"]


def test_no_p_value_without_a_cohort_model(demo_results):
    nb01 = contrasts(demo_results, "NB01")
    assert set(nb01.contrast) == {"line2_lorlatinib"}
    assert (nb01.method == "shrunken_lfc_no_replicates").all()
    assert nb01[["pvalue", "padj", "lfc_se"]].isna().all().all()
    assert (nb01.pre_sample == "NB01-R0").all() and (nb01.post_sample == "NB01-R2").all()


@pytest.mark.parametrize("drug", ["crizotinib", "alectinib"])
def test_cohort_models_find_ptch1(demo_results, drug):
    cohort = pd.read_csv(demo_results / "expression" / f"cohort.{drug}.tsv", sep="\t")
    ptch1 = cohort[cohort.gene_name == "PTCH1"].iloc[0]
    assert ptch1.log2_fold_change < -1 and ptch1.padj < 0.05
    assert abs(ptch1.log2_fold_change_shrunk) <= abs(ptch1.log2_fold_change)


def test_normalized_matrix_and_figures(demo_results):
    normalized = pd.read_csv(demo_results / "expression" / "normalized.tsv", sep="\t")
    samples = [f"{p}-R{i}" for p in ("IMT01", "IMT02") for i in range(3)] + ["NB01-R0", "NB01-R2"]
    for sample in samples:
        assert normalized[f"{sample}.normalized"].ge(0).all()
        assert normalized[f"{sample}.vst"].notna().all()
    for patient in ("IMT01", "IMT02", "NB01"):
        for figure in ("volcano", "ma", "timecourse"):
            path = demo_results / "expression" / f"{patient}.{figure}.png"
            assert path.read_bytes()[:4] == b"\x89PNG" and path.stat().st_size > 5000
    for drug in ("crizotinib", "alectinib"):
        for figure in ("volcano", "ma"):
            path = demo_results / "expression" / f"cohort.{drug}.{figure}.png"
            assert path.read_bytes()[:4] == b"\x89PNG" and path.stat().st_size > 5000
