"""Every sheet rule of config/README.md, fed a broken sheet: the message must name the sheet,
the line (or sample) and the column, and say what would be valid."""

import pytest

from helpers import REPO
from resistance_timeline.setup.sheets import SheetError, load_sheets

SCHEMAS = str(REPO / "config" / "schemas")


def problems(project, check_files=True):
    """The list of problems load_sheets reports for the project (empty when it is valid)."""
    try:
        load_sheets(project.config, SCHEMAS, check_files=check_files)
    except SheetError as error:
        return error.problems
    return []


def only_problem(project):
    found = problems(project)
    assert len(found) == 1, found
    return found[0]


def test_valid_project_passes_and_resolves_paths(project):
    sheets = load_sheets(project.config, SCHEMAS)
    assert [s["sample_id"] for s in sheets.samples] == ["P1-N", "P1-T0", "P1-T1", "P1-R0"]
    assert sheets.samples[1]["day"] == 0 and sheets.samples[1]["purity"] == 0.6
    assert "purity" not in sheets.samples[0]  # blank cell = absent
    assert sheets.units[0]["fq1"] == str(project.root / "reads" / "P1-N.R1.fastq.gz")
    assert sheets.treatments[1].get("end_day") is None


def test_sample_id_with_space(project):
    project.edit("samples.tsv", "P1\tP1-T1\t", "P1\tP1 T1\t")
    found = problems(project)
    assert any(
        "samples.tsv, line 4 (sample P1 T1), column 'sample_id'" in p
        and "not a valid identifier" in p
        and "no spaces" in p
        for p in found
    ), found


@pytest.mark.parametrize("bad", ["P1/T1", "P1;rm", "P1.T1", "../P1"])
def test_sample_id_with_path_or_shell_characters(project, bad):
    project.edit("samples.tsv", "P1\tP1-T1\t", f"P1\t{bad}\t")
    project.edit("units.tsv", "P1-T1\tL1", f"{bad}\tL1")
    found = problems(project)
    assert any("column 'sample_id'" in p and "not a valid identifier" in p for p in found)


def test_day_not_integer(project):
    project.edit("samples.tsv", "tumor\t100\t", "tumor\tday100\t")
    msg = only_problem(project)
    assert "samples.tsv, line 4 (sample P1-T1), column 'day'" in msg
    assert "'day100' is not a whole number" in msg


def test_enum_lists_valid_values(project):
    project.edit("samples.tsv", "P1-T0\twes\ttumor", "P1-T0\twes\ttumour")
    msg = only_problem(project)
    assert "line 3 (sample P1-T0), column 'material'" in msg
    assert "use one of: normal | tumor | cfdna" in msg


def test_purity_out_of_range(project):
    project.edit("samples.tsv", "0.6", "60")
    msg = only_problem(project)
    assert "column 'purity'" in msg and "out of range" in msg


def test_unknown_column_is_named(project):
    project.edit("samples.tsv", "\tpurity\n", "\tpurty\n")
    msg = only_problem(project)
    assert "column 'purty': unknown column" in msg and "purity" in msg


def test_missing_required_column(project):
    project.write("treatments.tsv", "patient_id\tline\tdrug\tstart_day\nP1\t1\tx\t1\n")
    msg = only_problem(project)
    assert "treatments.tsv, line 1: required column 'best_response' is missing" in msg


def test_empty_required_cell(project):
    project.edit("samples.tsv", "\tdiagnosis\t0.6", "\t\t0.6")
    msg = only_problem(project)
    assert "line 3 (sample P1-T0), column 'timepoint': is empty but required" in msg


def test_comma_separated_sheet(project):
    project.write("samples.tsv", "patient_id,sample_id\nP1,P1-N\n")
    msg = problems(project)[0]
    assert "must be tab-separated" in msg


def test_wrong_number_of_cells(project):
    project.edit(
        "samples.tsv", "P1\tP1-N\twes\tnormal\t0\tblood\t", "P1\tP1-N\twes normal\t0\tblood"
    )
    msg = problems(project)[0]
    assert "line 2" in msg and "cells but the header has 7" in msg


def test_duplicate_sample_id(project):
    project.edit("samples.tsv", "P1-T1\twes", "P1-T0\twes")
    found = problems(project)
    assert any(
        "line 4 (sample P1-T0), column 'sample_id': sample id 'P1-T0' is already used on line 3"
        in p
        for p in found
    ), found


def test_unit_of_unknown_sample(project):
    project.edit("units.tsv", "P1-T1\tL1", "P1-T9\tL1")
    found = problems(project)
    assert any(
        "units.tsv, line 4 (sample P1-T9), column 'sample_id': sample 'P1-T9' is not in samples.tsv"
        in p
        for p in found
    ), found
    assert any("(sample P1-T1), column 'sample_id': sample 'P1-T1' has no unit" in p for p in found)


def test_duplicate_unit_id(project):
    text = (project.root / "units.tsv").read_text()
    project.write("units.tsv", text + text.splitlines()[1] + "\n")
    msg = only_problem(project)
    assert "units.tsv, line 6 (sample P1-N), column 'unit_id'" in msg and "already on line 2" in msg


def test_fastq_and_bam_both_given(project):
    project.edit("units.tsv", "P1-N.R2.fastq.gz\t", "P1-N.R2.fastq.gz\tx.bam")
    msg = only_problem(project)
    assert "line 2 (sample P1-N), column 'fq1/fq2/bam'" in msg and "not both" in msg


def test_missing_normal(project):
    project.edit("samples.tsv", "P1\tP1-N\twes\tnormal", "P1\tP1-N\twes\ttumor")
    found = problems(project)
    assert any("patient 'P1' has 0 WES normal samples" in p and "tumor_only" in p for p in found), (
        found
    )


def test_tumor_only_patient_accepted_without_normal(project):
    project.write(
        "samples.tsv",
        "\n".join(
            ln for ln in (project.root / "samples.tsv").read_text().splitlines() if "P1-N" not in ln
        )
        + "\n",
    )
    project.write(
        "units.tsv",
        "\n".join(
            ln for ln in (project.root / "units.tsv").read_text().splitlines() if "P1-N" not in ln
        )
        + "\n",
    )
    assert problems(project)  # without the config entry it is an error
    config = project.config
    config["tumor_only"] = ["P1"]
    load_sheets(config, SCHEMAS)


def test_two_samples_same_assay_material_day(project):
    project.edit("samples.tsv", "tumor\t100\t", "tumor\t0\t")
    msg = only_problem(project)
    assert "line 4 (sample P1-T1), column 'day'" in msg
    assert "already has a wes tumor sample on day 0 (line 3)" in msg


def test_treatment_line_duplicated_and_end_before_start(project):
    project.edit("treatments.tsv", "P1\t2\tdrug B\t110\t\tSD", "P1\t1\tdrug B\t110\t100\tSD")
    found = problems(project)
    assert len(found) == 2, found
    assert any(
        "treatments.tsv, line 3, column 'line': patient 'P1' already has line 1" in p for p in found
    )
    assert any("line 3, column 'end_day': end_day 100 is before start_day 110" in p for p in found)


def test_treatment_of_unknown_patient(project):
    project.edit("treatments.tsv", "P1\t2\t", "P9\t2\t")
    msg = only_problem(project)
    assert "treatments.tsv, line 3, column 'patient_id': patient 'P9' is not in samples.tsv" in msg


def test_all_problems_reported_at_once(project):
    project.edit("samples.tsv", "tumor\t100\t", "tumor\tx\t")
    project.edit("treatments.tsv", "\tPR", "\tgood")
    (project.root / "reads" / "P1-N.R1.fastq.gz").unlink()
    found = problems(project)
    # sheet-level errors first; file checks follow once the sheets parse
    assert any("column 'day'" in p for p in found) and any("best_response" in p for p in found)


def test_rna_sample_mixing_bam_and_fastq_units(project):
    text = (project.root / "units.tsv").read_text()
    project.write("units.tsv", text + "P1-R0\tL2\t\t\treads/P1-R0.bam\n")
    (project.root / "reads" / "P1-R0.bam").write_bytes(b"\x1f\x8b" + b"\0" * 30)
    project.write("ref/genome.fa.fai", "chr1\t200\t6\t200\t201\nchr2\t200\t213\t200\t201\n")
    found = problems(project)
    assert any(
        "units.tsv, line 6 (sample P1-R0), column 'bam': RNA sample 'P1-R0' has 2 units" in p
        for p in found
    ), found
