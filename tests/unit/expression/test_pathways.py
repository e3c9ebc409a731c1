"""Pathway activity and gene-set tests (expression/pathways.py): the score's sign follows the
set's signs (PTCH1 and HHIP down, GLI1 up: hedgehog up), and the rank-sum test finds a set
whose signed fold changes are shifted; the shipped gene sets parse."""

import glob

import numpy as np
import pandas as pd
import pytest

from helpers import REPO
from resistance_timeline.expression import pathways

HEDGEHOG = {"GLI1": 1, "SMO": 1, "PTCH1": -1, "HHIP": -1, "SHH": 1}
NAMES = ["GLI1", "PTCH1", "HHIP", "SMO"] + [f"BG{i}" for i in range(40)]


def samples(n):
    return [{"patient_id": "P", "sample_id": f"S{i}", "day": 10 * i} for i in range(n)]


@pytest.mark.parametrize("method", ["centered", "zscore"])
def test_hedgehog_score_rises_when_ptch1_and_hhip_fall_and_gli1_rises(method):
    rng = np.random.default_rng(0)
    vst = rng.normal(8, 0.2, (4, len(NAMES)))
    for i in range(4):  # later samples: GLI1 up, PTCH1 and HHIP down
        vst[i, 0] += i
        vst[i, 1] -= 1.5 * i
        vst[i, 2] -= 0.5 * i
    frame = pd.DataFrame(vst, index=[s["sample_id"] for s in samples(4)], columns=NAMES)
    rows = pathways.activity_scores(frame, NAMES, {"hedgehog": HEDGEHOG}, samples(4), method)
    scores = [r["score"] for r in rows]
    assert scores == sorted(scores) and scores[0] < 0 < scores[-1]
    assert {r["genes_used"] for r in rows} == {4}  # SHH is not in the matrix
    flipped = {g: -s for g, s in HEDGEHOG.items()}
    rows = pathways.activity_scores(frame, NAMES, {"x": flipped}, samples(4), method)
    assert [r["score"] for r in rows] == pytest.approx([-s for s in scores])


def test_gene_set_test_on_signed_fold_changes():
    rng = np.random.default_rng(1)
    lfc = rng.normal(0, 0.3, len(NAMES))
    lfc[:4] = [1.5, -2.0, -0.9, 0.8]  # GLI1 and SMO up, PTCH1 and HHIP down
    row = pathways.set_test(lfc, NAMES, NAMES, HEDGEHOG, 3)
    assert row["genes_used"] == 4 and row["direction"] == "up"
    assert row["score"] == pytest.approx(np.mean([1.5, 2.0, 0.9, 0.8]), abs=1e-4)
    assert row["pvalue"] < 0.05 and row["statistic"] > 0.8
    few = pathways.set_test(lfc, NAMES, NAMES, {"GLI1": 1, "NONE": 1}, 3)
    assert few["genes_used"] == 1 and few["pvalue"] == "" and few["score"] == 1.5
    none = pathways.set_test(lfc, NAMES, NAMES, {"NONE": 1}, 3)
    assert none["genes_used"] == 0 and none["score"] == "" and none["direction"] == ""


def test_shipped_gene_sets_parse_with_signs():
    paths = sorted(glob.glob(str(REPO / "resources" / "gene_sets" / "*.tsv")))
    sets = pathways.load_gene_sets(paths)
    assert {"hedgehog", "mapk_output", "pi3k_mtor", "cell_cycle_e2f", "emt"} <= set(sets)
    assert all(len(genes) >= 5 for genes in sets.values())
    hedgehog = sets["hedgehog"]
    assert hedgehog["GLI1"] == 1 and hedgehog["PTCH1"] == -1 and hedgehog["HHIP"] == -1
