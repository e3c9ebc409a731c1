"""The mates of a unit read side by side (resistance_timeline.io.read_pairs): counted when
they agree; damage, different lengths and names out of step named with the file and read."""

import gzip

import pytest
from setup_support import bad_input

from resistance_timeline.io.read_pairs import ReadPairError, count_pairs, fragment


def fastq(path, names, mate=1):
    with gzip.open(path, "wt") as handle:
        for name in names:
            handle.write(f"@{name} {mate}:N:0:ACGT\nACGTACGT\n+\nIIIIIIII\n")
    return str(path)


def test_mates_in_step_are_counted(tmp_path):
    names = [f"A1:1:{i}" for i in range(50)]
    assert (
        count_pairs(fastq(tmp_path / "r1.fq.gz", names), fastq(tmp_path / "r2.fq.gz", names, 2))
        == 50
    )


def test_fragment_names_as_illumina_writes_them():
    assert fragment(b"@A1:2:3 1:N:0:ACGT\n") == b"A1:2:3"
    assert fragment(b"@A1:2:3/2\n") == b"A1:2:3"
    assert fragment(b"@\n") == b""


@bad_input("read-count-mismatch")
def test_mates_of_different_lengths(tmp_path):
    names = [f"r{i}" for i in range(10)]
    r1 = fastq(tmp_path / "r1.fq.gz", names)
    r2 = fastq(tmp_path / "r2.fq.gz", names[:7], 2)
    with pytest.raises(ReadPairError) as error:
        count_pairs(r1, r2)
    assert str(error.value) == (
        f"{r2} ends after 7 reads but {r1} has 10: the two files of a unit must hold the same "
        "reads in the same order (a file may be truncated, or they are not mates)"
    )


@bad_input("read-name-mismatch")
def test_mates_out_of_step(tmp_path):
    names = [f"r{i}" for i in range(10)]
    r1 = fastq(tmp_path / "r1.fq.gz", names)
    r2 = fastq(tmp_path / "r2.fq.gz", names[:4] + names[5:] + ["r4"], 2)
    with pytest.raises(ReadPairError) as error:
        count_pairs(r1, r2)
    assert str(error.value).startswith(f"read 5 (line 17) is 'r4' in {r1} but 'r5' in {r2}")


def test_truncated_mate_found_in_the_job(tmp_path):
    names = [f"r{i}" for i in range(2000)]
    r1 = fastq(tmp_path / "r1.fq.gz", names)
    r2 = tmp_path / "r2.fq.gz"
    data = gzip.compress("".join(f"@{n}\nACGT\n+\nIIII\n" for n in names).encode())
    r2.write_bytes(data[: len(data) - 100])
    with pytest.raises(ReadPairError) as error:
        count_pairs(r1, str(r2))
    assert str(error.value).startswith(f"{r2} is not a valid gzip file (truncated or corrupt")


def test_no_reads_at_all(tmp_path):
    r1, r2 = fastq(tmp_path / "r1.fq.gz", []), fastq(tmp_path / "r2.fq.gz", [])
    with pytest.raises(ReadPairError, match="hold no reads"):
        count_pairs(r1, r2)
