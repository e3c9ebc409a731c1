"""Timeline rows and events of the clone analysis (timeline/events_clones.py through
timeline/build.py): tumour fraction per sample, a clone lost on a drug, one acquired on a
drug, and a tumour-free sample that measures no clone."""

from helpers import MARKERS
from resistance_timeline.knowledge.tables import load_markers
from resistance_timeline.setup.config import schema_defaults
from resistance_timeline.timeline.build import Tables, build_patient

SAMPLES = [
    {"sample_id": "T0", "assay": "wes", "material": "tumor", "day": 0, "timepoint": "dx"},
    {"sample_id": "P1", "assay": "wes", "material": "cfdna", "day": 200, "timepoint": "CR"},
    {"sample_id": "P2", "assay": "wes", "material": "cfdna", "day": 400, "timepoint": "PD"},
]
TREATMENTS = [
    {"line": 1, "drug": "crizotinib", "start_day": 10, "end_day": 150},
    {"line": 2, "drug": "lorlatinib", "start_day": 160, "end_day": None},
]
TF = [
    ("T0", "0.6", "true", "0.002"),
    ("P1", "0.0001", "false", "0.004"),
    ("P2", "0.3", "true", "0.001"),
]


def tf_rows():
    return [
        {
            "sample_id": s,
            "day": d["day"],
            "material": d["material"],
            "tumour_fraction": tf,
            "tf_low": "0",
            "tf_high": "0.7",
            "variants_used": "16",
            "tumour_detected": det,
            "pooled_detection_limit": lim,
        }
        for (s, tf, det, lim), d in zip(TF, SAMPLES)
    ]


def cluster_row(cluster, sample, ccf, status):
    """A clusters.tsv row of ``cluster`` in ``sample`` (a SAMPLES dict), ccf (ccf, low,
    high); C1 is the truncal cluster."""
    return {
        "cluster": cluster,
        "truncal": "true" if cluster == "C1" else "false",
        "variants": "3",
        "members": f"{cluster} variants",
        "sample_id": sample["sample_id"],
        "day": sample["day"],
        "material": sample["material"],
        **dict(zip(("ccf", "ccf_low", "ccf_high"), map(str, ccf))),
        "status": status,
    }


def clusters():
    status = {
        "C1": ["detected"] * 3,
        "C2": ["detected", "not_covered", "not_detected"],
        "C3": ["not_detected", "not_covered", "detected"],
    }
    return [
        cluster_row(c, s, ("0.5", "0.3", "0.7"), status[c][j])
        for c in status
        for j, s in enumerate(SAMPLES)
    ]


def test_tumour_fraction_and_clone_events():
    tables = Tables(tumour_fraction=tf_rows(), clusters=clusters())
    rows, events, _, _ = build_patient(
        "P", SAMPLES, TREATMENTS, schema_defaults("timeline"), tables, load_markers(MARKERS)
    )
    tf = [r for r in rows if r["event_type"] == "tumour_fraction"]
    assert [(r["sample_id"], r["status"], r["detection_limit"]) for r in tf] == [
        ("T0", "detected", "0.002"),
        ("P1", "not_detected", "0.004"),
        ("P2", "detected", "0.001"),
    ]
    ev = {e["gene"]: e for e in events if e["event_type"] == "clone"}
    assert set(ev) == {"C2", "C3"}  # the truncal cluster is the tumour itself
    assert (ev["C2"]["classification"], ev["C2"]["lost_on"]) == ("lost", "lorlatinib")
    assert (ev["C3"]["classification"], ev["C3"]["acquired_on"]) == ("acquired", "lorlatinib")
    p1 = [r for r in rows if r["event_type"] == "clone" and r["sample_id"] == "P1"]
    assert {r["status"] for r in p1} == {"not_measured"}  # no tumour, no cell fraction


def trend_clusters(c2, c3):
    """The truncal cluster detected throughout, C2 and C3 with (ccf, low, high) per sample;
    the tumour detected in every sample."""
    return [
        cluster_row(c, s, ccf, "detected" if ccf[1] > 0 else "not_detected")
        for c, values in (("C1", [(1, 0.9, 1)] * 3), ("C2", c2), ("C3", c3))
        for s, ccf in zip(SAMPLES, values)
    ]


def test_a_clone_expands_or_shrinks_on_a_drug_when_its_interval_moves_past_the_last():
    tf = [{**r, "tumour_fraction": "0.5", "tumour_detected": "true"} for r in tf_rows()]
    tables = Tables(
        tumour_fraction=tf,
        clusters=trend_clusters(
            # C2 grows on lorlatinib (P1 -> P2, intervals apart) before relapse
            [(0.1, 0.05, 0.15), (0.12, 0.06, 0.2), (0.6, 0.45, 0.75)],
            # C3 falls from T0 (before treatment) to P1 (day 200, on lorlatinib)
            [(0.7, 0.6, 0.8), (0.2, 0.1, 0.3), (0.25, 0.12, 0.35)],
        ),
    )
    _, events, _, _ = build_patient(
        "P", SAMPLES, TREATMENTS, schema_defaults("timeline"), tables, load_markers(MARKERS)
    )
    ev = {e["gene"]: e for e in events if e["event_type"] == "clone"}
    assert (ev["C2"]["classification"], ev["C2"]["acquired_on"]) == ("expands", "lorlatinib")
    assert ev["C2"]["reason"] == (
        "expands on lorlatinib: CCF 0.12 [0.06, 0.2] at P1 (day 200) to 0.6 [0.45, 0.75] at P2"
        " (day 400)"
    )
    assert (ev["C3"]["classification"], ev["C3"]["lost_on"]) == ("shrinks", "lorlatinib")
    assert ev["C3"]["acquired_on"] == ""


def test_an_acquired_clone_keeps_its_classification_and_names_its_growth():
    tf = [{**r, "tumour_fraction": "0.5", "tumour_detected": "true"} for r in tf_rows()]
    tables = Tables(
        tumour_fraction=tf,
        clusters=trend_clusters(
            [(0.0, 0.0, 0.02), (0.1, 0.05, 0.15), (0.6, 0.45, 0.75)],
            [(0.3, 0.2, 0.4)] * 3,  # no change beyond its intervals: persistent
        ),
    )
    _, events, _, _ = build_patient(
        "P", SAMPLES, TREATMENTS, schema_defaults("timeline"), tables, load_markers(MARKERS)
    )
    ev = {e["gene"]: e for e in events if e["event_type"] == "clone"}
    assert (ev["C2"]["classification"], ev["C2"]["acquired_on"]) == ("acquired", "lorlatinib")
    assert ev["C2"]["reason"].endswith(
        "; expands on lorlatinib: CCF 0.1 [0.05, 0.15] at P1"
        " (day 200) to 0.6 [0.45, 0.75] at P2 (day 400)"
    )
    assert ev["C3"]["classification"] == "persistent"
