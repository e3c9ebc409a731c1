"""The cohort as a cBioPortal study (resistance_timeline.export.cbioportal): the study's
structural rules (tests/cbioportal_rules.py), normals kept out of the samples, a variant's
read counts at every timepoint (called and UNCALLED), and only what the cohort has."""

from cbioportal_rules import check_study, meta, table

from resistance_timeline.export.cbioportal import status_events, write_study

SETTINGS = {"study_id": "lab_study", "name": "Lab", "description": "d", "cancer_type": "nsclc"}
SAMPLES = [
    {
        "patient_id": "P1",
        "sample_id": "P1-N",
        "assay": "wes",
        "material": "normal",
        "day": "0",
        "timepoint": "blood",
        "purity": "",
        "on_treatment": "",
    },
    {
        "patient_id": "P1",
        "sample_id": "P1-T0",
        "assay": "wes",
        "material": "tumor",
        "day": "0",
        "timepoint": "diagnosis",
        "purity": "0.6",
        "on_treatment": "before treatment",
    },
    {
        "patient_id": "P1",
        "sample_id": "P1-P1",
        "assay": "wes",
        "material": "cfdna",
        "day": "90",
        "timepoint": "plasma",
        "purity": "",
        "on_treatment": "osimertinib",
    },
    {
        "patient_id": "P1",
        "sample_id": "P1-R0",
        "assay": "rna",
        "material": "tumor",
        "day": "0",
        "timepoint": "diagnosis",
        "purity": "",
        "on_treatment": "before treatment",
    },
]
TREATMENTS = [
    {
        "patient_id": "P1",
        "line": 1,
        "drug": "osimertinib",
        "start_day": 10,
        "end_day": 80,
        "best_response": "PR",
    },
    {"patient_id": "P1", "line": 2, "drug": "amivantamab", "start_day": 85, "best_response": "SD"},
]
HEADER = (
    "patient_id sample_id day material contig pos ref alt gene consequence protein "
    "transcript ref_reads alt_reads depth vaf vaf_low vaf_high detection_limit status "
    "origin"
).split()


def variants(tmp_path):
    rows = [
        ("P1-N", "normal", "60", "0", "60", "not_detected", "somatic"),
        ("P1-T0", "tumor", "95", "0", "95", "not_detected", "somatic"),
        ("P1-P1", "cfdna", "300", "12", "312", "detected", "somatic"),
    ]
    lines = ["\t".join(HEADER)]
    for sample, material, ref, alt, depth, status, origin in rows:
        lines.append(
            "\t".join(
                [
                    "P1",
                    sample,
                    "0",
                    material,
                    "chr7",
                    "55181378",
                    "C",
                    "T",
                    "EGFR",
                    "missense",
                    "p.C797S",
                    "T1",
                    ref,
                    alt,
                    depth,
                    "0.04",
                    "0.02",
                    "0.07",
                    "0.01",
                    status,
                    origin,
                ]
            )
        )
    path = tmp_path / "P1.variants.tsv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_the_study_of_a_cohort_with_wes_and_rna(tmp_path):
    out = tmp_path / "study"
    tables = {"samples": SAMPLES, "treatments": TREATMENTS, "variants": [variants(tmp_path)]}
    write_study(tables, SETTINGS, "GRCh37", out)
    found = check_study(out)
    assert found["samples"] == ["P1-T0", "P1-P1", "P1-R0"]  # the normal is no sample
    assert meta(out / "meta_study.txt")["reference_genome"] == "hg19"
    _, samples = table(out / "data_clinical_sample.txt")
    assert [s["PURITY"] for s in samples] == ["0.6", "NA", "NA"]
    _, patients = table(out / "data_clinical_patient.txt")
    assert patients == [
        {"PATIENT_ID": "P1", "THERAPY_LINES": "2", "DRUGS": "osimertinib; amivantamab"}
    ]
    _, called = table(out / "data_mutations.txt")
    _, uncalled = table(out / "data_mutations_uncalled.txt")
    assert [
        (r["Tumor_Sample_Barcode"], r["Mutation_Status"], r["t_alt_count"]) for r in called
    ] == [("P1-P1", "Somatic", "12")]
    assert [(r["Tumor_Sample_Barcode"], r["Mutation_Status"], r["t_depth"]) for r in uncalled] == [
        ("P1-T0", "UNCALLED", "95")
    ]
    assert called[0]["Matched_Norm_Sample_Barcode"] == "P1-N"
    assert meta(out / "case_lists" / "cases_sequenced.txt")["case_list_ids"] == "P1-T0\tP1-P1"
    _, treatments = table(out / "data_timeline_treatment.txt")
    assert [(t["AGENT"], t["START_DATE"], t["STOP_DATE"]) for t in treatments] == [
        ("osimertinib", "10", "80"),
        ("amivantamab", "85", ""),
    ]


def test_an_rna_only_cohort_writes_no_mutations(tmp_path):
    out = tmp_path / "study"
    rna = [s for s in SAMPLES if s["assay"] == "rna"]
    files = write_study({"samples": rna, "treatments": TREATMENTS}, SETTINGS, "GRCh38", out).files
    check_study(out)
    assert not [f for f in files if "mutations" in f or "case_lists" in f or "cna" in f]


def test_sample_file_has_the_tumour_fraction_and_the_labs_own_columns(tmp_path):
    own = [s | {"flowcell id": "FC1", "Purity": "high", "2nd read": ""} for s in SAMPLES]
    fraction = tmp_path / "P1.tumour_fraction.tsv"
    fraction.write_text("sample_id\ttumour_fraction\nP1-T0\t0.55\nP1-P1\t0.012\n")
    tables = {"samples": own, "treatments": TREATMENTS, "tumour_fraction": [fraction]}
    write_study(tables, SETTINGS, "GRCh38", tmp_path / "study")
    check_study(tmp_path / "study")
    lines = (tmp_path / "study" / "data_clinical_sample.txt").read_text().splitlines()
    header = lines[4].split("\t")
    assert header[-4:] == ["TUMOR_FRACTION", "FLOWCELL_ID", "LAB_PURITY", "LAB_2ND_READ"]
    assert lines[0].split("\t")[-3:] == ["flowcell id", "Purity", "2nd read"]  # display names
    _, rows = table(tmp_path / "study" / "data_clinical_sample.txt")
    assert [(r["SAMPLE_ID"], r["TUMOR_FRACTION"], r["FLOWCELL_ID"]) for r in rows] == [
        ("P1-T0", "0.55", "FC1"),
        ("P1-P1", "0.012", "FC1"),
        ("P1-R0", "NA", "FC1"),
    ]
    assert {r["LAB_2ND_READ"] for r in rows} == {"NA"}


def test_acquired_and_lost_events_are_status_events_on_their_day():
    def event(gene, change, first, last, drug):
        return {
            "patient_id": "P1",
            "event_type": "snv",
            "gene": gene,
            "event": "p.X1Y",
            "classification": change,
            "first_day_detected": first,
            "last_day_detected": last,
            "acquired_on": drug if change == "acquired" else "",
            "lost_on": drug if change == "lost" else "",
            "relevance": "known resistance" if gene == "EGFR" else "",
        }

    events = [
        event("EGFR", "acquired", "90", "300", "osimertinib"),
        event("TP53", "lost", "0", "90", "amivantamab"),
        event("KRAS", "persistent", "0", "300", ""),
    ]
    measurements = [
        {"patient_id": "P1", "event_type": "snv", "gene": "TP53", "event": "p.X1Y"}
        | {"day": day, "status": status}
        for day, status in (("0", "detected"), ("90", "detected"), ("150", "not_covered"))
        + (("200", "not_detected"), ("300", "not_detected"))
    ]
    rows = status_events(events, measurements)
    assert [(r["START_DATE"], r["STATUS"], r["DRUG"], r["KNOWLEDGE"]) for r in rows] == [
        (90, "EGFR p.X1Y acquired on osimertinib", "osimertinib", "known resistance"),
        (200, "TP53 p.X1Y lost on amivantamab", "amivantamab", ""),  # the first ruling-out
    ]
    assert {r["EVENT_TYPE"] for r in rows} == {"STATUS"}
