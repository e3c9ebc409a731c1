"""Tumour fraction, minimal residual disease and clones on the demo cohort
(results/clones/), against the generator's truth (truth/tumour_fraction.tsv, clones.tsv,
clone_fractions.tsv): every sample's tumour fraction, NB01's remission samples (0.5% found by
pooling alone; none at all, with its limit), the clones, and IMT02's subclone lost on
alectinib."""

import pytest

from resistance_timeline.clones.clustering import adjusted_rand_index
from resistance_timeline.cnv.gene_calls import read_segments
from resistance_timeline.io.tables import read_tsv

PATIENTS = ("IMT01", "IMT02", "NB01")


@pytest.fixture(scope="module")
def clones(demo_results):
    folder = demo_results / "clones"
    return {
        p: {
            kind: read_tsv(folder / f"{p}.{kind}.tsv")
            for kind in ("tumour_fraction", "clusters", "variants", "tree")
        }
        for p in PATIENTS
    }


def tf_row(clones, patient, sample):
    (row,) = [r for r in clones[patient]["tumour_fraction"] if r["sample_id"] == sample]
    return row


def test_tumour_fraction_of_every_sample_within_005_and_covered(clones, truth):
    t = truth["tumour_fraction"]
    assert len(t) == 10
    for r in t.itertuples():
        row = tf_row(clones, r.patient_id, r.sample_id)
        assert int(row["variants_used"]) >= 3, row
        tf, low, high = (float(row[k]) for k in ("tumour_fraction", "tf_low", "tf_high"))
        assert abs(tf - r.tumour_fraction) <= 0.05, (r, row)
        assert low <= r.tumour_fraction <= high, (r, row)
        unreported = r.sample_id in ("NB01-P1A", "NB01-P1B")  # blank in the sheet
        sheet = row["sheet_purity"]
        assert sheet == "" if unreported else float(sheet) == r.tumour_fraction


def test_remission_sample_detected_by_pooling_alone(clones, demo_results):
    row = tf_row(clones, "NB01", "NB01-P1B")
    assert row["tumour_detected"] == "true" and float(row["pooled_pvalue"]) < 0.01
    variants = read_tsv(demo_results / "variants" / "NB01.variants.tsv")
    mine = [v for v in variants if v["sample_id"] == "NB01-P1B" and v["origin"] == "somatic"]
    assert len(mine) >= 16 and not [v for v in mine if v["status"] == "detected"]
    assert max(int(v["alt_reads"]) for v in mine) < 4


def test_tumour_free_sample_not_detected_with_its_pooled_limit(clones):
    row = tf_row(clones, "NB01", "NB01-P1A")
    assert row["tumour_detected"] == "false" and float(row["pooled_pvalue"]) >= 0.01
    limit = float(row["pooled_detection_limit"])
    assert 0.001 < limit < 0.03  # 16 truncal variants at ~100x
    for sample in ("NB01-T0", "NB01-P2", "IMT01-T0"):
        patient = sample.split("-")[0]
        assert tf_row(clones, patient, sample)["tumour_detected"] == "true"


def test_imt01_loh_gives_the_cnv_estimate(clones):
    for sample in ("IMT01-T1", "IMT01-T2"):
        row = tf_row(clones, "IMT01", sample)
        assert abs(float(row["cnv_estimate"]) - 0.6) < 0.1 and row["cnv_method"] == "loh"
        assert row["cnv_low"] == row["cnv_high"] == ""
    assert tf_row(clones, "IMT01", "IMT01-T0")["cnv_estimate"] == ""


def test_copy_number_says_what_it_can_see(clones, truth):
    """Without LOH, the segment fit. NB01's relapse plasma has arm-level changes (truth
    arms.tsv: chr11 one copy lost, chr6 one gained, at 0.2): segment_fit within 0.05 of the
    true fraction, its interval around it. No other sample of the demo has an arm-level
    change (NB01's CDK4 and FGFR1 amplicons are focal, shorter than segment_fit.min_span: a
    focal amplicon fits any fraction with some copy number), so each is no_copy_change, its
    estimate blank: the tumour-free remission plasma, as it should, and the tumours, whose
    fraction copy number cannot measure without an arm-level change. But one: IMT02-T0's
    chr20 reads -0.17 (z 3.34 against a threshold of 3.26; its reference normal's noise,
    shared by IMT02's three tumours at -0.09 to -0.17), a false arm-level loss the demo's
    noise allows (alpha 0.01 per sample: here 1 of 9 samples), kept in sight here."""
    false_calls = {"IMT02-T0"}  # chr20 at -0.17
    arms = truth["arms"]
    changed = set(arms[arms.tumour_copy_number != 2].sample_id)
    assert changed == {"NB01-P2"}
    t = truth["tumour_fraction"]
    for r in t.itertuples():
        row = tf_row(clones, r.patient_id, r.sample_id)
        if row["cnv_method"] == "loh":
            continue
        if r.sample_id in changed:
            assert row["cnv_method"] == "segment_fit", row
            estimate, low, high = (float(row[k]) for k in ("cnv_estimate", "cnv_low", "cnv_high"))
            assert abs(estimate - r.tumour_fraction) <= 0.05 and low < r.tumour_fraction < high
            continue
        if r.sample_id in false_calls:
            assert row["cnv_method"] == "segment_fit", row
            continue
        assert row["cnv_method"] == "no_copy_change", row
        assert row["cnv_estimate"] == row["cnv_low"] == row["cnv_high"] == ""


def test_arm_changes_read_as_their_truth(truth, demo_results):
    """The relapse plasma's arm contigs are one segment each, at their expected log2 within
    0.03 (CNVkit's bias corrections, fitted on the sample's own bins, took up half of a
    change when the contigs had half as many bins again); in the other NB01 samples they
    are within 0.06 of 0."""
    for r in truth["arms"][truth["arms"].sample_id != "NB01-N"].itertuples():
        segments = read_segments(demo_results / "cnv" / "NB01" / f"{r.sample_id}.cns")
        (seg,) = [s for s in segments if s.contig == r.contig]
        tolerance = 0.03 if r.tumour_copy_number != 2 else 0.06
        assert abs(seg.log2 - r.expected_log2) <= tolerance, (r, seg)


@pytest.mark.parametrize("patient", PATIENTS)
def test_variants_cluster_as_the_true_clones(clones, truth, patient):
    t = truth["clones"][truth["clones"].patient_id == patient]
    found = {
        (v["contig"], int(v["pos"]), v["ref"], v["alt"]): v["cluster"]
        for v in clones[patient]["variants"]
    }
    keys = list(zip(t.contig, t.pos, t.ref, t.alt))
    assert all(k in found for k in keys), [k for k in keys if k not in found]
    assert adjusted_rand_index(list(t.clone), [found[k] for k in keys]) >= 0.95  # issue 28
    truncal = {found[k] for k, c in zip(keys, t.clone) if c == "truncal"}
    assert truncal == {"C1"}


def test_lost_subclone_is_its_own_cluster_and_vanishes_on_alectinib(clones, truth, demo_results):
    t = truth["clones"]
    lost = t[(t.patient_id == "IMT02") & (t.clone == "BG01 p.R70K")]
    found = {(v["contig"], int(v["pos"])): v["cluster"] for v in clones["IMT02"]["variants"]}
    (cluster,) = {found[(c, p)] for c, p in zip(lost.contig, lost.pos)}
    members = {k for k, c in found.items() if c == cluster}
    assert members == set(zip(lost.contig, lost.pos))
    rows = {r["sample_id"]: r for r in clones["IMT02"]["clusters"] if r["cluster"] == cluster}
    assert rows["IMT02-T0"]["status"] == "detected"
    assert abs(float(rows["IMT02-T0"]["ccf"]) - 0.48) < 0.15
    assert rows["IMT02-T2"]["status"] == "not_detected"
    events = read_tsv(demo_results / "timeline" / "IMT02.events.tsv")
    (event,) = [e for e in events if e["event_type"] == "clone" and e["gene"] == cluster]
    assert (event["classification"], event["lost_on"]) == ("lost", "alectinib")
    # it fell on crizotinib before vanishing (0.48 -> 0.16 in the truth): named in the reason
    assert "; shrinks on crizotinib: CCF " in event["reason"]


def test_l1196q_clone_acquired_on_alectinib(demo_results, clones):
    l1196q = [v for v in clones["IMT01"]["variants"] if v["protein"] == "p.L1196Q"]
    cluster = l1196q[0]["cluster"]
    events = read_tsv(demo_results / "timeline" / "IMT01.events.tsv")
    (event,) = [e for e in events if e["event_type"] == "clone" and e["gene"] == cluster]
    assert (event["classification"], event["acquired_on"]) == ("acquired", "alectinib")
    assert "ALK p.L1196Q" in event["event"]


@pytest.mark.parametrize("patient", PATIENTS)
def test_clone_tree_puts_every_subclone_under_the_trunk_and_holds(clones, patient):
    """Every subclone is a child of the trunk C1 in the tree drawn. IMT01 and IMT02: one tree
    fits. NB01's two relapse subclones (true CCF 0.8 and 0.25 in the relapse plasma, seen
    nowhere else) fit nested or side by side (0.87 + 0.27 is within the intervals of C1's 1):
    two trees, said so, and the flatter one drawn."""
    from resistance_timeline.clones.tree import TREE_COLUMNS

    tree = clones[patient]["tree"]
    assert list(tree[0]) == TREE_COLUMNS
    names = sorted({r["cluster"] for r in clones[patient]["clusters"]})
    assert sorted(r["cluster"] for r in tree) == names
    by = {r["cluster"]: r for r in tree}
    assert (by["C1"]["parent"], by["C1"]["depth"], by["C1"]["truncal"]) == ("", "0", "true")
    for name in names[1:]:
        assert (by[name]["parent"], by[name]["depth"]) == ("C1", "1"), by[name]
    fitting = ("2", "true") if patient == "NB01" else ("1", "false")
    assert {(r["trees_fitting"], r["tree_ambiguous"], r["sum_rule"]) for r in tree} == {
        (*fitting, "holds")
    }
    if patient == "NB01":
        relapse = {r["cluster"]: r["possible_parents"] for r in tree if r["variants"] == "4"}
        assert list(relapse.values()) == ["C1;C2"], tree


def test_where_the_model_cannot_tell_it_says_so(clones):
    # IMT02's third cluster holds one variant; NB01-P1A has no detectable tumour
    imt02 = {(r["cluster"], r["sample_id"]): r["note"] for r in clones["IMT02"]["clusters"]}
    assert imt02[("C3", "IMT02-T0")] == "few_variants" and imt02[("C1", "IMT02-T0")] == ""
    nb01 = {(r["cluster"], r["sample_id"]): r["note"] for r in clones["NB01"]["clusters"]}
    assert nb01[("C1", "NB01-P1A")] == "tumour_not_detected"


def test_fish_plot_files(demo_results):
    for patient in PATIENTS:
        png = demo_results / "clones" / f"{patient}.clones.png"
        assert png.read_bytes()[:4] == b"\x89PNG" and png.stat().st_size > 30_000
    svg = (demo_results / "clones" / "NB01.clones.svg").read_text()
    assert "not detected, &lt;" in svg and "C1 (truncal)" in svg and "lorlatinib" in svg
