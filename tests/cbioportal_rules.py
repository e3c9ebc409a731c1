"""The rules of a cBioPortal study that its validator (cbioportal-core
scripts/importer/validateData.py) checks and this workflow's study must keep, learned by
running that validator on the demo's study; the tests check them without it (it is not
installed here: README.md, "cBioPortal", says how to run it)."""

import re
from pathlib import Path


def meta(path):
    """A meta file's 'key: value' lines as a dict."""
    return dict(line.split(": ", 1) for line in Path(path).read_text().splitlines() if line)


def table(path):
    """(header, rows) of a data file, '#' lines skipped."""
    lines = [ln for ln in Path(path).read_text().splitlines() if not ln.startswith("#")]
    header = lines[0].split("\t")
    return header, [dict(zip(header, ln.split("\t"), strict=True)) for ln in lines[1:]]


def check_study(folder):
    """Assert the study's structural rules; return {sample ids, patient ids, study id}."""
    folder = Path(folder)
    study = meta(folder / "meta_study.txt")
    sid = study["cancer_study_identifier"]
    assert re.fullmatch(r"[A-Za-z0-9_]+", sid)
    assert study["reference_genome"] in ("hg19", "hg38") and study["add_global_case_list"] == "true"
    for name in ("type_of_cancer", "name", "description"):
        assert study[name], name
    metas = sorted(folder.glob("meta_*.txt")) + sorted((folder / "case_lists").glob("*.txt"))
    for path in metas:
        fields = meta(path)
        assert fields["cancer_study_identifier"] == sid, path
        if "data_filename" in fields:
            assert (folder / fields["data_filename"]).is_file(), path
    # clinical files: four '#' header lines as wide as the header, then ids
    for name, level in (
        ("data_clinical_patient.txt", "PATIENT"),
        ("data_clinical_sample.txt", "SAMPLE"),
    ):
        lines = (folder / name).read_text().splitlines()
        header = lines[4].split("\t")
        assert all(ln.startswith("#") and len(ln.split("\t")) == len(header) for ln in lines[:4])
        assert lines[2].lstrip("#").split("\t")[0] in ("STRING", "NUMBER")
        assert all(t in ("STRING", "NUMBER", "BOOLEAN") for t in lines[2].lstrip("#").split("\t"))
        assert header[0] == "PATIENT_ID" and (level == "PATIENT" or header[1] == "SAMPLE_ID")
    _, patients = table(folder / "data_clinical_patient.txt")
    _, samples = table(folder / "data_clinical_sample.txt")
    patient_ids = [p["PATIENT_ID"] for p in patients]
    sample_ids = [s["SAMPLE_ID"] for s in samples]
    assert len(set(patient_ids)) == len(patient_ids) and len(set(sample_ids)) == len(sample_ids)
    assert {s["PATIENT_ID"] for s in samples} == set(patient_ids)
    for s in samples:  # a NUMBER attribute is a number or NA
        for column in ("DAY", "PURITY"):
            assert s[column] == "NA" or re.fullmatch(r"-?[0-9.]+", s[column]), s
    for name in ("data_mutations.txt", "data_mutations_uncalled.txt"):
        if (folder / name).exists():
            assert (folder / name).read_text().startswith("#version 2.4\n")
            _, rows = table(folder / name)
            assert {r["Tumor_Sample_Barcode"] for r in rows} <= set(sample_ids)
            for r in rows:
                assert int(r["Start_Position"]) <= int(r["End_Position"]) + 1
                assert int(r["t_ref_count"]) + int(r["t_alt_count"]) <= int(r["t_depth"])
    for path in (folder / "case_lists").glob("*.txt"):
        fields = meta(path)
        assert fields["stable_id"].startswith(f"{sid}_")
        assert set(fields["case_list_ids"].split("\t")) <= set(sample_ids)
    for name in ("data_timeline_treatment.txt", "data_timeline_specimen.txt"):
        header, rows = table(folder / name)
        assert header[:4] == ["PATIENT_ID", "START_DATE", "STOP_DATE", "EVENT_TYPE"]
        for r in rows:
            assert r["PATIENT_ID"] in patient_ids and re.fullmatch(r"-?\d+", r["START_DATE"])
            assert r["STOP_DATE"] == "" or int(r["STOP_DATE"]) >= int(r["START_DATE"])
    return {"study": sid, "samples": sample_ids, "patients": patient_ids}
