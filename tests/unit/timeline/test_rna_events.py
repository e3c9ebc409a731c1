"""Expression and pathway events (timeline/events_rna.py): which contrasts make an event,
what each RNA sample shows, and how a change is classified."""

from resistance_timeline.setup.config import schema_defaults
from resistance_timeline.timeline.build import Tables, build_patient

SAMPLES = [
    {"sample_id": f"R{i}", "assay": "rna", "material": "tumor", "day": d, "timepoint": ""}
    for i, d in enumerate((0, 120, 300))
]
TREATMENTS = [
    {"line": 1, "drug": "crizotinib", "start_day": 14, "end_day": 120},
    {"line": 2, "drug": "alectinib", "start_day": 130, "end_day": None},
]
CONTRASTS = [("line1_crizotinib", "R0", "R1"), ("line2_alectinib", "R1", "R2")]


def contrast_rows(gene, values):
    """values: per contrast (lfc, lfc_se, pvalue, padj), '' for a missing number."""
    return [
        {
            **{"contrast": name, "pre_sample": pre, "post_sample": post, "gene_id": gene},
            **{"gene_name": gene, "base_mean": "100", "log2_fold_change": str(lfc)},
            **{"lfc_se": str(se), "pvalue": str(p), "padj": str(q)},
        }
        for (name, pre, post), (lfc, se, p, q) in zip(CONTRASTS, values)
    ]


def build(tables, settings=None):
    settings = settings or schema_defaults("timeline")
    rows, events, _, _ = build_patient("P1", SAMPLES, TREATMENTS, settings, tables, {})
    return rows, {(e["gene"], e["event"]): e for e in events}


def test_expression_event_needs_fold_change_and_padj():
    contrasts = [
        *contrast_rows("PTCH1", [(-1.2, 0.7, 0.1, 0.9), (-2.5, 0.7, 0.0003, 0.02)]),
        *contrast_rows("GLI1", [(1.5, 0.7, 0.01, 0.5), (0.2, 0.7, 0.8, 0.9)]),  # padj too big
        *contrast_rows("HHIP", [(-0.6, 0.3, 0.0001, 0.001), (0.1, 0.7, 0.8, 0.9)]),  # small
        *contrast_rows("SMO", [(1.1, "", "", ""), (0.1, "", "", "")]),  # no p-value: LFC alone
    ]
    rows, events = build(Tables(contrasts=contrasts))
    assert set(events) == {("PTCH1", "down-regulation"), ("SMO", "up-regulation")}
    ptch1 = [r for r in rows if r["gene"] == "PTCH1"]
    assert [r["status"] for r in ptch1] == ["not_measured", "not_detected", "detected"]
    assert (ptch1[2]["value"], ptch1[2]["value_low"], ptch1[2]["value_high"]) == (
        "-2.5",
        "-3.872",
        "-1.128",
    )
    e = events[("PTCH1", "down-regulation")]
    assert (e["classification"], e["acquired_on"]) == ("acquired", "alectinib")
    assert e["reason"] == "seen after alectinib; not after crizotinib"


def test_expression_change_is_acquired_on_the_first_contrast_and_never_lost():
    contrasts = contrast_rows("PTCH1", [(-2.3, 0.7, 0.001, 0.05), (-1.5, 0.7, 0.03, 0.8)])
    e = build(Tables(contrasts=contrasts))[1][("PTCH1", "down-regulation")]
    assert (e["classification"], e["acquired_on"], e["lost_on"]) == ("acquired", "crizotinib", "")


def test_pathway_event_from_the_patient_gene_set_tests():
    tests = [
        {"contrast": c, "scope": scope, "pathway": "hedgehog", "genes_used": "4"}
        | {"score": s, "statistic": "0.7", "pvalue": p, "direction": "up"}
        for c, scope, s, p in (
            ("line1_crizotinib", "P1", "0.3", "0.5"),  # neither score nor p-value
            ("line2_alectinib", "P1", "0.3", "0.01"),  # p-value
            ("crizotinib", "cohort", "2.0", "0.001"),  # another scope: ignored
        )
    ]
    scores = [
        {"pathway": "hedgehog", "sample_id": s, "patient_id": "P1", "score": v, "genes_used": "4"}
        for s, v in (("R0", "-0.5"), ("R1", "0.1"), ("R2", "1.3"))
    ]
    contrasts = contrast_rows("BG01", [(0.1, 0.5, 0.9, 0.9), (0.1, 0.5, 0.9, 0.9)])
    rows, events = build(Tables(contrasts=contrasts, pathways=scores, gene_set_tests=tests))
    assert list(events) == [("", "hedgehog activity up")]
    assert [(r["value"], r["status"]) for r in rows] == [
        ("-0.5", "not_measured"),
        ("0.1", "not_detected"),
        ("1.3", "detected"),
    ]
    settings = {**schema_defaults("timeline"), "pathway_min_abs_score": 0.25}
    rows, _ = build(Tables(contrasts=contrasts, pathways=scores, gene_set_tests=tests), settings)
    assert [r["status"] for r in rows] == ["not_measured", "detected", "detected"]
