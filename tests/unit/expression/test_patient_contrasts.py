"""Per-patient and cohort contrasts (expression/differential.py, shrinkage.py, analysis.py)
on simulated counts with known fold changes: a pair inside a cohort model is Wald-tested
with the cohort's dispersions; a pair without one gets a shrunken LFC and never a p-value."""

import numpy as np
import pandas as pd
import pytest

from resistance_timeline.expression import shrinkage
from resistance_timeline.expression.analysis import analyse
from resistance_timeline.setup.config import schema_defaults

N_GENES = 300
CHANGED = 30  # genes 0..14 fall, 15..29 rise 4-fold after drug A and after drug B
DOWN = 15


def cohort(seed=3):
    rng = np.random.default_rng(seed)
    means = np.exp(rng.uniform(np.log(20), np.log(3000), N_GENES))
    index = np.arange(N_GENES)
    lfc = np.where(index < DOWN, -2.0, np.where(index < CHANGED, 2.0, 0.0))
    samples, columns = [], []
    for patient in ("P1", "P2", "P3"):
        patient_effect = np.exp(rng.normal(0, 0.3, N_GENES))
        for side, day in (("pre", 0), ("post", 100)):
            mu = means * patient_effect * (2.0**lfc if side == "post" else 1.0)
            size = 1 / 0.05
            columns.append(rng.negative_binomial(size, size / (size + mu)))
            samples.append(
                {
                    "patient_id": patient,
                    "sample_id": f"{patient}-{side}",
                    "day": day,
                    "timepoint": "",
                }
            )
    treatments = [
        {"patient_id": p, "line": 1, "drug": d, "start_day": 10, "end_day": None}
        for p, d in (("P1", "drug A"), ("P2", "drug A"), ("P3", "drug B"))
    ]
    genes = [f"g{i}" for i in range(N_GENES)]
    counts = pd.DataFrame(np.array(columns), index=[s["sample_id"] for s in samples], columns=genes)
    return counts, genes, samples, treatments


@pytest.fixture(scope="module")
def results():
    counts, genes, samples, treatments = cohort()
    gene_sets = {
        "down_set": {g: 1 for g in genes[:DOWN]},
        "flat_set": {g: 1 for g in genes[200:210]},
    }
    settings = schema_defaults("expression")
    return analyse(counts, genes, gene_sets, samples, treatments, settings, 1)


def test_method_labels_and_no_pvalue_without_a_cohort_model(results):
    assert list(results.cohort) == ["drug_a"]
    for patient in ("P1", "P2"):
        table = results.patient_tables[patient]
        assert set(table["method"]) == {"wald_cohort_dispersion"}
        assert table["pvalue"].notna().mean() > 0.95 and table["lfc_se"].notna().all()
    lone = results.patient_tables["P3"]
    assert set(lone["method"]) == {"shrunken_lfc_no_replicates"}
    assert lone[["pvalue", "padj", "lfc_se"]].isna().all().all()
    assert lone["log2_fold_change"].notna().all()


def test_known_fold_changes_are_recovered(results):
    for patient in ("P1", "P2", "P3"):
        lfc = results.patient_tables[patient]["log2_fold_change"].to_numpy()
        assert np.median(lfc[:DOWN]) < -1.5 and np.median(lfc[DOWN:CHANGED]) > 1.5
        assert abs(np.median(lfc[CHANGED:])) < 0.15
    p1 = results.patient_tables["P1"]
    assert (p1["padj"][:CHANGED] < 0.1).mean() > 0.7
    assert (p1["padj"][CHANGED:] < 0.1).mean() < 0.05
    table = results.cohort["drug_a"].table
    assert (table["padj"][:CHANGED] < 0.1).mean() > 0.9


def test_normal_prior_shrinks_towards_zero_less_for_well_counted_genes(results):
    table = results.cohort["drug_a"].table
    mle, shrunk = table["log2_fold_change"], table["log2_fold_change_shrunk"]
    assert (shrunk.abs() <= mle.abs() + 1e-9).all()
    assert (np.sign(shrunk[:CHANGED]) == np.sign(mle[:CHANGED])).all()
    ratio, high = (shrunk / mle)[:CHANGED], (table["base_mean"] > 300)[:CHANGED]
    assert ratio[high].median() > ratio[~high].median()
    null = shrunk[CHANGED:].abs().median()
    assert null < mle[CHANGED:].abs().median()


def test_weighted_quantile_matches_r_type_7_with_equal_weights():
    x = np.array([0.3, 2.0, 0.1, 5.0, 1.2, 0.7])
    for prob in (0.5, 0.95, 0.2):
        assert shrinkage.weighted_quantile(x, np.ones(6), prob) == pytest.approx(
            np.quantile(x, prob)
        )
    # a heavy weight on the largest value pulls the upper quantile to it
    assert shrinkage.weighted_quantile(x, np.array([1, 1, 1, 20, 1, 1.0]), 0.5) == 5.0


def test_pseudocount_lfc():
    lfc = shrinkage.pseudocount_lfc(np.array([0.0, 1000.0, 3.0]), np.array([0.0, 250.0, 0.0]), 5.0)
    assert lfc == pytest.approx([0.0, np.log2(255 / 1005), np.log2(5 / 8)])


def test_gene_set_tests_cover_cohort_and_patient_contrasts(results):
    rows = {(r["contrast"], r["scope"], r["pathway"]): r for r in results.set_tests}
    down = rows[("drug_a", "cohort", "down_set")]
    assert down["direction"] == "down" and down["pvalue"] < 1e-4 and down["statistic"] < 0.1
    assert rows[("line1_drug_b", "P3", "down_set")]["direction"] == "down"
    assert rows[("drug_a", "cohort", "flat_set")]["pvalue"] > 0.01
