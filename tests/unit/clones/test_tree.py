"""The clone tree (clones/tree.py): the sum rule within intervals, time, the most
parsimonious of the trees that fit, and saying when several fit or none does."""

from resistance_timeline.clones.tree import TREE_COLUMNS, build_tree, clusters_of, tree_rows

DAYS = {"S0": "0", "S1": "200", "S2": "400"}


def rows(table):
    """clusters.tsv rows from {cluster: [(ccf, low, high) or None per sample]} (first:
    truncal); a cluster is detected where its interval's low end is above 0."""
    out = []
    for k, (name, values) in enumerate(table.items()):
        for (sample, day), value in zip(DAYS.items(), values):
            ccf, low, high = value if value else ("", "", "")
            detected = bool(value) and (k == 0 or low > 0)
            out.append(
                {
                    "patient_id": "P",
                    "cluster": name,
                    "truncal": "true" if k == 0 else "false",
                    "variants": "3",
                    "members": f"{name} variants",
                    "sample_id": sample,
                    "day": day,
                    "ccf": str(ccf),
                    "ccf_low": str(low),
                    "ccf_high": str(high),
                    "status": "detected" if detected else ("not_detected" if value else ""),
                }
            )
    return out


TRUNK = [(1, 0.93, 1)] * 3


def test_fractions_above_the_tumour_force_a_clone_inside_another():
    # C2 0.8 and C3 0.6 at relapse cannot sit side by side (1.4 > 1): C3 is a subclone of C2
    table = {
        "C1": TRUNK,
        "C2": [(0, 0, 0.02), (0.3, 0.2, 0.4), (0.8, 0.7, 0.9)],
        "C3": [(0, 0, 0.02), (0, 0, 0.05), (0.6, 0.5, 0.7)],
    }
    out, tree = tree_rows("P", rows(table))
    by = {r["cluster"]: r for r in out}
    assert [list(r) for r in out] == [TREE_COLUMNS] * 3
    assert (by["C1"]["parent"], by["C2"]["parent"], by["C3"]["parent"]) == ("", "C1", "C2")
    assert (by["C3"]["depth"], by["C2"]["first_detected_day"]) == (2, "200")
    assert by["C3"]["trees_fitting"] == "1" and by["C3"]["tree_ambiguous"] == "false"
    assert by["C3"]["sum_rule"] == "holds" and by["C3"]["possible_parents"] == "C2"


def test_small_clones_fit_several_trees_the_simplest_is_drawn_and_it_is_said():
    table = {
        "C1": TRUNK,
        "C2": [(0.3, 0.2, 0.4)] * 3,
        "C3": [(0.2, 0.1, 0.3)] * 3,
    }
    out, tree = tree_rows("P", rows(table))
    by = {r["cluster"]: r for r in out}
    assert by["C2"]["parent"] == by["C3"]["parent"] == "C1"  # side by side: nothing forces nesting
    # C3 inside C2 fits too (0.1 <= 0.4); C2 inside C3 too (0.2 <= 0.3): three trees
    assert tree.fitting == 3 and by["C2"]["tree_ambiguous"] == "true"
    assert by["C3"]["possible_parents"] == "C1;C2" and by["C2"]["possible_parents"] == "C1;C3"


def test_a_clone_cannot_come_before_its_parent():
    # C3 is detected from day 0, C2 only from day 400: C3 cannot be a subclone of C2, and C2
    # (0.7-0.9) does not fit inside C3 (0.35-0.55); together they exceed the tumour: no tree
    table = {
        "C1": TRUNK,
        "C2": [(0, 0, 0.02), (0, 0, 0.05), (0.8, 0.7, 0.9)],
        "C3": [(0.45, 0.35, 0.55)] * 3,
    }
    out, tree = tree_rows("P", rows(table))
    by = {r["cluster"]: r for r in out}
    assert tree.fitting == 0 and by["C2"]["sum_rule"] == "violated"
    assert by["C2"]["parent"] == by["C3"]["parent"] == "C1"  # the smallest excess drawn
    assert by["C2"]["possible_parents"] == ""


def test_unmeasured_samples_say_nothing():
    # at S1 the tumour is not detected (no CCF): only S0 and S2 judge the tree
    table = {
        "C1": [(1, 0.9, 1), None, (1, 0.9, 1)],
        "C2": [(0.7, 0.6, 0.8), None, (0.7, 0.6, 0.8)],
        "C3": [(0.5, 0.45, 0.55), None, (0.5, 0.45, 0.55)],
    }
    tree = build_tree(clusters_of(rows(table)))
    assert tree.parent == {"C1": None, "C2": "C1", "C3": "C2"} and tree.fitting == 1


def test_a_patient_with_the_truncal_cluster_alone():
    out, tree = tree_rows("P", rows({"C1": TRUNK}))
    assert [(r["cluster"], r["parent"], r["trees_fitting"]) for r in out] == [("C1", "", "1")]
    assert tree_rows("P", [])[0] == []
