"""The cohort as a cBioPortal study (``results/cbioportal/``), from the workflow's own tables:
what a lab loads into its cBioPortal to show clinicians every sample of a patient, the
mutations' VAF at every timepoint, copy number, fusions, expression and the lines of therapy
with what changed under each drug.

Written here (only what the cohort has; the molecular profiles in export/cbioportal_profiles):
- ``meta_study.txt``; the clinical patient file (lines of therapy, drugs) and sample file
  (day, timepoint, material, assay, line of therapy at sampling, the sheet's purity, the
  estimated tumour fraction, then the lab's own columns of samples.tsv) of every tumour,
  cfDNA and RNA sample. Normals are no cBioPortal samples: they appear as the MAF's
  Matched_Norm_Sample_Barcode;
- the timeline, days from diagnosis: treatments (drug, line, best response), specimens, and
  the timeline's acquired and lost events as STATUS events (``data_timeline_status.txt``: an
  acquisition on the day it was first detected, a loss on the first day a sample ruled it
  out), with the drug they changed on and the knowledge beside them;
- case lists, one per profile (the all-samples list is made by cBioPortal,
  ``add_global_case_list``).

The file formats follow cBioPortal's file-formats documentation, and were checked with its
validator (cbioportal-core ``scripts/importer/validateData.py -n``; README.md says how).
"""

import re

from resistance_timeline.export import cbioportal_profiles as profiles
from resistance_timeline.export.study_files import Study, clinical_preamble
from resistance_timeline.io.tables import read_tsv
from resistance_timeline.timeline.samples import COLUMNS as SAMPLE_TABLE_COLUMNS

GENOMES = {"GRCh38": "hg38", "hg38": "hg38", "GRCh37": "hg19", "hg19": "hg19"}
# sample attributes: (column, display name, description, datatype, source key)
SAMPLE_ATTRIBUTES = [
    ("DAY", "Day", "Days from diagnosis to collection", "NUMBER", "day"),
    ("TIMEPOINT", "Timepoint", "Timepoint label of samples.tsv", "STRING", "timepoint"),
    ("MATERIAL", "Material", "tumor (biopsy) or cfdna (plasma)", "STRING", "material"),
    ("ASSAY", "Assay", "wes or rna", "STRING", "assay"),
    (
        "ON_TREATMENT",
        "On treatment",
        "Line of therapy running at sampling",
        "STRING",
        "on_treatment",
    ),
    ("PURITY", "Purity", "Tumour fraction given in samples.tsv", "NUMBER", "purity"),
    (
        "TUMOR_FRACTION",
        "Tumour fraction",
        "Tumour fraction estimated from the truncal variants (results/clones/)",
        "NUMBER",
        "tumour_fraction",
    ),
]
PATIENT_ATTRIBUTES = [
    ("THERAPY_LINES", "Therapy lines", "Lines of therapy in treatments.tsv", "NUMBER"),
    ("DRUGS", "Drugs", "Drugs of the lines of therapy, in order", "STRING"),
]
STATUS_COLUMNS = [
    *("PATIENT_ID", "START_DATE", "STOP_DATE", "EVENT_TYPE", "STATUS", "ALTERATION_TYPE"),
    *("GENE", "EVENT", "CHANGE", "DRUG", "KNOWLEDGE", "KNOWLEDGE_VERSION"),
]


def write_study(tables, settings, build, out_dir):
    """Write the study (module docstring) and return it (``Study.files``, ``Study.notes``).
    ``tables``: ``samples`` (cohort.samples.tsv rows) and ``treatments`` (treatments.tsv
    rows), and the paths of the arms' tables: ``variants``, ``cnv`` (genes tables),
    ``segments`` (sample id -> .cns), ``tumour_fraction``, ``fusions``, ``normalized`` (the
    cohort's normalised expression, or None), ``events`` and ``timelines`` (a key may be
    missing: no such table)."""
    study = Study(out_dir, settings["study_id"])
    study.notes = []
    genome = GENOMES.get(build, "hg38")
    samples = tables["samples"]
    treatments = tables["treatments"]
    shown = [s for s in samples if s["material"] != "normal"]
    patients = list(dict.fromkeys(s["patient_id"] for s in shown))
    study.meta(
        "meta_study.txt",
        {
            "type_of_cancer": settings["cancer_type"],
            "name": settings["name"],
            "description": settings["description"],
            "add_global_case_list": "true",
            "reference_genome": genome,
        },
    )
    _clinical(study, shown, patients, treatments, tables)
    wes = [s["sample_id"] for s in shown if s["assay"] == "wes"]
    if tables.get("variants"):
        profiles.mutations(study, tables["variants"], build)
        study.case_list(
            "sequenced",
            "Samples profiled for mutations",
            "WES tumour and cfDNA samples",
            "all_cases_with_mutation_data",
            wes,
        )
    cna = profiles.copy_number(study, tables.get("cnv", []))
    if cna:
        left_out = profiles.segments(study, tables.get("segments", {}), genome)
        if left_out:
            study.notes.append(f"{left_out} segments on contigs cBioPortal does not know left out")
        for suffix, name, category in (
            ("cna", "Samples profiled for copy number", "all_cases_with_cna_data"),
            ("log2_cna", "Samples profiled for log2 copy ratios", "all_cases_with_log2_cna_data"),
        ):
            study.case_list(suffix, name, "WES tumour and cfDNA samples", category, cna)
        both = [s for s in cna if s in wes] if tables.get("variants") else []
        if both:
            study.case_list(
                "cnaseq",
                "Samples profiled for mutations and copy number",
                "WES samples with both",
                "all_cases_with_mutation_and_cna_data",
                both,
            )
    if tables.get("fusions"):  # every RNA sample is searched for fusions
        profiles.structural_variants(study, tables["fusions"], build)
        searched = [s["sample_id"] for s in shown if s["assay"] == "rna"]
        study.case_list(
            "sv", "Samples profiled for fusions", "RNA samples", "all_cases_with_sv_data", searched
        )
    rna = profiles.expression(study, tables["normalized"]) if tables.get("normalized") else []
    if rna:
        study.case_list(
            "rna_seq_mrna",
            "Samples profiled for mRNA expression",
            "RNA samples",
            "all_cases_with_mrna_rnaseq_data",
            rna,
        )
    _timeline(study, samples, treatments, set(patients))
    _status_events(study, tables.get("events", []), tables.get("timelines", []), set(patients))
    return study


def _line(t):
    return int(t.get("line") or 0)


def _clinical(study, shown, patients, treatments, tables):
    lines = {}
    for t in treatments:
        lines.setdefault(t["patient_id"], []).append(t)
    patient_rows = [
        {
            "PATIENT_ID": p,
            "THERAPY_LINES": len(lines.get(p, [])),
            "DRUGS": "; ".join(t["drug"] for t in sorted(lines.get(p, []), key=_line)) or "NA",
        }
        for p in patients
    ]
    _clinical_file(study, "PATIENT", patient_rows, PATIENT_ATTRIBUTES)
    fractions = {
        r["sample_id"]: r["tumour_fraction"]
        for path in tables.get("tumour_fraction", [])
        for r in read_tsv(path)
    }
    attributes = list(SAMPLE_ATTRIBUTES)
    taken = {a[0] for a in attributes} | {"PATIENT_ID", "SAMPLE_ID"}
    for column in own_columns(shown):
        attribute = attribute_id(column, taken)
        taken.add(attribute)
        attributes.append((attribute, column, f"{column} (samples.tsv)", "STRING", column))
    sample_rows = []
    for s in shown:
        values = s | {"tumour_fraction": fractions.get(s["sample_id"])}
        row = {"PATIENT_ID": s["patient_id"], "SAMPLE_ID": s["sample_id"]}
        for a in attributes:
            row[a[0]] = values.get(a[4]) if values.get(a[4]) not in ("", None) else "NA"
        sample_rows.append(row)
    _clinical_file(study, "SAMPLE", sample_rows, [a[:4] for a in attributes])


def own_columns(samples):
    """The lab's own columns of samples.tsv, as cohort.samples.tsv keeps them after its own
    (dates are left out: the study speaks in days from diagnosis)."""
    seen = dict.fromkeys(c for s in samples for c in s)
    return [c for c in seen if c not in SAMPLE_TABLE_COLUMNS]


def attribute_id(column, taken):
    """cBioPortal's attribute id of a lab's column: upper case, letters, digits and '_';
    'LAB_' before it where it would clash with an attribute of ours."""
    attribute = re.sub(r"[^A-Z0-9_]", "_", column.upper()).strip("_") or "COLUMN"
    if attribute[0].isdigit():
        attribute = f"LAB_{attribute}"
    while attribute in taken:
        attribute = f"LAB_{attribute}"
    return attribute


def _clinical_file(study, level, rows, attributes):
    """``data_clinical_<level>.txt`` (the ids, then ``attributes``: (id, display name,
    description, datatype) tuples, under their four '#' lines) and its meta file."""
    ids = [("PATIENT_ID", "Patient Identifier", "Patient Identifier", "STRING")]
    if level == "SAMPLE":
        ids.append(("SAMPLE_ID", "Sample Identifier", "Sample Identifier", "STRING"))
    columns = ids + list(attributes)
    name = f"data_clinical_{level.lower()}.txt"
    study.table(name, rows, [c[0] for c in columns], preamble=clinical_preamble(columns))
    study.meta(
        f"meta_clinical_{level.lower()}.txt",
        {
            "genetic_alteration_type": "CLINICAL",
            "datatype": f"{level}_ATTRIBUTES",
            "data_filename": name,
        },
    )


def _timeline(study, samples, treatments, patients):
    treat = [
        {
            "PATIENT_ID": t["patient_id"],
            "START_DATE": t["start_day"],
            "STOP_DATE": t.get("end_day", ""),
            "EVENT_TYPE": "TREATMENT",
            "TREATMENT_TYPE": "Medical Therapy",
            "SUBTYPE": "Targeted Therapy",
            "AGENT": t["drug"],
            "LINE": t["line"],
            "BEST_RESPONSE": t["best_response"],
        }
        for t in sorted(treatments, key=lambda t: (t["patient_id"], _line(t)))
        if t["patient_id"] in patients
    ]
    columns = ["PATIENT_ID", "START_DATE", "STOP_DATE", "EVENT_TYPE", "TREATMENT_TYPE"]
    columns += ["SUBTYPE", "AGENT", "LINE", "BEST_RESPONSE"]
    study.table("data_timeline_treatment.txt", treat, columns)
    specimens = [
        {
            "PATIENT_ID": s["patient_id"],
            "START_DATE": s["day"],
            "STOP_DATE": "",
            "EVENT_TYPE": "SPECIMEN",
            "SAMPLE_ID": s["sample_id"],
            "SPECIMEN_TYPE": f"{s['material']} {s['assay']}",
        }
        for s in samples
        if s["material"] != "normal" and s["patient_id"] in patients
    ]
    columns = ["PATIENT_ID", "START_DATE", "STOP_DATE", "EVENT_TYPE", "SAMPLE_ID"]
    study.table("data_timeline_specimen.txt", specimens, columns + ["SPECIMEN_TYPE"])
    for name in ("treatment", "specimen"):
        _meta_timeline(study, name)


def _meta_timeline(study, name):
    study.meta(
        f"meta_timeline_{name}.txt",
        {
            "genetic_alteration_type": "CLINICAL",
            "datatype": "TIMELINE",
            "data_filename": f"data_timeline_{name}.txt",
        },
    )


def status_events(events, measurements):
    """The acquired and lost events of the patients' events tables as STATUS rows
    (``events``, ``measurements``: rows of events.tsv and timeline.tsv). A loss is dated on
    the first sample after the last detection whose measurement rules the event out (the
    last detection when no such sample is found)."""
    ruled_out = {}
    for m in measurements:
        if m["status"] == "not_detected":
            key = (m["patient_id"], m["event_type"], m["gene"], m["event"])
            ruled_out.setdefault(key, []).append(int(m["day"]))
    rows = []
    for e in events:
        change = e["classification"]
        if change not in ("acquired", "lost"):
            continue
        drug = e["acquired_on"] if change == "acquired" else e["lost_on"]
        day = int(e["first_day_detected"])
        if change == "lost":
            last = int(e["last_day_detected"])
            key = (e["patient_id"], e["event_type"], e["gene"], e["event"])
            day = min((d for d in ruled_out.get(key, []) if d > last), default=last)
        rows.append(
            {
                "PATIENT_ID": e["patient_id"],
                "START_DATE": day,
                "STOP_DATE": "",
                "EVENT_TYPE": "STATUS",
                "STATUS": " ".join(
                    x for x in (e["gene"], e["event"], change, f"on {drug}" if drug else "") if x
                ),
                "ALTERATION_TYPE": e["event_type"],
                "GENE": e["gene"],
                "EVENT": e["event"],
                "CHANGE": change,
                "DRUG": drug,
                "KNOWLEDGE": e["relevance"],
                "KNOWLEDGE_VERSION": e.get("knowledge_version", ""),
            }
        )
    return sorted(rows, key=lambda r: (r["PATIENT_ID"], r["START_DATE"]))


def _status_events(study, event_tables, timeline_tables, patients):
    if not event_tables:
        return
    events = [r for path in event_tables for r in read_tsv(path)]
    measurements = [r for path in timeline_tables for r in read_tsv(path)]
    rows = [r for r in status_events(events, measurements) if r["PATIENT_ID"] in patients]
    study.table("data_timeline_status.txt", rows, STATUS_COLUMNS)
    _meta_timeline(study, "status")
