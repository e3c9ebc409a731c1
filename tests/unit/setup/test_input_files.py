"""The parse-time file checks (resistance_timeline.setup.input_files), through load_sheets
as the workflow runs them: missing, unreadable or truncated inputs, contig-name mismatches
between the reference, targets, annotation and BAM units, and the per-file memory of findings."""

import gzip

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


def test_fastq_missing_is_named_with_row(project):
    (project.root / "reads" / "P1-T0.R2.fastq.gz").unlink()
    msg = only_problem(project)
    assert "units.tsv, line 3 (sample P1-T0), column 'fq2': file not found" in msg
    assert "P1-T0.R2.fastq.gz" in msg


def test_fastq_not_gzip(project):
    (project.root / "reads" / "P1-T0.R1.fastq.gz").write_text("@r\nACGT\n+\nIIII\n")
    msg = only_problem(project)
    assert "line 3 (sample P1-T0), column 'fq1'" in msg and "not gzip-compressed" in msg


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
    project.write(
        "units.tsv",
        (project.root / "units.tsv")
        .read_text()
        .replace("reads/P1-N.R1.fastq.gz\treads/P1-N.R2.fastq.gz\t", "\t\treads/P1-N.bam"),
    )
    msg = only_problem(project)
    assert "line 2 (sample P1-N), column 'bam'" in msg and "length 999" in msg


def test_truncated_gzip_is_named(project):
    path = project.root / "reads" / "P1-N.R1.fastq.gz"
    data = gzip.compress(b"@r\nACGTACGTAC\n+\nIIIIIIIIII\n" * 500)
    path.write_bytes(data[: len(data) // 2])
    msg = only_problem(project)
    assert "units.tsv, line 2 (sample P1-N), column 'fq1'" in msg and "truncated" in msg


def test_truncated_bgzf_is_named_whatever_its_size(project, monkeypatch):
    import subprocess

    from resistance_timeline.setup import input_files

    monkeypatch.setattr(input_files, "FULL_GZIP_CHECK_BYTES", 0)  # as if the file were huge
    path = project.root / "reads" / "P1-T0.R2.fastq.gz"
    plain = project.root / "reads" / "plain.fastq"
    plain.write_text("@r\nACGT\n+\nIIII\n" * 2000)
    subprocess.run(["bgzip", "-f", str(plain)], check=True)
    data = (project.root / "reads" / "plain.fastq.gz").read_bytes()
    path.write_bytes(data[:-28])  # drop the EOF block
    msg = only_problem(project)
    assert "line 3 (sample P1-T0), column 'fq2'" in msg and "BGZF end-of-file block" in msg


def test_fasta_lengths_without_fai_match_samtools(tmp_path, monkeypatch):
    import subprocess

    from resistance_timeline.setup import input_files

    fasta = tmp_path / "g.fa"
    fasta.write_text(">c1 desc\nACGT\nAC\n>c2\n" + "G" * 70 + "\nTT\n>c4\nA")
    monkeypatch.setattr(input_files, "FASTA_BLOCK_BYTES", 7)  # headers across block borders
    expected = {"c1": 6, "c2": 72, "c4": 1}
    assert input_files.fasta_contigs(str(fasta)) == expected
    subprocess.run(["samtools", "faidx", str(fasta)], check=True)
    assert input_files.fasta_contigs(str(fasta)) == expected  # now from the .fai


def test_file_facts_remembered_until_the_file_changes(tmp_path):
    import os

    from resistance_timeline.setup.input_files import FileFacts

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
    assert "line 2 (sample P1-N), column 'fq1'" in str(error.value) and "truncated" in str(
        error.value
    )
