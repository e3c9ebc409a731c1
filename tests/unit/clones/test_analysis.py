"""A patient's clone analysis end to end on simulated counts (clones/analysis.py): tumour
fractions with intervals, pooled detection at 0.5% where no variant reaches 4 alt reads, a
tumour-free sample with its pooled limit, and the clusters' cancer cell fractions."""

import numpy as np
import pytest

from resistance_timeline.clones.analysis import analyse
from resistance_timeline.clones.inputs import Counts, Sample, Variant
from resistance_timeline.clones.tumour_fraction import alt_probability
from resistance_timeline.setup.config import schema_defaults

TF = [0.6, 0.0, 0.005, 0.3]  # diagnosis, remission (no tumour), remission (MRD), relapse
CCF = {"truncal": [1, 1, 1, 1], "lost": [0.5, 0, 0, 0], "relapse": [0, 0, 0, 0.8]}
DEPTH = [150, 150, 250, 400]
EPS = np.full(4, 1e-4)


@pytest.fixture(scope="module")
def result():
    rng = np.random.default_rng(20261201)
    names = [c for c, n in (("truncal", 16), ("lost", 4), ("relapse", 3)) for _ in range(n)]
    samples = [
        Sample(s, d, m, None)
        for s, d, m in (
            ("T0", 0, "tumor"),
            ("P1", 200, "cfdna"),
            ("P2", 400, "cfdna"),
            ("P3", 500, "cfdna"),
        )
    ]
    variants = [Variant("chr1", str(100 * i), "A", "T", f"G{i}", "", "") for i in range(23)]
    phi = np.array([[TF[j] * CCF[c][j] for j in range(4)] for c in names])
    depth = rng.poisson(DEPTH, (23, 4)).astype(float)
    alt = rng.binomial(depth.astype(int), alt_probability(phi, 0.5, EPS)).astype(float)
    detected = (alt >= 4) & (alt / np.maximum(depth, 1) >= 0.005)
    counts = Counts(samples, variants, alt, depth, np.zeros_like(alt), np.ones_like(alt), detected)
    settings = schema_defaults("clones")
    tf, clusters, rows, fit = analyse("P", counts, EPS, np.ones((23, 4)), {}, settings)
    return tf, clusters, rows, fit, names, counts


def test_tumour_fractions_within_their_intervals(result):
    tf = {r["sample_id"]: r for r in result[0]}
    for sample, truth in zip(("T0", "P1", "P2", "P3"), TF):
        r = tf[sample]
        assert abs(float(r["tumour_fraction"]) - truth) < 0.05, r
        assert float(r["tf_low"]) <= truth <= float(r["tf_high"]), r
        assert r["variants_used"] == 16 and r["method"] == "truncal_variants"


def test_pooling_detects_minimal_residual_disease_and_bounds_its_absence(result):
    tf, counts = {r["sample_id"]: r for r in result[0]}, result[5]
    assert not counts.detected[:, 2].any()  # no single variant detected at 0.5%
    assert tf["P2"]["tumour_detected"] == "true" and float(tf["P2"]["pooled_pvalue"]) < 0.01
    assert tf["P1"]["tumour_detected"] == "false"
    assert 0.001 < float(tf["P1"]["pooled_detection_limit"]) < 0.02


def test_clusters_and_their_cancer_cell_fractions(result):
    _, clusters, rows, fit, names, _ = result
    assert len(fit.weights) == 3
    by = {(r["cluster"], r["sample_id"]): r for r in clusters}
    labels = {r["cluster"] for r in clusters}
    lost = next(c for c in labels if by[(c, "T0")]["status"] == "detected" and c != "C1")
    assert float(by[(lost, "T0")]["ccf"]) == pytest.approx(0.5, abs=0.12)
    assert by[(lost, "P3")]["status"] == "not_detected"
    assert by[("C1", "P1")]["ccf"] == ""  # no tumour: no cell fraction
    assert by[("C1", "P1")]["note"] == "tumour_not_detected" and by[("C1", "T0")]["note"] == ""
    members = {r["cluster"] for r in rows if r["sample_id"] == "T0" and r["gene"] == "G0"}
    assert members == {"C1"} and names[0] == "truncal"


def test_a_cluster_of_few_variants_is_marked(result):
    counts = result[5]
    settings = {**schema_defaults("clones"), "min_variants": 4}
    _, clusters, _, _ = analyse("P", counts, EPS, np.ones((23, 4)), {}, settings)
    # the relapse clone has 3 variants: at the default min_variants (3) it is read as a clone
    # (result), below 4 it is marked in every sample
    relapse = [r for r in clusters if r["variants"] == 3]
    assert relapse and all(r["note"].startswith("few_variants") for r in relapse)
    assert all("few_variants" not in r["note"] for r in clusters if r["variants"] >= 4)
    assert all("few_variants" not in r["note"] for r in result[1])
