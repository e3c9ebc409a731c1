"""The mates of one sequencing unit read side by side (rule check_read_pairs, before
trimming): both files decompress to the end, hold the same number of reads, and name the same
fragment on every record. fastp does not check this: given an R2 with fewer reads it pairs
the first reads and drops the rest with a warning, and it never compares names, so mates out
of step would be aligned as pairs.

Names are compared as Illumina writes them: the text up to the first space, without a
trailing '/1' or '/2'.
"""

import gzip
import os
import zlib
from itertools import islice, zip_longest


class ReadPairError(Exception):
    """The unit's FASTQs are not usable as mates; the message says why and where."""


def _names(path):
    """The header line of every record of a gzip FASTQ; damage raised as ReadPairError."""
    try:
        with gzip.open(path, "rb") as handle:
            yield from islice(handle, 0, None, 4)
    except (EOFError, OSError, zlib.error) as error:
        raise ReadPairError(
            f"{path} is not a valid gzip file (truncated or corrupt: {error}); "
            "re-copy it from its source"
        ) from None


def fragment(header):
    """The fragment name of a FASTQ header line: '@A1:2:3 1:N:0' and '@A1:2:3/1' -> b'A1:2:3'."""
    name = header[1:].split(None, 1)[0] if header[1:].strip() else b""
    return name[:-2] if name[-2:] in (b"/1", b"/2") else name


def count_pairs(fq1, fq2):
    """The number of read pairs of two mate FASTQs; ReadPairError when they are damaged,
    empty, of different lengths, or out of step (the first record whose names differ). The
    messages name the files by absolute path (the sheets may give them relative)."""
    fq1, fq2 = os.path.abspath(fq1), os.path.abspath(fq2)
    pairs = 0
    for pairs, (h1, h2) in enumerate(zip_longest(_names(fq1), _names(fq2)), start=1):
        if h1 is None or h2 is None:
            longer, shorter = (fq2, fq1) if h1 is None else (fq1, fq2)
            total = sum(1 for _ in _names(longer))  # read again: only on this error
            raise ReadPairError(
                f"{shorter} ends after {pairs - 1} reads but {longer} has {total}: the two "
                "files of a unit must hold the same reads in the same order (a file may be "
                "truncated, or they are not mates)"
            )
        if not h1.startswith(b"@") or not h2.startswith(b"@"):
            bad = fq1 if not h1.startswith(b"@") else fq2
            raise ReadPairError(
                f"{bad}: record {pairs} (line {4 * pairs - 3}) does not start with '@': "
                "the file is not FASTQ, or a record has more or fewer than 4 lines"
            )
        if h1 != h2 and fragment(h1) != fragment(h2):
            raise ReadPairError(
                f"read {pairs} (line {4 * pairs - 3}) is '{fragment(h1).decode(errors='replace')}'"
                f" in {fq1} but '{fragment(h2).decode(errors='replace')}' in {fq2}: the files "
                "are not mates of one another, or their reads are in different orders"
            )
    if pairs == 0:
        raise ReadPairError(f"{fq1} and {fq2} hold no reads")
    return pairs
