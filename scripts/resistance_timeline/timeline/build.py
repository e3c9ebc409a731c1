"""A patient's timeline tables (rule build_timeline) and the cohort's events (rule
gather_cohort_events)."""

from dataclasses import dataclass, field

from resistance_timeline.io.tables import read_tsv, write_tsv
from resistance_timeline.knowledge.matching import KNOWLEDGE_COLUMNS, event_knowledge
from resistance_timeline.knowledge.tables import load_knowledge
from resistance_timeline.timeline.classify import classify
from resistance_timeline.timeline.events_clones import clone_rows, tumour_fraction_rows
from resistance_timeline.timeline.events_dna import cnv_rows, on_timeline, variant_rows
from resistance_timeline.timeline.events_rna import (
    cohort_support,
    expression_rows,
    fusion_rows,
    pathway_rows,
)
from resistance_timeline.timeline.rows import TIMELINE_COLUMNS, Patient, fmt

EVENT_KEY = ["patient_id", "event_type", "gene", "event"]
EVENT_COLUMNS = [
    *EVENT_KEY,
    *["first_day_detected", "last_day_detected", "classification", "reason"],
    *["acquired_on", "lost_on", *KNOWLEDGE_COLUMNS],
]
CBIOPORTAL_COLUMNS = [
    *["PATIENT_ID", "START_DATE", "STOP_DATE", "EVENT_TYPE", "TREATMENT_TYPE", "SUBTYPE"],
    *["AGENT", "SAMPLE_ID", "SPECIMEN_TYPE"],
]
TYPE_ORDER = (
    *("snv", "indel", "clonal_hematopoiesis", "possible_clonal_hematopoiesis"),
    *("cnv", "loh", "fusion", "expression", "pathway", "tumour_fraction", "clone"),
)


@dataclass
class Tables:
    """The arms' tables of one patient, each a list of row dicts (empty when absent)."""

    variants: list = field(default_factory=list)
    cnv: list = field(default_factory=list)
    fusions: list = field(default_factory=list)
    contrasts: list = field(default_factory=list)
    pathways: list = field(default_factory=list)
    gene_set_tests: list = field(default_factory=list)
    cohort_contrasts: list = field(default_factory=list)  # (drug, rows) per cohort model
    tumour_fraction: list = field(default_factory=list)  # results/clones/
    clusters: list = field(default_factory=list)

    @classmethod
    def read(cls, cohort_contrasts=(), cohort_drugs=(), **paths):
        """From lists of 0 or 1 path per table (the rule's inputs), and the cohort models'
        tables with their drugs ('' for an any_inhibitor model)."""
        keep = {"variants": on_timeline}  # streamed: only the rows the timeline uses are held
        tables = {name: read_tsv(p[0], keep.get(name)) if p else [] for name, p in paths.items()}
        cohort = [(drug, read_tsv(path)) for drug, path in zip(cohort_drugs, cohort_contrasts)]
        return cls(**tables, cohort_contrasts=cohort)


def timeline_rows(patient, tables, settings):
    """Every event × sample row of the patient, events grouped, samples in timeline order."""
    rows = [
        *variant_rows(tables.variants, patient),
        *cnv_rows(tables.cnv, patient, settings["min_cnv_bins"]),
        *fusion_rows(tables.fusions, patient),
        *expression_rows(
            tables.contrasts, patient, settings, cohort_support(tables.cohort_contrasts)
        ),
        *pathway_rows(tables.gene_set_tests, tables.pathways, tables.contrasts, patient, settings),
        *tumour_fraction_rows(tables.tumour_fraction, patient),
        *clone_rows(tables.clusters, tables.tumour_fraction, patient),
    ]
    first_seen = {}
    for r in rows:
        first_seen.setdefault(event_key(r), len(first_seen))
    return sorted(
        rows,
        key=lambda r: (
            TYPE_ORDER.index(r["event_type"]),
            first_seen[event_key(r)],
            patient.order(r["sample_id"]),
        ),
    )


def event_key(row):
    return tuple(row[k] for k in EVENT_KEY)


def grouped(rows):
    """Timeline rows by event, in order."""
    events = {}
    for r in rows:
        events.setdefault(event_key(r), []).append(r)
    return events


def event_rows(rows, knowledge, patient):
    """One row per event: its classification and knowledge (timeline.matching)."""
    out = []
    events = grouped(rows)
    present = [key[1:] for key in events]  # for knowledge rows that need several events
    for key, mine in events.items():
        classified = classify(mine)
        found = event_knowledge(knowledge, key[1:], classified, patient.lines, present)
        out.append({**dict(zip(EVENT_KEY, key)), **classified, **found})
    return out


def sample_column(sample):
    return f"{sample['sample_id']} (day {fmt(sample['day'])})"


def cell(row):
    """A wide-table cell: '0.305 detected', '<0.0374' (not detected below a limit),
    '1.83 not_detected', 'n/c' / '3 n/c' (not covered), '-0.53 n/m' (not measured)."""
    value, status = row["value"], row["status"]
    if status == "not_detected" and row["detection_limit"]:
        return f"<{row['detection_limit']}"
    short = {"not_covered": "n/c", "not_measured": "n/m"}.get(status, status)
    return f"{value} {short}" if value != "" else short


def wide_rows(rows, events, patient):
    """One row per event, one column per sample (sample_column) holding cell()."""
    classification = {event_key(e): e["classification"] for e in events}
    present = {r["sample_id"] for r in rows}
    columns = [sample_column(s) for s in patient.samples if s["sample_id"] in present]
    out = []
    for key, mine in grouped(rows).items():
        row = {**dict(zip(EVENT_KEY, key)), "classification": classification[key]}
        row.update({c: "" for c in columns})
        for r in mine:
            s = patient.by_id.get(r["sample_id"], {"sample_id": r["sample_id"], "day": r["day"]})
            row[sample_column(s)] = cell(r)
        out.append(row)
    return out, [*EVENT_KEY, "classification", *columns]


def cbioportal_rows(patient):
    """cBioPortal timeline rows: each line (TREATMENT, Medical Therapy, Targeted Therapy;
    STOP_DATE blank while ongoing) and each sample (SPECIMEN at its day), by start date."""
    treatments = [
        {
            "PATIENT_ID": patient.patient_id,
            "START_DATE": fmt(t["start_day"]),
            "STOP_DATE": fmt(t["end_day"]),
            "EVENT_TYPE": "TREATMENT",
            "TREATMENT_TYPE": "Medical Therapy",
            "SUBTYPE": "Targeted Therapy",
            "AGENT": t["drug"],
        }
        for t in patient.lines
    ]
    specimens = [
        {
            "PATIENT_ID": patient.patient_id,
            "START_DATE": fmt(s["day"]),
            "EVENT_TYPE": "SPECIMEN",
            "SAMPLE_ID": s["sample_id"],
            "SPECIMEN_TYPE": f"{s.get('material', '')} {s.get('assay', '')}".strip(),
        }
        for s in patient.samples
    ]
    rows = [{c: "" for c in CBIOPORTAL_COLUMNS} | r for r in treatments + specimens]
    return sorted(rows, key=lambda r: float(r["START_DATE"]))


def build_patient(patient_id, samples, treatments, settings, tables, markers):
    """(timeline, events, (wide rows, wide columns), cbioportal) of one patient."""
    patient = Patient(patient_id, samples, treatments)
    rows = timeline_rows(patient, tables, settings)
    events = event_rows(rows, markers, patient)
    return rows, events, wide_rows(rows, events, patient), cbioportal_rows(patient)


def write_patient(patient_id, samples, treatments, settings, inputs, knowledge_files, outputs):
    """Read the rule's inputs (``inputs``: lists of 0/1 path per table; ``knowledge_files``:
    the knowledge tables, knowledge.tables.load_knowledge's arguments), write the four tables
    (``outputs``: timeline, events, wide, cbioportal paths); returns the events."""
    tables = Tables.read(**inputs)
    markers = load_knowledge(**knowledge_files)
    rows, events, (wide, wide_columns), cbio = build_patient(
        patient_id, samples, treatments, settings, tables, markers
    )
    write_tsv(rows, outputs["timeline"], TIMELINE_COLUMNS)
    write_tsv(events, outputs["events"], EVENT_COLUMNS)
    write_tsv(wide, outputs["wide"], wide_columns)
    write_tsv(cbio, outputs["cbioportal"], CBIOPORTAL_COLUMNS)
    return rows, events


def gather_events(paths, output):
    """Concatenate the patients' events tables into one; returns the row count."""
    rows = [r for p in paths for r in read_tsv(p)]
    write_tsv(rows, output, EVENT_COLUMNS)
    return len(rows)
