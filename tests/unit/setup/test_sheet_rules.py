"""Rules across the rows of the sheets (resistance_timeline.setup.sheet_rules): ids, units,
normals, timepoints, therapy lines and drug names, each broken once and its message checked."""

from setup_support import SCHEMAS, bad_input, one_problem_with, only_problem, problems

from helpers import REPO
from resistance_timeline.knowledge.drugs import load_drugs
from resistance_timeline.setup.sheets import load_sheets

DRUG_TABLE = "resources/knowledge/drugs.tsv"


def drop_sample(project, sample):
    """Remove a sample's rows from samples.tsv and units.tsv."""
    for sheet in ("samples.tsv", "units.tsv"):
        lines = (project.root / sheet).read_text().splitlines(True)
        project.write(sheet, "".join(ln for ln in lines if f"\t{sample}\t" not in f"\t{ln}"))


@bad_input("patient-named-cohort")
def test_patient_named_cohort(project):
    for sheet in ("samples.tsv", "treatments.tsv"):
        project.edit(sheet, "\nP1\t", "\ncohort\t")
    msg = one_problem_with(project, "patient id 'cohort'")
    assert msg.endswith(
        "column 'patient_id': patient id 'cohort' is reserved for the cohort's own tables "
        "(results/variants/cohort.maf, results/timeline/cohort.events.tsv); choose another id"
    )


@bad_input("duplicate-sample-id")
def test_duplicate_sample_id(project):
    project.edit("samples.tsv", "P1-T1\twes", "P1-T0\twes")
    msg = one_problem_with(project, "column 'sample_id': sample id 'P1-T0'")
    assert "samples.tsv, line 4 (sample P1-T0), column 'sample_id': sample id 'P1-T0' is " in msg
    assert "already used on line 3; sample ids must be unique across the sheet" in msg


@bad_input("sample-without-units")
def test_sample_without_units(project):
    lines = (project.root / "units.tsv").read_text().splitlines(True)
    project.write("units.tsv", "".join(ln for ln in lines if not ln.startswith("P1-T1\t")))
    msg = only_problem(project)
    assert msg.endswith(
        "samples.tsv, line 4 (sample P1-T1), column 'sample_id': sample 'P1-T1' has no unit "
        "in units.tsv; add its FASTQ or BAM there, or remove the sample"
    )


@bad_input("unit-of-unknown-sample")
def test_unit_of_unknown_sample(project):
    project.edit("units.tsv", "P1-T1\tL1", "P1-T9\tL1")
    found = problems(project)
    assert any(
        "units.tsv, line 4 (sample P1-T9), column 'sample_id': sample 'P1-T9' is not in samples.tsv"
        in p
        for p in found
    ), found


@bad_input("duplicate-unit-id")
def test_duplicate_unit_id(project):
    project.fastq("reads/extra.R1.fastq.gz")
    project.fastq("reads/extra.R2.fastq.gz")
    text = (project.root / "units.tsv").read_text()
    project.write(
        "units.tsv", text + "P1-N\tL1\treads/extra.R1.fastq.gz\treads/extra.R2.fastq.gz\t\n"
    )
    msg = only_problem(project)
    assert (
        "units.tsv, line 6 (sample P1-N), column 'unit_id': unit 'L1' of sample 'P1-N' is " in msg
    )
    assert "already on line 2" in msg


@bad_input("fastq-and-bam")
def test_fastq_and_bam_both_given(project):
    project.edit("units.tsv", "P1-N.R2.fastq.gz\t", "P1-N.R2.fastq.gz\tx.bam")
    msg = only_problem(project)
    assert "line 2 (sample P1-N), column 'fq1/fq2/bam'" in msg and "not both" in msg


@bad_input("rna-bam-and-fastq-units")
def test_rna_sample_mixing_bam_and_fastq_units(project):
    text = (project.root / "units.tsv").read_text()
    project.write("units.tsv", text + "P1-R0\tL2\t\t\treads/P1-R0.bam\n")
    (project.root / "reads" / "P1-R0.bam").write_bytes(b"\x1f\x8b" + b"\0" * 30)
    project.write("ref/genome.fa.fai", "chr1\t200\t6\t200\t201\nchr2\t200\t213\t200\t201\n")
    one_problem_with(
        project, "units.tsv, line 6 (sample P1-R0), column 'bam': RNA sample 'P1-R0' has 2 units"
    )


def with_umi_column(project, values):
    """units.tsv with a umi column, ``values`` by sample id ('' elsewhere)."""
    header, *rows = (project.root / "units.tsv").read_text().splitlines()
    rows = [f"{r}\t{values.get(r.split(chr(9))[0], '')}" for r in rows]
    project.write("units.tsv", "\n".join([header + "\tumi", *rows]) + "\n")


def test_umi_units_are_read(project):
    with_umi_column(project, {"P1-T1": "read1:8+2"})
    units = load_sheets(project.config, SCHEMAS).units
    assert [u.get("umi") for u in units] == [None, None, "read1:8+2", None]


@bad_input("umi-on-a-bam-unit")
def test_umi_on_a_bam_unit(project):
    with_umi_column(project, {"P1-R0": "read1:8"})
    text = (project.root / "units.tsv").read_text()
    project.write(
        "units.tsv",
        text.replace("reads/P1-R0.R1.fastq.gz\treads/P1-R0.R2.fastq.gz\t", "\t\treads/P1-R0.bam"),
    )
    (project.root / "reads" / "P1-R0.bam").write_bytes(b"\x1f\x8b" + b"\0" * 30)
    project.write("ref/genome.fa.fai", "chr1\t200\t6\t200\t201\nchr2\t200\t213\t200\t201\n")
    one_problem_with(
        project, "units.tsv, line 5 (sample P1-R0), column 'umi': a UMI is read from FASTQ"
    )


@bad_input("umi-mixed-in-a-sample")
def test_umi_mixed_within_a_sample(project):
    with_umi_column(project, {"P1-T1": "read1:8"})
    text = (project.root / "units.tsv").read_text()
    project.write(
        "units.tsv", text + "P1-T1\tL2\treads/P1-T1.R1.fastq.gz\treads/P1-T1.R2.fastq.gz\t\t\n"
    )
    msg = one_problem_with(project, "sample 'P1-T1' mixes units with and without UMIs")
    assert "column 'umi'" in msg


@bad_input("missing-normal")
def test_tumour_samples_without_a_normal(project):
    project.edit("samples.tsv", "P1\tP1-N\twes\tnormal", "P1\tP1-N\twes\ttumor")
    msg = one_problem_with(project, "patient 'P1' has 0 WES normal samples")
    assert "exactly one matched normal" in msg and "or list the patient under 'tumor_only'" in msg


def test_tumor_only_patient_accepted_without_normal(project):
    drop_sample(project, "P1-N")
    assert problems(project)  # without the config entry it is an error
    config = project.config
    config["tumor_only"] = ["P1"]
    load_sheets(config, SCHEMAS)


@bad_input("tumor-only-with-normal")
def test_tumor_only_patient_with_a_normal(project):
    config = project.config
    config["tumor_only"] = ["P1"]
    msg = only_problem(project, config=config, config_name="my.yaml")
    assert msg.endswith(
        "samples.tsv, line 2 (sample P1-N), column 'material': patient 'P1' is listed as "
        "tumour-only in my.yaml (tumor_only) but has a WES normal; remove one or the other"
    )


@bad_input("tumor-only-unknown-patient")
def test_tumor_only_names_an_unknown_patient(project):
    config = project.config
    config["tumor_only"] = ["P7"]
    found = problems(project, config=config, config_name="my.yaml")
    assert found == ["my.yaml, key 'tumor_only': patient 'P7' is not in samples.tsv"]


@bad_input("same-assay-material-day")
def test_two_samples_same_assay_material_day(project):
    project.edit("samples.tsv", "tumor\t100\t", "tumor\t0\t")
    msg = only_problem(project)
    assert "line 4 (sample P1-T1), column 'day'" in msg
    assert "already has a wes tumor sample on day 0 (line 3)" in msg


@bad_input("rna-cfdna")
def test_rna_seq_of_cfdna(project):
    project.edit("samples.tsv", "P1-R0\trna\ttumor", "P1-R0\trna\tcfdna")
    msg = only_problem(project)
    assert "line 5 (sample P1-R0), column 'material': RNA-Seq of cfdna is not supported" in msg


@bad_input("treatment-unknown-patient")
def test_treatment_of_unknown_patient(project):
    project.edit("treatments.tsv", "P1\t2\t", "P9\t2\t")
    msg = only_problem(project)
    assert "treatments.tsv, line 3, column 'patient_id': patient 'P9' is not in samples.tsv" in msg


@bad_input("duplicate-line")
def test_treatment_line_duplicated(project):
    project.edit("treatments.tsv", "P1\t2\tdrug B", "P1\t1\tdrug B")
    msg = only_problem(project)
    assert "treatments.tsv, line 3, column 'line': patient 'P1' already has line 1 (line 2 " in msg


@bad_input("end-before-start")
def test_treatment_ending_before_it_starts(project):
    project.edit("treatments.tsv", "P1\t1\tdrug A\t10\t90", "P1\t1\tdrug A\t10\t5")
    msg = only_problem(project)
    assert msg.endswith(
        "treatments.tsv, line 2, column 'end_day': end_day 5 is before start_day 10; "
        "end_day must be on or after start_day (blank while ongoing)"
    )


@bad_input("overlapping-lines")
def test_overlapping_lines_not_written_as_a_combination(project):
    project.edit("treatments.tsv", "P1\t2\tdrug B\t110", "P1\t2\tdrug B\t60")
    msg = only_problem(project)
    assert (
        "treatments.tsv, line 3, column 'start_day': patient 'P1' line 2 starts on day 60, " in msg
    )
    assert "before line 1 (line 2 of the sheet, days 10-90) ends" in msg
    assert "write one line with drug 'drug A + drug B'" in msg


def test_combination_as_one_line_and_same_day_switch_are_accepted(project):
    project.edit("treatments.tsv", "P1\t1\tdrug A\t10\t90", "P1\t1\tdrug A + drug C\t10\t110")
    assert problems(project) == []  # line 2 starts on day 110, the day line 1 ends


@bad_input("ongoing-line-then-another")
def test_ongoing_line_followed_by_another(project):
    project.edit("treatments.tsv", "P1\t1\tdrug A\t10\t90", "P1\t1\tdrug A\t10\t")
    msg = only_problem(project)
    assert "line 3, column 'start_day': patient 'P1' line 2 starts on day 110 while line 1" in msg
    assert "has no end_day (ongoing); give line 1 its end_day" in msg


def drug_problems(project, config=None):
    """load_sheets' problems with treatments.tsv's drugs checked against the shipped table."""
    return problems(
        project, config=config, drugs=load_drugs(REPO / DRUG_TABLE), drug_table=DRUG_TABLE
    )


@bad_input("misspelt-drug")
def test_misspelt_drug_is_refused_with_the_closest_names(project):
    project.edit("treatments.tsv", "\tdrug A\t", "\tosimertinb\t")
    (msg,) = drug_problems(project)
    assert msg.startswith(
        f"{project.root}/treatments.tsv, line 2, column 'drug': 'osimertinb' is not a drug of "
        "resources/knowledge/drugs.tsv; did you mean 'osimertinib' or 'cobimetinib'? if it is a "
        "drug without resistance knowledge (chemotherapy, a trial compound), list it under "
        "knowledge.drugs_without_knowledge in config.yaml"
    )


def test_doses_salts_and_brand_names_are_known_drugs(project):
    project.edit("treatments.tsv", "\tdrug A\t", "\tosimertinib 80 mg once daily\t")
    project.edit("treatments.tsv", "\tdrug B\t", "\tafatinib dimaleate + Giotrif 40mg\t")
    assert drug_problems(project) == []


def test_each_part_of_a_regimen_is_checked(project):
    project.edit("treatments.tsv", "\tdrug A\t", "\tdabrafenib + trametnib\t")
    project.edit("treatments.tsv", "\tdrug B\t", "\tdabrafenib/trametinib\t")
    first, second = drug_problems(project)
    assert "line 2, column 'drug': 'trametnib' is not a drug" in first
    assert "did you mean 'trametinib'" in first
    assert "line 3, column 'drug': 'dabrafenib/trametinib' is not a drug" in second
    assert "drugs given together are written 'a + b'" in second


def test_drugs_without_knowledge_are_listed_in_the_config(project):
    config = project.config
    assert drug_problems(project, config) == []
    config["knowledge"]["drugs_without_knowledge"] = ["Drug-A"]  # compared as names are
    found = drug_problems(project, config)
    assert len(found) == 1 and "line 3, column 'drug': 'drug B' is not a drug" in found[0]
