"""The parse-time checks of the unit files (resistance_timeline.setup.input_files), through
load_sheets as the workflow runs them: missing, unreadable, empty, non-gzip, non-FASTQ or
truncated FASTQs, files given twice, and the per-file memory of findings."""

import gzip
import os
import subprocess

import pytest
from setup_support import SCHEMAS, bad_input, only_problem

from resistance_timeline.setup import input_files
from resistance_timeline.setup.sheets import SheetError, load_sheets


@bad_input("fastq-missing")
def test_fastq_missing_is_named_with_row(project):
    (project.root / "reads" / "P1-T0.R2.fastq.gz").unlink()
    msg = only_problem(project)
    assert "units.tsv, line 3 (sample P1-T0), column 'fq2': file not found" in msg
    assert "P1-T0.R2.fastq.gz" in msg


@bad_input("fastq-unreadable")
def test_fastq_unreadable(project, monkeypatch):
    path = project.root / "reads" / "P1-T0.R1.fastq.gz"
    path.chmod(0)
    if os.access(path, os.R_OK):  # root reads anything: make open() fail as it would
        real_open = open

        def refuse(file, *args, **kwargs):
            if str(file) == str(path):
                raise PermissionError(13, "Permission denied")
            return real_open(file, *args, **kwargs)

        monkeypatch.setattr(input_files, "open", refuse, raising=False)
    msg = only_problem(project)
    path.chmod(0o644)
    assert msg.endswith(
        f"units.tsv, line 3 (sample P1-T0), column 'fq1': file is not readable "
        f"(Permission denied): {path}"
    )


@bad_input("fastq-is-folder")
def test_fastq_path_is_a_folder(project):
    path = project.root / "reads" / "P1-T0.R1.fastq.gz"
    path.unlink()
    path.mkdir()
    assert f"column 'fq1': {path} is a folder, not a file" in only_problem(project)


@bad_input("fastq-empty")
@pytest.mark.parametrize("content", [b"", gzip.compress(b"")], ids=["0-bytes", "empty-gzip"])
def test_empty_fastq(project, content):
    path = project.root / "reads" / "P1-T1.R2.fastq.gz"
    path.write_bytes(content)
    msg = only_problem(project)
    assert msg.startswith(f"{project.root}/units.tsv, line 4 (sample P1-T1), column 'fq2': {path}")
    assert ("is empty (0 bytes)" if not content else "holds no reads") in msg


@bad_input("fastq-not-gzip")
def test_fastq_not_gzip(project):
    (project.root / "reads" / "P1-T0.R1.fastq.gz").write_text("@r\nACGT\n+\nIIII\n")
    msg = only_problem(project)
    assert "line 3 (sample P1-T0), column 'fq1'" in msg and "is not gzip-compressed" in msg


@bad_input("fastq-not-fastq")
def test_gzip_that_is_not_fastq(project):
    path = project.root / "reads" / "P1-T0.R1.fastq.gz"
    path.write_bytes(gzip.compress(b">chr1\nACGTACGT\n>chr2\nACGT\n"))
    msg = only_problem(project)
    assert f"column 'fq1': {path} is not FASTQ: it starts with '>chr1'" in msg


@bad_input("fastq-truncated")
def test_truncated_gzip_is_named(project):
    path = project.root / "reads" / "P1-N.R1.fastq.gz"
    data = gzip.compress(b"@r\nACGTACGTAC\n+\nIIIIIIIIII\n" * 500)
    path.write_bytes(data[: len(data) // 2])
    msg = only_problem(project)
    assert "units.tsv, line 2 (sample P1-N), column 'fq1'" in msg and "truncated" in msg


@bad_input("fastq-truncated-bgzf")
def test_truncated_bgzf_is_named_whatever_its_size(project, monkeypatch):
    monkeypatch.setattr(input_files, "FULL_GZIP_CHECK_BYTES", 0)  # as if the file were huge
    path = project.root / "reads" / "P1-T0.R2.fastq.gz"
    plain = project.root / "reads" / "plain.fastq"
    plain.write_text("@r\nACGT\n+\nIIII\n" * 2000)
    subprocess.run(["bgzip", "-f", str(plain)], check=True)
    data = (project.root / "reads" / "plain.fastq.gz").read_bytes()
    path.write_bytes(data[:-28])  # drop the EOF block
    msg = only_problem(project)
    assert "line 3 (sample P1-T0), column 'fq2'" in msg and "BGZF end-of-file block" in msg


@bad_input("fq1-equals-fq2")
def test_same_file_as_both_mates(project):
    project.edit("units.tsv", "reads/P1-T0.R2.fastq.gz", "reads/P1-T0.R1.fastq.gz")
    msg = only_problem(project)
    assert "units.tsv, line 3 (sample P1-T0), column 'fq2': " in msg
    assert "P1-T0.R1.fastq.gz is already given on line 3, column 'fq1'" in msg


@bad_input("fastq-given-twice")
def test_same_fastq_for_two_samples(project):
    project.edit("units.tsv", "reads/P1-T1.R1.fastq.gz", "reads/P1-T0.R1.fastq.gz")
    msg = only_problem(project)
    assert "units.tsv, line 4 (sample P1-T1), column 'fq1': " in msg
    assert "is already given on line 3, column 'fq1'; every unit needs its own FASTQs" in msg


def test_file_facts_remembered_until_the_file_changes(tmp_path):
    data = tmp_path / "a.txt"
    data.write_text("one")
    store = tmp_path / "cache" / "facts.json"
    calls = []

    def compute(path):
        calls.append(path)
        return open(path).read()

    facts = input_files.FileFacts(str(store))
    assert facts.get("k", str(data), compute) == "one"
    facts.save()
    again = input_files.FileFacts(str(store))  # a later run
    assert again.get("k", str(data), compute) == "one" and len(calls) == 1
    data.write_text("two!")  # changed size and mtime
    os.utime(data, ns=(1, 1))
    assert again.get("k", str(data), compute) == "two!" and len(calls) == 2
    assert input_files.FileFacts(None).get("k", str(data), compute) == "two!" and len(calls) == 3


def test_truncated_fastq_found_after_an_earlier_clean_check(project):
    """A FASTQ remembered as whole and then damaged is checked again, not trusted."""
    store = project.root / "facts.json"
    load_sheets(project.config, SCHEMAS, facts_store=str(store))
    path = project.root / "reads" / "P1-N.R1.fastq.gz"
    data = gzip.compress(b"@r\nACGTACGTAC\n+\nIIIIIIIIII\n" * 500)
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(SheetError) as error:
        load_sheets(project.config, SCHEMAS, facts_store=str(store))
    assert "line 2 (sample P1-N), column 'fq1'" in str(error.value)
    assert "truncated" in str(error.value)
