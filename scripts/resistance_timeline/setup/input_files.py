"""Checks of the unit files named by units.tsv, run when the workflow is parsed: FASTQs present,
readable, not empty, gzip, FASTQ and whole; BAM/CRAM units present and of their format; no
file given twice. What the checks read is remembered per file (``FileFacts``). Each problem
names the sheet row and column and says what to do. The reference files are checked in
``reference_files``; what only the data shows (mates out of step) by the check_read_pairs job
(``io.read_pairs``)."""

import gzip
import json
import os
import zlib


class FileFacts:
    """What the checks learnt from reading a file (gzip integrity, contig names), remembered
    between runs in one JSON file and keyed by path, size and modification time: every
    snakemake call parses the workflow, and only files that changed are read again.
    ``FileFacts(None)`` remembers nothing."""

    def __init__(self, store=None):
        self.store, self.facts, self.changed = store, {}, False
        if store and os.path.isfile(store):
            try:
                with open(store) as handle:
                    self.facts = json.load(handle)
            except (OSError, ValueError):
                self.facts = {}  # unreadable: start again

    def get(self, kind, path, compute):
        """``compute(path)``, or what it returned for this very file before."""
        if not self.store:
            return compute(path)
        stat = os.stat(path)
        entry = f"{kind}\t{os.path.abspath(path)}"
        stamp = [stat.st_size, stat.st_mtime_ns]
        known = self.facts.get(entry)
        if known and known[0] == stamp:
            return known[1]
        value = compute(path)
        self.facts[entry] = [stamp, value]
        self.changed = True
        return value

    def save(self):
        """Write the store (atomically) when anything new was learnt."""
        if not (self.store and self.changed):
            return
        os.makedirs(os.path.dirname(self.store) or ".", exist_ok=True)
        partial = f"{self.store}.{os.getpid()}.tmp"
        with open(partial, "w") as handle:
            json.dump(self.facts, handle)
        os.replace(partial, self.store)


def check_unit_files(units, facts=None):
    """Every FASTQ/BAM exists, is readable and not empty; FASTQs are gzip, start with a FASTQ
    record and are whole; BAM/CRAM magic bytes; fq1 and fq2 differ, and no FASTQ is given
    twice.
    """
    facts = facts or FileFacts()
    problems, seen = [], {}
    for row in units:
        for column in ("fq1", "fq2", "bam"):
            path = row.values.get(column)
            if not path:
                continue
            real = os.path.realpath(path)
            if column != "bam" and real in seen:  # a BAM may serve two samples (a swap test)
                problems.append(
                    f"{row.where(column)}: {path} is already given on {seen[real]}; every "
                    "unit needs its own FASTQs (fq1 and fq2 are the two mates of one run)"
                )
                continue
            seen[real] = f"line {row.line}, column '{column}'"
            problem = _file_problem(path, column, facts)
            if problem:
                problems.append(f"{row.where(column)}: {problem}")
    return problems


def _file_problem(path, column, facts):
    """Why one unit file cannot be used, or None."""
    if os.path.isdir(path):
        return f"{path} is a folder, not a file"
    if not os.path.isfile(path):
        return f"file not found: {path}"
    try:
        with open(path, "rb") as handle:
            magic = handle.read(4)
    except OSError as error:
        return f"file is not readable ({error.strerror}): {path}"
    if not magic:
        return f"{path} is empty (0 bytes); re-copy it from its source"
    if column == "bam":
        if magic[:2] != b"\x1f\x8b" and magic != b"CRAM":
            return f"{path} is neither a BAM nor a CRAM file"
        return None
    if magic[:2] != b"\x1f\x8b":
        return f"{path} is not gzip-compressed (FASTQs must be .gz: gzip or bgzip it)"
    return facts.get(f"fastq<={FULL_GZIP_CHECK_BYTES}", path, fastq_damage)


def fastq_damage(path):
    """Why a gzip FASTQ is unusable (truncated, no reads, not FASTQ), or None."""
    damage = gzip_damage(path)
    if damage:
        return f"{path} {damage}"
    try:
        with gzip.open(path, "rb") as handle:
            record = [handle.readline() for _ in range(4)]
    except (EOFError, OSError, zlib.error) as error:
        return f"{path} is truncated or corrupt ({error}); re-copy it from its source"
    if not record[0]:
        return f"{path} holds no reads (it decompresses to nothing)"
    if not record[0].startswith(b"@") or not record[2].startswith(b"+"):
        shown = record[0][:40].decode("utf-8", "replace").rstrip()
        return (
            f"{path} is not FASTQ: it starts with '{shown}' where a FASTQ record starts "
            "with '@name', then the bases, '+' and the qualities"
        )
    return None


# Files up to this size are decompressed completely when the sheets are read; larger ones are
# read in full by the check_read_pairs job (io.read_pairs), which names the damage.
FULL_GZIP_CHECK_BYTES = 16 * 2**20
BGZF_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")


def gzip_damage(path):
    """Why a gzip FASTQ is unusable ('is truncated ...'), or None when it looks whole.

    Small files are decompressed in full; a BGZF file of any size must end with the BGZF
    end-of-file block. Larger plain-gzip files are left to the check_read_pairs job.
    """
    size = os.path.getsize(path)
    with open(path, "rb") as handle:
        is_bgzf = handle.read(4) == BGZF_EOF[:4]
        if is_bgzf and size >= len(BGZF_EOF):
            handle.seek(size - len(BGZF_EOF))
            if handle.read() != BGZF_EOF:
                return "is truncated: the BGZF end-of-file block is missing"
    if size <= FULL_GZIP_CHECK_BYTES:
        try:
            with gzip.open(path, "rb") as handle:
                while handle.read(2**20):
                    pass
        except (EOFError, OSError, zlib.error) as error:
            return f"is truncated or corrupt ({error}); re-copy it from its source"
    return None


def first_read_length(fastq, reads=1000):
    """The longest of the first ``reads`` reads of a gzip FASTQ (0 if unreadable)."""
    longest = 0
    try:
        with gzip.open(fastq, "rt") as handle:
            for number, line in enumerate(handle):
                if number % 4 == 1:
                    longest = max(longest, len(line.rstrip("\n")))
                if number >= 4 * reads:
                    break
    except (OSError, EOFError, zlib.error):
        return 0
    return longest
