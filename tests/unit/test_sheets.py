"""Every sheet rule of config/README.md, fed a broken sheet: the message must name the sheet,
the line (or sample) and the column, and say what would be valid."""

import gzip

import pytest
from conftest import REPO
from sheets import SheetError, load_sheets

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
    project.edit("samples.tsv", "P1\tP1-N\twes\tnormal\t0\tblood\t", "P1\tP1-N\twes normal\t0\tblood")
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


def test_fastq_missing_is_named_with_row(project):
    (project.root / "reads" / "P1-T0.R2.fastq.gz").unlink()
    msg = only_problem(project)
    assert "units.tsv, line 3 (sample P1-T0), column 'fq2': file not found" in msg
    assert "P1-T0.R2.fastq.gz" in msg


def test_fastq_not_gzip(project):
    (project.root / "reads" / "P1-T0.R1.fastq.gz").write_text("@r\nACGT\n+\nIIII\n")
    msg = only_problem(project)
    assert "line 3 (sample P1-T0), column 'fq1'" in msg and "not gzip-compressed" in msg


def test_missing_normal(project):
    project.edit("samples.tsv", "P1\tP1-N\twes\tnormal", "P1\tP1-N\twes\ttumor")
    found = problems(project)
    assert any(
        "patient 'P1' has 0 WES normal samples" in p and "tumor_only" in p for p in found
    ), found


def test_tumor_only_patient_accepted_without_normal(project):
    project.write("samples.tsv", "\n".join(
        ln for ln in (project.root / "samples.tsv").read_text().splitlines() if "P1-N" not in ln
    ) + "\n")
    project.write("units.tsv", "\n".join(
        ln for ln in (project.root / "units.tsv").read_text().splitlines() if "P1-N" not in ln
    ) + "\n")
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
    assert any("treatments.tsv, line 3, column 'line': patient 'P1' already has line 1" in p for p in found)
    assert any("line 3, column 'end_day': end_day 100 is before start_day 110" in p for p in found)


def test_treatment_of_unknown_patient(project):
    project.edit("treatments.tsv", "P1\t2\t", "P9\t2\t")
    msg = only_problem(project)
    assert "treatments.tsv, line 3, column 'patient_id': patient 'P9' is not in samples.tsv" in msg


def test_contig_naming_mismatch_hints_chr_prefix(project):
    project.write("ref/targets.bed", "1\t10\t100\tGENEA\n")
    msg = only_problem(project)
    assert "targets.bed (reference: targets)" in msg and "'1' (line 1)" in msg
    assert "'chr' prefix" in msg


def test_bam_unit_on_other_assembly(project):
    pysam = pytest.importorskip("pysam")
    header = {"HD": {"VN": "1.6"}, "SQ": [{"SN": "chr1", "LN": 999}, {"SN": "chr2", "LN": 200}]}
    bam = project.root / "reads" / "P1-N.bam"
    with pysam.AlignmentFile(str(bam), "wb", header=header):
        pass
    project.write("units.tsv", (project.root / "units.tsv").read_text().replace(
        "reads/P1-N.R1.fastq.gz\treads/P1-N.R2.fastq.gz\t", "\t\treads/P1-N.bam"
    ))
    msg = only_problem(project)
    assert "line 2 (sample P1-N), column 'bam'" in msg and "length 999" in msg


def test_all_problems_reported_at_once(project):
    project.edit("samples.tsv", "tumor\t100\t", "tumor\tx\t")
    project.edit("treatments.tsv", "\tPR", "\tgood")
    (project.root / "reads" / "P1-N.R1.fastq.gz").unlink()
    found = problems(project)
    # sheet-level errors first; file checks follow once the sheets parse
    assert any("column 'day'" in p for p in found) and any("best_response" in p for p in found)


def test_truncated_gzip_is_named(project):
    path = project.root / "reads" / "P1-N.R1.fastq.gz"
    data = gzip.compress(b"@r\nACGTACGTAC\n+\nIIIIIIIIII\n" * 500)
    path.write_bytes(data[: len(data) // 2])
    msg = only_problem(project)
    assert "units.tsv, line 2 (sample P1-N), column 'fq1'" in msg and "truncated" in msg


def test_truncated_bgzf_is_named_whatever_its_size(project, monkeypatch):
    import input_files
    import subprocess

    monkeypatch.setattr(input_files, "FULL_GZIP_CHECK_BYTES", 0)  # as if the file were huge
    path = project.root / "reads" / "P1-T0.R2.fastq.gz"
    plain = project.root / "reads" / "plain.fastq"
    plain.write_text("@r\nACGT\n+\nIIII\n" * 2000)
    subprocess.run(["bgzip", "-f", str(plain)], check=True)
    data = (project.root / "reads" / "plain.fastq.gz").read_bytes()
    path.write_bytes(data[:-28])  # drop the EOF block
    msg = only_problem(project)
    assert "line 3 (sample P1-T0), column 'fq2'" in msg and "BGZF end-of-file block" in msg


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


def test_fasta_lengths_without_fai_match_samtools(tmp_path, monkeypatch):
    import subprocess

    import input_files

    fasta = tmp_path / "g.fa"
    fasta.write_text(">c1 desc\nACGT\nAC\n>c2\n" + "G" * 70 + "\nTT\n>c4\nA")
    monkeypatch.setattr(input_files, "FASTA_BLOCK_BYTES", 7)  # headers across block borders
    expected = {"c1": 6, "c2": 72, "c4": 1}
    assert input_files.fasta_contigs(str(fasta)) == expected
    subprocess.run(["samtools", "faidx", str(fasta)], check=True)
    assert input_files.fasta_contigs(str(fasta)) == expected  # now from the .fai


def test_file_facts_remembered_until_the_file_changes(tmp_path):
    import os

    from input_files import FileFacts

    data = tmp_path / "a.txt"
    data.write_text("one")
    store = tmp_path / "cache" / "facts.json"
    calls = []

    def compute(path):
        calls.append(path)
        return open(path).read()

    facts = FileFacts(str(store))
    assert facts.get("k", str(data), compute) == "one"
    facts.save()
    again = FileFacts(str(store))  # a later run
    assert again.get("k", str(data), compute) == "one" and len(calls) == 1
    data.write_text("two!")  # changed size and mtime
    os.utime(data, ns=(1, 1))
    assert again.get("k", str(data), compute) == "two!" and len(calls) == 2
    assert FileFacts(None).get("k", str(data), compute) == "two!" and len(calls) == 3


def test_truncated_fastq_found_after_an_earlier_clean_check(project):
    """A FASTQ remembered as whole and then damaged is checked again, not trusted."""
    store = project.root / "facts.json"
    load_sheets(project.config, SCHEMAS, facts_store=str(store))
    path = project.root / "reads" / "P1-N.R1.fastq.gz"
    data = gzip.compress(b"@r\nACGTACGTAC\n+\nIIIIIIIIII\n" * 500)
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(SheetError) as error:
        load_sheets(project.config, SCHEMAS, facts_store=str(store))
    assert "line 2 (sample P1-N), column 'fq1'" in str(error.value) and "truncated" in str(error.value)
