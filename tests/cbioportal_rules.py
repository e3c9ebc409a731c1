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
    check_profiles(folder, set(sample_ids))
    categories = []
    for path in (folder / "case_lists").glob("*.txt"):
        fields = meta(path)
        assert fields["stable_id"].startswith(f"{sid}_")
        assert set(fields["case_list_ids"].split("\t")) <= set(sample_ids)
        assert fields["case_list_category"] not in categories, path  # one list per category
        categories.append(fields["case_list_category"])
    for path in folder.glob("data_timeline_*.txt"):
        header, rows = table(path)
        assert header[:4] == ["PATIENT_ID", "START_DATE", "STOP_DATE", "EVENT_TYPE"]
        for r in rows:
            assert r["PATIENT_ID"] in patient_ids and re.fullmatch(r"-?\d+", r["START_DATE"])
            assert r["STOP_DATE"] == "" or int(r["STOP_DATE"]) >= int(r["START_DATE"])
    return {"study": sid, "samples": sample_ids, "patients": patient_ids}


# allowed (genetic_alteration_type, datatype, stable_id) of the profiles the study writes
PROFILES = {
    ("MUTATION_EXTENDED", "MAF", "mutations"),
    ("MUTATION_UNCALLED", "MAF", "mutations_uncalled"),
    ("COPY_NUMBER_ALTERATION", "DISCRETE", "cna"),
    ("COPY_NUMBER_ALTERATION", "LOG2-VALUE", "log2CNA"),
    ("STRUCTURAL_VARIANT", "SV", "structural_variants"),
    ("MRNA_EXPRESSION", "CONTINUOUS", "rna_seq_mrna"),
    ("MRNA_EXPRESSION", "Z-SCORE", "rna_seq_mrna_median_all_sample_Zscores"),
}
# the columns the validator keys an SV record on (two equal keys: 'Duplicate entry')
SV_UNIQUE = [
    "Sample_Id",
    *(f"Site{n}_{c}" for n in (1, 2) for c in ("Hugo_Symbol", "Chromosome", "Position")),
    *(f"Site{n}_{c}" for n in (1, 2) for c in ("Region_Number", "Ensembl_Transcript_Id")),
    "Event_Info",
]
NUMBER = re.compile(r"-?[0-9.]+(e-?[0-9]+)?")


def check_profiles(folder, sample_ids):
    """Profiles: allowed type triples, gene-wise matrices (unique genes before the sample
    columns, values in range), SEG (fixed columns, integer 0-based coordinates), SV."""
    for path in folder.glob("meta_*.txt"):
        fields = meta(path)
        if "stable_id" in fields:
            triple = (fields["genetic_alteration_type"], fields["datatype"], fields["stable_id"])
            assert triple in PROFILES, path
            assert fields["show_profile_in_analysis_tab"] in ("true", "false")
            if triple[1] in ("LOG2-VALUE", "CONTINUOUS"):  # cBioPortal forbids it there
                assert (
                    triple[0] == "MRNA_EXPRESSION"
                    or fields["show_profile_in_analysis_tab"] == "false"
                )
    for name in (
        "data_cna.txt",
        "data_log2_cna.txt",
        "data_mrna_seq_expression.txt",
        "data_mrna_seq_zscores.txt",
    ):
        if not (folder / name).exists():
            continue
        header, rows = table(folder / name)
        assert header[0] == "Hugo_Symbol" and set(header[1:]) <= sample_ids, name
        genes = [r["Hugo_Symbol"] for r in rows]
        assert len(set(genes)) == len(genes) and all(genes), name
        for r in rows:
            for sample in header[1:]:
                value = r[sample]
                if name == "data_cna.txt":
                    assert value in ("-2", "-1", "0", "1", "2", "NA"), (name, r)
                else:
                    assert value == "NA" or NUMBER.fullmatch(value), (name, r)
    for path in folder.glob("data_*.seg"):
        header, rows = table(path)
        assert header == ["ID", "chrom", "loc.start", "loc.end", "num.mark", "seg.mean"]
        for r in rows:
            assert r["ID"] in sample_ids and re.fullmatch(r"[0-9]+|X|Y", r["chrom"]), r
            assert 0 <= int(r["loc.start"]) < int(r["loc.end"]) and int(r["num.mark"]) >= 0
            assert NUMBER.fullmatch(r["seg.mean"]), r
    if (folder / "data_sv.txt").exists():
        header, rows = table(folder / "data_sv.txt")
        assert {"Sample_Id", "SV_Status", "Site1_Hugo_Symbol", "Site2_Hugo_Symbol"} <= set(header)
        seen = set()
        for r in rows:
            assert r["Sample_Id"] in sample_ids and r["SV_Status"] == "SOMATIC"
            assert r["NCBI_Build"] in ("GRCh37", "GRCh38")
            key = tuple(r.get(c) for c in SV_UNIQUE)
            assert key not in seen, r  # the validator's uniqueness rule
            seen.add(key)
