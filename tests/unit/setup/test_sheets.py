"""Reading the sheets (resistance_timeline.setup.sheets): each broken sheet is named with the
sheet, the line as the user sees it in the file (header = line 1), the column, the bad value
and what would be valid; sheets as spreadsheets save them (Windows line ends, a byte-order
mark) read the same as clean ones."""

import pytest
from setup_support import SCHEMAS, bad_input, one_problem_with, only_problem, problems

from helpers import REPO
from resistance_timeline.setup.sheets import load_sheets

SHEET_NAMES = ("samples", "units", "treatments")
# the tiny project's samples with dates for days and a lab's own column (mrn)
DATED_SAMPLES = """\
patient_id\tsample_id\tassay\tmaterial\tday\ttimepoint\tpurity\tmrn
P1\tP1-N\twes\tnormal\t2024-01-11\tblood\t\tM-17
P1\tP1-T0\twes\ttumor\t2024-01-11\tdiagnosis\t0.6\tM-17
P1\tP1-T1\twes\ttumor\t2024-04-20\trelapse on drug A\t0.5\tM-17
P1\tP1-R0\trna\ttumor\t2024-01-11\tdiagnosis\t\tM-17
"""


def test_valid_project_passes_and_resolves_paths(project):
    sheets = load_sheets(project.config, SCHEMAS)
    assert [s["sample_id"] for s in sheets.samples] == ["P1-N", "P1-T0", "P1-T1", "P1-R0"]
    assert sheets.samples[1]["day"] == 0 and sheets.samples[1]["purity"] == 0.6
    assert "purity" not in sheets.samples[0]  # blank cell = absent
    assert sheets.units[0]["fq1"] == str(project.root / "reads" / "P1-N.R1.fastq.gz")
    assert sheets.treatments[1].get("end_day") is None
    # an optional column's schema default where the sheet leaves it out
    assert {s["normal_source"] for s in sheets.samples} == {"blood"}


def test_a_tissue_normal_is_read_and_a_misspelt_source_refused(project):
    path = project.root / "samples.tsv"
    header, *rows = path.read_text().splitlines()
    first = rows[0] + "\ttissue"  # the normal's row
    others = [row + "\t" for row in rows[1:]]  # blank: the default
    path.write_text("\n".join([header + "\tnormal_source", first, *others]) + "\n")
    sheets = load_sheets(project.config, SCHEMAS)
    assert [s["normal_source"] for s in sheets.samples][:2] == ["tissue", "blood"]
    project.edit("samples.tsv", "\ttissue\n", "\tbuffy\n")
    msg = only_problem(project)
    assert "column 'normal_source'" in msg and "'buffy'" in msg


@bad_input("sheet-missing")
def test_sheet_file_missing(project):
    (project.root / "treatments.tsv").unlink()
    msg = only_problem(project)
    assert msg == f"{project.root}/treatments.tsv: file not found: {project.root}/treatments.tsv"


@bad_input("sheet-empty")
def test_empty_sheet(project):
    project.write("treatments.tsv", "# nothing yet\n\n")
    assert "the sheet is empty; it needs a header line and rows" in only_problem(project)


@bad_input("sheet-not-tab-separated")
def test_comma_separated_sheet(project):
    project.write("samples.tsv", "patient_id,sample_id\nP1,P1-N\n")
    msg = only_problem(project)
    assert "samples.tsv, line 1: the header has one column 'patient_id,sample_id'" in msg
    assert "must be tab-separated" in msg


@bad_input("missing-column")
def test_missing_required_column(project):
    project.write("treatments.tsv", "patient_id\tline\tdrug\tstart_day\nP1\t1\tx\t1\n")
    msg = only_problem(project)
    assert msg.endswith("treatments.tsv, line 1: required column 'best_response' is missing")


@bad_input("unknown-column")
def test_unknown_column_is_named_with_the_closest_one(project):
    project.edit("samples.tsv", "\tpurity\n", "\tpurty\n")
    msg = only_problem(project)
    assert "samples.tsv, line 1, column 'purty': unknown column (did you mean 'purity'?)" in msg
    assert "allowed columns are: patient_id, sample_id" in msg


@bad_input("own-columns")
def test_the_labs_own_columns_are_kept(project):
    def add_column(sheet, name, cells):
        lines = (project.root / sheet).read_text().splitlines()
        rows = [f"{line}\t{cell}" for line, cell in zip(lines, [name, *cells])]
        project.write(sheet, "\n".join(rows) + "\n")

    add_column("samples.tsv", "clinical_id", ["C-17", "C-18", "", "x"])
    add_column("units.tsv", "flowcell", ["HXYZ"] * 4)
    add_column("units.tsv", "library kit", ["Twist"] * 4)
    sheets = load_sheets(project.config, SCHEMAS, check_files=False)
    assert sheets.own_columns == {
        str(project.root / "samples.tsv"): ["clinical_id"],
        str(project.root / "units.tsv"): ["flowcell", "library kit"],
    }
    assert sheets.sample_own["P1-N"] == {"clinical_id": "C-17"}
    assert sheets.sample_own["P1-T1"] == {"clinical_id": ""}
    assert "clinical_id" not in sheets.samples[0] and "flowcell" not in sheets.units[0]
    assert sheets.notices()[1] == (
        f"resistance-timeline: {project.root}/units.tsv: your own column(s) flowcell, library "
        "kit kept as written (not sheet columns; config/README.md lists those)\n"
    )


@pytest.mark.parametrize("column,meant", [("sampel_id", "sample_id"), ("Day", "day")])
def test_a_column_close_to_a_missing_sheet_column_is_a_misspelling(project, column, meant):
    project.edit("samples.tsv", f"\t{meant}\t", f"\t{column}\t")
    found = problems(project)
    assert any(
        f"samples.tsv, line 1, column '{column}': unknown column (did you mean '{meant}'?)" in m
        for m in found
    ), found


def test_header_line_number_counts_comment_lines(project):
    text = (project.root / "samples.tsv").read_text()
    project.write("samples.tsv", "# cohort A\n# 2026\n" + text.replace("\tpurity\n", "\tpurty\n"))
    assert "samples.tsv, line 3, column 'purty': unknown column" in only_problem(project)


@bad_input("duplicate-column")
def test_column_given_twice(project):
    project.edit("samples.tsv", "\tpurity\n", "\tday\n")
    msg = only_problem(project)
    assert "samples.tsv, line 1, column 'day': the column appears twice (columns 5 and 7)" in msg


@bad_input("wrong-cell-count")
def test_wrong_number_of_cells(project):
    project.edit(
        "samples.tsv", "P1\tP1-N\twes\tnormal\t0\tblood\t", "P1\tP1-N\twes normal\t0\tblood"
    )
    msg = only_problem(project)
    assert "samples.tsv, line 2: 5 cells but the header has 7" in msg
    assert "spaces used instead of tabs" in msg


@bad_input("empty-required-cell")
def test_empty_required_cell(project):
    project.edit("samples.tsv", "\tdiagnosis\t0.6", "\t\t0.6")
    msg = only_problem(project)
    assert "line 3 (sample P1-T0), column 'timepoint': is empty but required" in msg


@bad_input("non-integer-day")
def test_day_not_integer(project):
    project.edit("samples.tsv", "tumor\t100\t", "tumor\t11/01/2024\t")
    msg = only_problem(project)
    assert msg.endswith(
        "samples.tsv, line 4 (sample P1-T1), column 'day': '11/01/2024' is not a day: a day is "
        "a whole number of days from the patient's diagnosis (e.g. 120, or -5 before it) or an "
        "ISO date (YYYY-MM-DD, e.g. 2024-01-11)"
    )


@bad_input("invalid-choice")
def test_enum_lists_valid_values(project):
    project.edit("samples.tsv", "P1-T0\twes\ttumor", "P1-T0\twes\ttumour")
    msg = only_problem(project)
    assert "line 3 (sample P1-T0), column 'material': 'tumour' is not allowed" in msg
    assert "use one of: normal | tumor | cfdna" in msg


@bad_input("purity-out-of-range")
def test_purity_out_of_range(project):
    project.edit("samples.tsv", "0.6", "60")
    msg = only_problem(project)
    assert "line 3 (sample P1-T0), column 'purity': 60.0 is out of range" in msg
    assert "between 0 and 1" in msg


@bad_input("fastq-not-gz-name")
def test_fastq_path_without_gz_suffix(project):
    project.edit("units.tsv", "reads/P1-N.R1.fastq.gz", "reads/P1-N.R1.fastq")
    msg = one_problem_with(project, "units.tsv, line 2 (sample P1-N), column 'fq1'")
    assert "'reads/P1-N.R1.fastq' is not valid: Read-1 FASTQ, gzip-compressed" in msg


@bad_input("id-with-space")
def test_sample_id_with_space(project):
    project.edit("samples.tsv", "P1\tP1-T1\t", "P1\tP1 T1\t")
    msg = one_problem_with(project, "samples.tsv, line 4 (sample P1 T1), column 'sample_id'")
    assert "'P1 T1' is not a valid identifier" in msg and "no spaces" in msg


@bad_input("id-with-shell-characters")
@pytest.mark.parametrize("bad", ["P1;rm", "$(touch x)", "P1`id`", "P1'T1", 'P1"T1', "P1|T1"])
def test_sample_id_with_shell_characters(project, bad):
    project.edit("samples.tsv", "P1\tP1-T1\t", f"P1\t{bad}\t")
    project.edit("units.tsv", "P1-T1\tL1", f"{bad}\tL1")
    found = problems(project)
    for sheet, line in (("samples.tsv", 4), ("units.tsv", 4)):
        assert any(
            f"{sheet}, line {line} (sample {bad}), column 'sample_id': '{bad}' is not a valid "
            "identifier" in p
            for p in found
        ), found


@bad_input("id-with-path")
@pytest.mark.parametrize("bad", ["../P1", "P1/T1", "P1.T1", "/tmp/P1"])
def test_ids_with_path_characters(project, bad):
    project.edit("samples.tsv", "P1\tP1-T1\t", f"{bad}\tP1-T1\t")
    project.edit("units.tsv", "P1-T1\tL1", f"P1-T1\t{bad}")
    found = problems(project)
    assert any(
        f"line 4 (sample P1-T1), column 'patient_id': '{bad}' is not a valid" in p for p in found
    )
    assert any(f"units.tsv, line 4 (sample P1-T1), column 'unit_id': '{bad}'" in p for p in found)


@bad_input("id-non-ascii")
def test_id_with_non_ascii_letters(project):
    project.edit("samples.tsv", "P1\tP1-T1\t", "P1\tP1-Tö\t")
    project.edit("units.tsv", "P1-T1\tL1", "P1-Tö\tL1")
    msg = one_problem_with(project, "samples.tsv, line 4 (sample P1-Tö), column 'sample_id'")
    assert "'P1-Tö' is not a valid identifier: use ASCII letters" in msg


def clean_values(project):
    sheets = load_sheets(project.config, SCHEMAS)
    return sheets.samples, sheets.units, sheets.treatments


@bad_input("windows-line-endings")
def test_windows_line_endings_read_as_the_clean_sheet(project):
    clean = clean_values(project)
    for sheet in ("samples.tsv", "units.tsv", "treatments.tsv"):
        path = project.root / sheet
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert clean_values(project) == clean


@bad_input("byte-order-mark")
def test_sheet_saved_with_a_byte_order_mark_reads_as_the_clean_sheet(project):
    clean = clean_values(project)
    for sheet in ("samples.tsv", "units.tsv", "treatments.tsv"):
        path = project.root / sheet
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    assert clean_values(project) == clean


def test_quoted_cells_as_spreadsheets_write_them(project):
    clean = clean_values(project)
    project.edit("samples.tsv", "\trelapse on drug A\t", '\t"relapse on drug A"\t')
    assert clean_values(project) == clean


@bad_input("not-utf8")
def test_sheet_in_another_encoding_is_named_with_its_line(project):
    path = project.root / "samples.tsv"
    path.write_bytes(
        path.read_bytes().replace(b"relapse on", "rechute apr\u00e8s".encode("latin-1"))
    )
    msg = only_problem(project)
    assert msg.startswith(f"{path}, line 4: byte 0xe8 is not UTF-8 text; save the sheet as UTF-8")


def test_utf16_sheet_is_named(project):
    path = project.root / "samples.tsv"
    path.write_bytes(path.read_text().encode("utf-16"))
    assert "the sheet is UTF-16 text" in only_problem(project)


@bad_input("several-problems")
def test_all_problems_reported_at_once(project):
    project.edit("samples.tsv", "tumor\t100\t", "tumor\tx\t")
    project.edit("treatments.tsv", "\tPR", "\tgood")
    found = problems(project)
    assert len(found) == 2, found
    assert "samples.tsv, line 4 (sample P1-T1), column 'day'" in found[0]
    assert "treatments.tsv, line 2, column 'best_response': 'good' is not allowed" in found[1]


def test_a_job_process_gets_the_same_sheets_without_validating(project):
    """validate=False (a cluster or sub-process job re-parsing the workflow): the values the
    main process's validated sheets give, on the demo's sheets and on dated sheets with a
    lab's own column (typed cells, blank cells absent, dates as days, resolved unit paths)."""
    demo = {**project.config, **{s: f"{REPO}/config/demo/{s}.tsv" for s in SHEET_NAMES}}
    main = load_sheets(demo, SCHEMAS, check_files=False)
    assert load_sheets(demo, SCHEMAS, check_files=False, validate=False) == main
    project.write("samples.tsv", DATED_SAMPLES)
    project.edit("treatments.tsv", "\t10\t90\t", "\t2024-01-21\t2024-04-10\t")
    project.edit("treatments.tsv", "\t110\t", "\t2024-04-30\t")
    main = load_sheets(project.config, SCHEMAS, check_files=False)
    job = load_sheets(project.config, SCHEMAS, check_files=False, validate=False)
    assert job == main and job.samples[2]["day"] == 100 and job.samples[1]["purity"] == 0.6
    assert job.sample_own["P1-N"] == {"mrn": "M-17"} and job.treatments[1]["start_day"] == 110


def test_a_job_process_skips_the_checks_the_main_process_made(project):
    """What only validation finds (a value the schema refuses, lines that overlap) stops the
    main process and is not looked for again in a job; a cell that cannot be typed still is."""
    project.edit("samples.tsv", "\t0.6\n", "\t1.6\n")  # purity above the schema's maximum 1
    assert "column 'purity': 1.6 is out of range" in only_problem(project, check_files=False)
    assert problems(project, check_files=False, validate=False) == []
    project.edit("samples.tsv", "\t1.6\n", "\t0.6\n")
    project.edit("treatments.tsv", "drug B\t110", "drug B\t50")  # starts before line 1 ends
    assert "lines must not overlap" in only_problem(project, check_files=False)
    assert problems(project, check_files=False, validate=False) == []
    project.edit("samples.tsv", "\t0.6\n", "\tsixty\n")
    assert problems(project, check_files=False, validate=False) == [
        f"{project.root}/samples.tsv, line 3 (sample P1-T0), column 'purity': "
        "'sixty' is not a number"
    ]
