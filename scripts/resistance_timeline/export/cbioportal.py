"""The cohort as a cBioPortal study (``results/cbioportal/``), from the workflow's own tables:
what a lab loads into its cBioPortal to show clinicians every sample of a patient, the
mutations' VAF at every timepoint, and the lines of therapy.

Written (only what the cohort has):
- ``meta_study.txt``; the clinical patient file (lines of therapy, drugs) and sample file
  (day, timepoint, material, assay, line of therapy at sampling, purity) of every tumour,
  cfDNA and RNA sample (normals are no cBioPortal samples: they appear as the MAF's
  Matched_Norm_Sample_Barcode);
- mutations (``data_mutations.txt``, profile ``mutations``): the somatic detections as MAF
  (dna/maf.py), and ``data_mutations_uncalled.txt`` (profile ``mutations_uncalled``): the
  same variants where they were measured but not called, ``Mutation_Status`` UNCALLED with
  their read counts, which is how cBioPortal's patient view shows a variant's VAF at every
  timepoint;
- the timeline: treatments (drug and best response) and specimens, days from diagnosis;
- case list ``<study>_sequenced`` (the WES tumour and cfDNA samples); the all-samples list is
  made by cBioPortal (``add_global_case_list``).

The file formats follow cBioPortal's file-formats documentation, and were checked with its
validator (cbioportal-core ``scripts/importer/validateData.py -n``; README.md says how).
Copy number, structural variants and expression are not written yet (issue 29).
"""

import os

from resistance_timeline.dna.maf import COLUMNS as MAF_COLUMNS
from resistance_timeline.dna.maf import VERSION_LINE, maf_rows
from resistance_timeline.io.tables import read_tsv, write_tsv

GENOMES = {"GRCh38": "hg38", "hg38": "hg38", "GRCh37": "hg19", "hg19": "hg19"}
# sample attributes: (column, display name, description, datatype, priority, source key)
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
]
PATIENT_ATTRIBUTES = [
    ("THERAPY_LINES", "Therapy lines", "Lines of therapy in treatments.tsv", "NUMBER"),
    ("DRUGS", "Drugs", "Drugs of the lines of therapy, in order", "STRING"),
]


def meta_text(fields):
    return "".join(f"{k}: {v}\n" for k, v in fields.items())


def clinical_preamble(columns):
    """A clinical data file's four '#' lines above its column names: display names,
    descriptions, datatypes, priorities."""
    rows = ([c[1] for c in columns], [c[2] for c in columns], [c[3] for c in columns])
    return "".join("#" + "\t".join(r) + "\n" for r in (*rows, ["1"] * len(columns)))


def write_study(samples, treatments, variants_tables, settings, build, out_dir):
    """Write the study (module docstring). ``samples``: cohort.samples.tsv rows;
    ``treatments``: treatments.tsv rows (dicts); ``variants_tables``: patient -> its
    variants.tsv path (WES patients); ``settings``: config ``cbioportal``. Returns the names
    of the files written."""
    study = settings["study_id"]
    os.makedirs(out_dir, exist_ok=True)
    shown = [s for s in samples if s["material"] != "normal"]
    patients = list(dict.fromkeys(s["patient_id"] for s in shown))
    files = {}

    def put(name, text):
        """A meta file (or a case list)."""
        os.makedirs(os.path.dirname(os.path.join(out_dir, name)), exist_ok=True)
        with open(os.path.join(out_dir, name), "w") as handle:
            handle.write(text)
        files[name] = True

    def put_table(name, rows, columns, preamble=""):
        """A data file, through the writer every table shares."""
        write_tsv(rows, os.path.join(out_dir, name), columns, preamble=preamble)
        files[name] = True

    put(
        "meta_study.txt",
        meta_text(
            {
                "type_of_cancer": settings["cancer_type"],
                "cancer_study_identifier": study,
                "name": settings["name"],
                "description": settings["description"],
                "add_global_case_list": "true",
                "reference_genome": GENOMES.get(build, "hg38"),
            }
        ),
    )
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
    columns = [("PATIENT_ID", "Patient Identifier", "Patient Identifier", "STRING")]
    columns += PATIENT_ATTRIBUTES
    put_table(
        "data_clinical_patient.txt",
        patient_rows,
        [c[0] for c in columns],
        preamble=clinical_preamble(columns),
    )
    put("meta_clinical_patient.txt", _meta_clinical(study, "PATIENT", "data_clinical_patient.txt"))
    sample_rows = [
        {"PATIENT_ID": s["patient_id"], "SAMPLE_ID": s["sample_id"]}
        | {
            a[0]: (s.get(a[4]) if s.get(a[4]) not in ("", None) else "NA")
            for a in SAMPLE_ATTRIBUTES
        }
        for s in shown
    ]
    columns = [
        ("PATIENT_ID", "Patient Identifier", "Patient Identifier", "STRING"),
        ("SAMPLE_ID", "Sample Identifier", "Sample Identifier", "STRING"),
    ]
    columns += [a[:4] for a in SAMPLE_ATTRIBUTES]
    put_table(
        "data_clinical_sample.txt",
        sample_rows,
        [c[0] for c in columns],
        preamble=clinical_preamble(columns),
    )
    put("meta_clinical_sample.txt", _meta_clinical(study, "SAMPLE", "data_clinical_sample.txt"))
    if variants_tables:
        _mutations(put, put_table, study, variants_tables, build, shown)
    _timeline(put, put_table, study, samples, treatments, set(patients))
    return sorted(files)


def _line(t):
    return int(t.get("line") or 0)


def _meta_clinical(study, level, filename):
    return meta_text(
        {
            "cancer_study_identifier": study,
            "genetic_alteration_type": "CLINICAL",
            "datatype": f"{level}_ATTRIBUTES",
            "data_filename": filename,
        }
    )


def _mutations(put, put_table, study, variants_tables, build, shown):
    called, uncalled = [], []
    for path in variants_tables.values():
        rows = read_tsv(path, keep=lambda r: r["origin"] == "somatic")
        called += maf_rows(rows, build)
        uncalled += [r for r in maf_rows(rows, build, uncalled=True) if r["t_depth"] != "0"]
    put_table("data_mutations.txt", called, MAF_COLUMNS, preamble=VERSION_LINE)
    put_table("data_mutations_uncalled.txt", uncalled, MAF_COLUMNS, preamble=VERSION_LINE)
    for name, stable, kind, label in (
        ("mutations", "mutations", "MUTATION_EXTENDED", "Mutations"),
        ("mutations_uncalled", "mutations_uncalled", "MUTATION_UNCALLED", "Uncalled mutations"),
    ):
        put(
            f"meta_{name}.txt",
            meta_text(
                {
                    "cancer_study_identifier": study,
                    "genetic_alteration_type": kind,
                    "datatype": "MAF",
                    "stable_id": stable,
                    "show_profile_in_analysis_tab": "true" if stable == "mutations" else "false",
                    "profile_name": label,
                    "profile_description": f"{label}: somatic variants of the WES samples "
                    "(resistance-timeline; UNCALLED rows: measured, not called)",
                    "data_filename": f"data_{name}.txt",
                }
            ),
        )
    wes = [s["sample_id"] for s in shown if s["assay"] == "wes"]
    put(
        "case_lists/cases_sequenced.txt",
        meta_text(
            {
                "cancer_study_identifier": study,
                "stable_id": f"{study}_sequenced",
                "case_list_name": "Samples profiled for mutations",
                "case_list_description": "WES tumour and cfDNA samples",
                "case_list_category": "all_cases_with_mutation_data",
                "case_list_ids": "\t".join(wes),
            }
        ),
    )


def _timeline(put, put_table, study, samples, treatments, patients):
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
    put_table("data_timeline_treatment.txt", treat, columns)
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
    put_table("data_timeline_specimen.txt", specimens, columns + ["SPECIMEN_TYPE"])
    for name in ("treatment", "specimen"):
        put(
            f"meta_timeline_{name}.txt",
            meta_text(
                {
                    "cancer_study_identifier": study,
                    "genetic_alteration_type": "CLINICAL",
                    "datatype": "TIMELINE",
                    "data_filename": f"data_timeline_{name}.txt",
                }
            ),
        )
