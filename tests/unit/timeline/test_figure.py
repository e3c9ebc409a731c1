"""The per-patient timeline figure (resistance_timeline.timeline.figure), on hand-made
timeline and events rows."""

import runpy
from types import SimpleNamespace

from helpers import REPO
from resistance_timeline.setup.config import schema_defaults
from resistance_timeline.timeline.figure import (
    choose_series,
    empty_text,
    is_relevant,
    plot_patient_timeline,
)

TREATMENTS = [
    {"line": "1", "drug": "crizotinib", "start_day": "14", "end_day": "120", "best_response": "PR"},
    {"line": "2", "drug": "alectinib", "start_day": "130", "end_day": "300", "best_response": "PR"},
    {"line": "3", "drug": "ceritinib", "start_day": "310", "end_day": "", "best_response": ""},
]
DNA = {"T0": (0, "tumor"), "T1": (120, "tumor"), "T2": (300, "tumor")}
RNA = {"R0": 0, "R1": 120, "R2": 300}


def row(sample, event_type, gene, event, status, value="", low="", high="", limit=""):
    day, material = DNA[sample] if sample in DNA else (RNA[sample], "tumor")
    return {
        **{"patient_id": "P", "sample_id": f"P-{sample}", "day": str(day), "material": material},
        **{"assay": "wes" if sample in DNA else "rna", "event_type": event_type, "gene": gene},
        **{"event": event, "value": value, "value_low": low, "value_high": high},
        **{"depth_or_support": "", "detection_limit": limit, "status": status},
    }


def event(event_type, gene, name, classification, knowledge="", relevance=""):
    return {
        **{"patient_id": "P", "event_type": event_type, "gene": gene, "event": name},
        **{"classification": classification, "knowledge": knowledge, "relevance": relevance},
    }


RNA_ROWS = [
    row("R0", "fusion", "ALK", "EML4::ALK", "detected", "30"),
    row("R2", "fusion", "ALK", "EML4::ALK", "detected", "12"),
    row("R0", "expression", "PTCH1", "down-regulation", "not_measured"),
    row("R2", "expression", "PTCH1", "down-regulation", "detected", "-2.5", "-3.8", "-1.1"),
    row("R0", "pathway", "", "hedgehog activity up", "not_measured", "-0.5"),
    row("R2", "pathway", "", "hedgehog activity up", "detected", "1.3"),
]
ROWS = [
    row("T0", "snv", "ALK", "p.L1196Q", "not_detected", "0", "0", "0.02", "0.03"),
    row("T1", "snv", "ALK", "p.L1196Q", "not_detected", "0", "0", "0.02", "0.03"),
    row("T2", "snv", "ALK", "p.L1196Q", "detected", "0.3", "0.24", "0.37", "0.03"),
    row("T0", "snv", "TP53", "p.R273H", "detected", "0.4", "0.33", "0.47", "0.03"),
    row("T1", "snv", "TP53", "p.R273H", "not_covered", "0.5", "0.1", "0.9", "0.4"),
    row("T2", "snv", "TP53", "p.R273H", "detected", "0.38", "0.31", "0.45", "0.03"),
    row("T0", "cnv", "MET", "amplification", "not_detected", "2.1", "1.9", "2.3"),
    row("T2", "cnv", "MET", "amplification", "detected", "9.0", "7.5", "11.2"),
    *RNA_ROWS,
]
EVENTS = [
    event("snv", "ALK", "p.L1196Q", "acquired", "alectinib: resistance", "known resistance to"),
    event("snv", "TP53", "p.R273H", "persistent"),
    event("cnv", "MET", "amplification", "acquired", "crizotinib: resistance"),
    event("fusion", "ALK", "EML4::ALK", "persistent", "crizotinib: response", "reported response"),
    event("expression", "PTCH1", "down-regulation", "acquired"),
    event("pathway", "", "hedgehog activity up", "acquired"),
]
SETTINGS = schema_defaults("timeline")


def test_both_files_with_labels_and_drugs(tmp_path):
    png, svg = tmp_path / "P.timeline.png", tmp_path / "P.timeline.svg"
    plot_patient_timeline(ROWS, EVENTS, TREATMENTS, "P", [png, svg], SETTINGS)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 10_000
    text = svg.read_text()
    assert "<text" in text  # svg.fonttype none: text stays text
    assert "ALK p.L1196Q" in text and "MET amplification" in text
    for drug in ("crizotinib", "alectinib", "ceritinib"):
        assert drug in text
    assert "no data" not in text


def test_only_rna_events_still_draws_every_panel(tmp_path):
    svg = tmp_path / "P.svg"
    plot_patient_timeline(RNA_ROWS, EVENTS, TREATMENTS, "P", [svg], SETTINGS)
    text = svg.read_text()
    assert text.count("no data") == 2  # VAF and copy-number panels, samples unknown
    assert "EML4::ALK" in text and "hedgehog activity up" in text


def test_an_empty_panel_says_what_was_looked_for_and_where(tmp_path):
    samples = [
        {"sample_id": "P-N", "assay": "wes", "material": "normal"},
        *({"sample_id": f"P-R{i}", "assay": "rna", "material": "tumor"} for i in range(3)),
    ]
    svg = tmp_path / "P.svg"
    plot_patient_timeline(RNA_ROWS, EVENTS, TREATMENTS, "P", [svg], SETTINGS, samples)
    text = svg.read_text()
    # an RNA-only patient (its normal is no timepoint): nothing of the DNA panels measured
    assert text.count("no data (no tumour/cfDNA exome)") == 2
    assert empty_text("fusion", samples) == "no fusion detected in 3 RNA samples"
    tumours = [{"assay": "wes", "material": m} for m in ("tumor", "cfdna")]
    assert empty_text("vaf", tumours) == "no somatic variant detected in 2 tumour/cfDNA exomes"
    assert empty_text("cnv", tumours[:1]) == "no copy-number change called in 1 tumour/cfDNA exome"
    assert empty_text("change", []) == "no data (no RNA sample)"


def test_relevance_and_series_order():
    assert is_relevant(EVENTS[0]) and is_relevant(EVENTS[2])
    assert not is_relevant(EVENTS[1]) and not is_relevant(EVENTS[3])
    rows = [row("T0", "snv", f"G{i}", "p.A1T", "detected", "0.2") for i in range(10)]
    rows.append(row("T0", "snv", "ALK", "p.L1196Q", "detected", "0.1"))
    shown, hidden = choose_series(rows, EVENTS, ("snv", "indel"))
    assert shown[0]["label"] == "ALK p.L1196Q" and shown[0]["relevant"]
    assert len(shown) == 8 and hidden == 3


def test_entry_draws_the_rule_outputs(tmp_path):
    timeline, events = tmp_path / "P.timeline.tsv", tmp_path / "P.events.tsv"
    for path, rows in ((timeline, RNA_ROWS), (events, EVENTS[3:])):
        columns = list(rows[0])
        lines = ["\t".join(columns), *("\t".join(r[c] for c in columns) for r in rows)]
        path.write_text("\n".join(lines) + "\n")
    out = SimpleNamespace(png=str(tmp_path / "P.png"), svg=str(tmp_path / "P.svg"))
    snakemake = SimpleNamespace(
        input=SimpleNamespace(timeline=str(timeline), events=str(events)),
        output=out,
        params=SimpleNamespace(
            patient="P",
            treatments=TREATMENTS,
            settings=SETTINGS,
            samples=[{"sample_id": "P-R0", "assay": "rna", "material": "tumor"}],
        ),
        log=[str(tmp_path / "P.log")],
    )
    runpy.run_path(str(REPO / "scripts" / "plot_timeline.py"))["main"](snakemake)
    assert (tmp_path / "P.png").stat().st_size > 10_000
    svg = (tmp_path / "P.svg").read_text()
    assert "alectinib" in svg and "no data (no tumour/cfDNA exome)" in svg


def test_clonal_haematopoiesis_is_drawn_apart_and_never_acquired(tmp_path):
    """A DNMT3A CH variant beside the tumour's: dashed in the VAF panel, its own label."""
    ch_rows = [
        {**r, "event_type": "clonal_hematopoiesis", "gene": "DNMT3A", "event": "p.R882H"}
        for r in ROWS
        if r["event_type"] == "snv" and r["gene"] == "ALK"
    ]
    events = [*EVENTS, event("clonal_hematopoiesis", "DNMT3A", "p.R882H", "clonal_hematopoiesis")]
    svg = tmp_path / "P.svg"
    plot_patient_timeline(ROWS + ch_rows, events, TREATMENTS, "P", [svg], SETTINGS)
    text = svg.read_text()
    assert "DNMT3A p.R882H (clonal_hematopoiesis)" in text
    assert "ALK p.L1196Q" in text
