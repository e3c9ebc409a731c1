"""Classification of events over a patient's samples (timeline/classify.py), on hand-made
variant, copy-number and fusion tables."""

from helpers import MARKERS
from resistance_timeline.knowledge.tables import load_markers
from resistance_timeline.setup.config import schema_defaults
from resistance_timeline.timeline.build import Tables, build_patient

SAMPLES = [
    {"sample_id": "N", "assay": "wes", "material": "normal", "day": 0, "timepoint": "blood"},
    {"sample_id": "T0", "assay": "wes", "material": "tumor", "day": 0, "timepoint": "diagnosis"},
    {"sample_id": "T1", "assay": "wes", "material": "tumor", "day": 120, "timepoint": "prog"},
    {"sample_id": "T2", "assay": "wes", "material": "tumor", "day": 300, "timepoint": "relapse"},
    {"sample_id": "R0", "assay": "rna", "material": "tumor", "day": 0, "timepoint": "diagnosis"},
    {"sample_id": "R1", "assay": "rna", "material": "tumor", "day": 120, "timepoint": "prog"},
]
TREATMENTS = [
    {"line": 1, "drug": "crizotinib", "start_day": 14, "end_day": 120},
    {"line": 2, "drug": "alectinib", "start_day": 130, "end_day": 300},
    {"line": 3, "drug": "ceritinib", "start_day": 310, "end_day": None},
]


def variant(protein, per_sample, gene="G1", origin="somatic", ref="A", alt="T"):
    """Rows of one variant: per_sample = {sample: (status, vaf, detection_limit)}."""
    rows = []
    for sample, (status, vaf, limit) in per_sample.items():
        material = "normal" if sample == "N" else "tumor"
        rows.append(
            {
                **{"sample_id": sample, "material": material, "contig": "chr2", "pos": "100"},
                **{"ref": ref, "alt": alt, "gene": gene, "protein": protein, "depth": "150"},
                **{"vaf": str(vaf), "vaf_low": "", "vaf_high": "", "status": status},
                **{"detection_limit": str(limit), "origin": origin},
            }
        )
    return rows


def events_of(tables, samples=SAMPLES, treatments=TREATMENTS):
    settings = schema_defaults("timeline")
    rows, events, _, _ = build_patient("P1", samples, treatments, settings, tables, {})
    return rows, {(e["gene"], e["event"]): e for e in events}


def nd(limit):
    return ("not_detected", 0.0, limit)


def det(vaf, limit=0.03):
    return ("detected", vaf, limit)


def test_acquired_when_every_earlier_sample_rules_it_out():
    v = variant("p.L1196Q", {"N": nd(0.05), "T0": nd(0.03), "T1": nd(0.04), "T2": det(0.30)})
    rows, events = events_of(Tables(variants=v))
    e = events[("G1", "p.L1196Q")]
    assert e["classification"] == "acquired"
    assert e["acquired_on"] == "alectinib" and e["first_day_detected"] == "300"
    assert {r["sample_id"] for r in rows} == {"T0", "T1", "T2"}  # the normal is no timepoint


def test_undetermined_when_an_earlier_sample_is_too_shallow():
    v = variant("p.L1196Q", {"T0": nd(0.03), "T1": nd(0.12), "T2": det(0.08)})
    e = events_of(Tables(variants=v))[1][("G1", "p.L1196Q")]
    assert e["classification"] == "undetermined"
    assert "T1 detection limit 0.12 not below VAF 0.08" in e["reason"]
    assert e["acquired_on"] == ""


def test_undetermined_when_an_earlier_sample_is_not_covered():
    v = variant("p.L1196Q", {"T0": ("not_covered", 0.0, 0.4), "T1": nd(0.03), "T2": det(0.3)})
    e = events_of(Tables(variants=v))[1][("G1", "p.L1196Q")]
    assert e["classification"] == "undetermined" and "T0 not_covered" in e["reason"]


def test_lost_persistent_baseline_transient():
    tables = Tables(
        variants=[
            *variant("p.A1B", {"T0": det(0.2), "T1": nd(0.03), "T2": nd(0.03)}),
            *variant("p.C2D", {"T0": det(0.2), "T1": nd(0.03), "T2": det(0.25)}),
            *variant("p.E3F", {"T0": det(0.2), "T1": ("not_covered", 0, 0.5), "T2": nd(0.03)}),
            *variant("p.G4H", {"T0": nd(0.03), "T1": det(0.2), "T2": nd(0.03)}),
            *variant("p.I5J", {"T0": det(0.2), "T1": det(0.04), "T2": nd(0.05)}),
            *variant("p.K6L", {"T0": det(0.2), "T1": det(0.1), "T2": det(0.25)}),
            *variant("p.M7N", {"T0": det(0.2), "T1": nd(0.3), "T2": det(0.25)}),
        ]
    )
    events = events_of(tables)[1]
    assert events[("G1", "p.A1B")]["classification"] == "lost"
    assert events[("G1", "p.A1B")]["lost_on"] == "crizotinib"
    # present before treatment, ruled out on it (a response), back at the end: baseline, not
    # persistent; detected everywhere, or a gap too shallow to tell: persistent
    c2d = events[("G1", "p.C2D")]
    assert c2d["classification"] == "baseline"
    assert c2d["reason"] == (
        "present before treatment; T1 (day 120) rules it out at VAF 0.2; detected again at T2"
        " (day 300)"
    )
    assert events[("G1", "p.K6L")]["classification"] == "persistent"
    assert events[("G1", "p.K6L")]["reason"] == "detected in every sample"
    m7n = events[("G1", "p.M7N")]
    assert m7n["classification"] == "persistent"
    assert "T1 detection limit 0.3 not below VAF 0.2" in m7n["reason"]
    assert events[("G1", "p.E3F")]["classification"] == "baseline"  # T1 cannot tell
    assert "T1 not_covered" in events[("G1", "p.E3F")]["reason"]
    g4h = events[("G1", "p.G4H")]
    assert (g4h["classification"], g4h["acquired_on"], g4h["lost_on"]) == (
        "transient",
        "crizotinib",
        "alectinib",
    )
    # lost at its highest VAF (0.2); the caveat names the limit above the last VAF (0.04)
    i5j = events[("G1", "p.I5J")]
    assert i5j["classification"] == "lost" and "T2 limit 0.05" in i5j["reason"]


def test_germline_and_artefact_never_become_events():
    tables = Tables(
        variants=[
            *variant("p.A1B", {"T0": det(0.5), "T1": det(0.5)}, origin="germline"),
            *variant("p.C2D", {"T0": nd(0.03), "T1": det(0.05)}, origin="artefact"),
            *variant("", {"T0": det(0.3), "T1": det(0.3)}, ref="AG", alt="A"),
        ]
    )
    rows, events = events_of(tables)
    assert list(events) == [("G1", "chr2:100 AG>A")]
    assert {r["event_type"] for r in rows} == {"indel"}


def test_on_treatment_labels():
    samples = [
        {"sample_id": f"T{d}", "assay": "wes", "material": "tumor", "day": d, "timepoint": ""}
        for d in (0, 14, 60, 125, 300, 305)
    ]
    v = variant("p.A1B", {s["sample_id"]: det(0.2) for s in samples})
    rows, _ = events_of(Tables(variants=v), samples=samples)
    assert [r["on_treatment"] for r in rows] == [
        "before treatment",
        "before treatment",  # a sample on the start day precedes the first dose
        "crizotinib",
        "crizotinib (after)",
        "alectinib",
        "alectinib (after)",
    ]


def test_knowledge_and_relevance_of_alk_l1196q():
    v = variant("p.L1196Q", {"T0": nd(0.03), "T1": nd(0.03), "T2": det(0.3)}, gene="ALK")
    settings = schema_defaults("timeline")
    _, events, _, _ = build_patient(
        "P1", SAMPLES, TREATMENTS, settings, Tables(variants=v), load_markers(MARKERS)
    )
    (e,) = events
    assert e["knowledge"].startswith("alectinib: resistance (DOI:10.2147/OTT.S270481)")
    assert "ceritinib: response (DOI:10.2147/OTT.S270481)" in e["knowledge"]
    assert "known resistance to alectinib, the drug it appeared on" in e["relevance"]
    assert "reported response to ceritinib, given as line 3" in e["relevance"]


def cnv(gene, per_sample, loh=""):
    return [
        {
            **{"sample_id": s, "material": "tumor", "gene": gene, "call": call},
            **{"bins": str(bins), "copy_number": "8", "log2_low": "0.5", "log2_high": "1.0"},
            **{"copy_number_basis": "purity_0.5", "baf": "", "het_snps": "0", "loh": loh},
        }
        for s, (call, bins) in per_sample.items()
    ]


def test_copy_number_acquired_needs_neutral_with_enough_bins():
    tables = Tables(
        cnv=[
            *cnv("CDK4", {"T0": ("neutral", 20), "T1": ("neutral", 3), "T2": ("amplification", 8)}),
            *cnv("MET", {"T0": ("neutral", 2), "T1": ("neutral", 9), "T2": ("amplification", 8)}),
            *cnv("MYC", {"T0": ("not_called", 1), "T1": ("gain", 9), "T2": ("amplification", 9)}),
        ]
    )
    rows, events = events_of(tables)
    assert events[("CDK4", "amplification")]["classification"] == "acquired"
    assert events[("MET", "amplification")]["classification"] == "undetermined"
    assert "T0 not_covered" in events[("MET", "amplification")]["reason"]
    assert events[("MYC", "gain")]["classification"] == "undetermined"  # T0 not_called
    t2 = next(r for r in rows if r["gene"] == "CDK4" and r["sample_id"] == "T2")
    # copy-number bounds from the log2 interval at purity 0.5: (2·2^x − 1) / 0.5
    assert (t2["value"], t2["value_low"], t2["value_high"]) == ("8", "3.6569", "6")


def test_fusion_below_threshold_neither_confirms_nor_rules_out():
    rna = [
        {"sample_id": s, "fusion": "RRBP1::ALK", "split_reads": n, "spanning_pairs": "0"}
        for s, n in (("R0", "1"), ("R1", "9"))
    ]
    rna[0]["status"], rna[1]["status"] = "below_threshold", "detected"
    rows, events = events_of(Tables(fusions=rna))
    assert [r["status"] for r in rows] == ["not_covered", "detected"]
    assert rows[0]["value"] == "1" and rows[0]["gene"] == "ALK"
    assert events[("ALK", "RRBP1::ALK")]["classification"] == "undetermined"
    rna[0].update(status="not_detected", split_reads="0")
    assert events_of(Tables(fusions=rna))[1][("ALK", "RRBP1::ALK")]["classification"] == (
        "acquired"
    )


def test_clonal_haematopoiesis_is_its_own_event_never_acquired():
    """A PPM1D variant of blood cells that rises under therapy (absent, then seen): a somatic
    variant like it would be acquired on alectinib; as CH it is its own event type."""
    per_sample = {
        "T0": ("not_detected", 0.0, 0.01),
        "T1": ("not_detected", 0.0, 0.01),
        "T2": ("detected", 0.04, 0.01),
    }
    tables = Tables(
        variants=variant("p.R458*", per_sample, gene="PPM1D", origin="clonal_hematopoiesis")
        + variant("p.L1196Q", per_sample, gene="ALK")
    )
    rows, events = events_of(tables)
    ch = events[("PPM1D", "p.R458*")]
    assert ch["event_type"] == "clonal_hematopoiesis"
    assert ch["classification"] == "clonal_hematopoiesis" and ch["acquired_on"] == ""
    assert ch["reason"].startswith("a blood-cell clone") and ch["knowledge"] == ""
    assert events[("ALK", "p.L1196Q")]["classification"] == "acquired"
    assert {r["event_type"] for r in rows if r["gene"] == "PPM1D"} == {"clonal_hematopoiesis"}
