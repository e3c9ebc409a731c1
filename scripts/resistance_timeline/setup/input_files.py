"""Checks of the input files named by the sheets and the configuration, run when the workflow
is parsed: FASTQs present, readable and whole (gzip), BAM/CRAM units on the reference, and the
reference, targets and annotation sharing contig names. Each problem names the sheet row or
config key and says what to do."""

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
    """Every FASTQ/BAM exists and is readable; FASTQs start as gzip; BAM/CRAM magic bytes."""
    facts = facts or FileFacts()
    problems = []
    for row in units:
        for column in ("fq1", "fq2", "bam"):
            path = row.values.get(column)
            if not path:
                continue
            if not os.path.isfile(path):
                problems.append(f"{row.where(column)}: file not found: {path}")
                continue
            if not os.access(path, os.R_OK):
                problems.append(f"{row.where(column)}: file is not readable: {path}")
                continue
            with open(path, "rb") as handle:
                magic = handle.read(4)
            if column != "bam" and magic[:2] != b"\x1f\x8b":
                problems.append(
                    f"{row.where(column)}: {path} is not gzip-compressed (FASTQs must be .gz)"
                )
            elif column != "bam":
                damage = facts.get(f"gzip<={FULL_GZIP_CHECK_BYTES}", path, gzip_damage)
                if damage:
                    problems.append(f"{row.where(column)}: {path} {damage}")
            elif column == "bam" and magic[:2] != b"\x1f\x8b" and magic != b"CRAM":
                problems.append(f"{row.where(column)}: {path} is neither a BAM nor a CRAM file")
    return problems


# Files up to this size are decompressed completely when the sheets are read; larger ones are
# tested by the trim_reads job (gzip -t), which reads them anyway.
FULL_GZIP_CHECK_BYTES = 16 * 2**20
BGZF_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")


def gzip_damage(path):
    """Why a gzip FASTQ is unusable ('is truncated ...'), or None when it looks whole.

    Small files are decompressed in full; a BGZF file of any size must end with the BGZF
    end-of-file block. Larger plain-gzip files are left to the trim_reads job.
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


FASTA_BLOCK_BYTES = 1 << 24


def fasta_contigs(fasta):
    """Contig name → length from the FASTA's .fai, or by scanning the FASTA when there is none
    (in 16 MiB binary blocks: about 1 s per GB uncompressed, five times a line-by-line read)."""
    fai = fasta + ".fai"
    if os.path.isfile(fai):
        contigs = {}
        with open(fai) as handle:
            for line in handle:
                name, length = line.split("\t")[:2]
                contigs[name] = int(length)
        return contigs
    opener = gzip.open if fasta.endswith(".gz") else open
    with opener(fasta, "rb") as handle:
        return _scan_fasta(handle)


def _scan_fasta(handle):
    """Contig lengths of a FASTA read from a binary handle, in blocks of whole lines."""
    contigs, name, rest = {}, None, b""
    while True:
        chunk = handle.read(FASTA_BLOCK_BYTES)
        block = rest + chunk
        if chunk:  # keep a partial last line for the next block
            cut = block.rfind(b"\n") + 1
            block, rest = block[:cut], block[cut:]
        start = 0
        header = 0 if block.startswith(b">") else _next_header(block, 0)
        while header >= 0:
            if name is not None:
                contigs[name] += _bases(block, start, header)
            line_end = block.find(b"\n", header)
            line_end = len(block) if line_end < 0 else line_end
            words = block[header + 1 : line_end].split(None, 1)
            name = words[0].decode() if words else ""
            contigs[name] = 0
            start = line_end + 1
            header = _next_header(block, start)
        if name is not None:
            contigs[name] += _bases(block, start, len(block))
        if not chunk:
            return contigs


def _next_header(block, start):
    """Offset of the next '>' that starts a line at or after ``start`` (which starts a line),
    or -1."""
    if block.startswith(b">", start):
        return start
    found = block.find(b"\n>", start)
    return found + 1 if found >= 0 else -1


def _bases(block, start, end):
    """Sequence characters in block[start:end] (line ends not counted; counted in place)."""
    ends = block.count(b"\n", start, end)
    if b"\r" in block:  # Windows line ends
        ends += block.count(b"\r", start, end)
    return end - start - ends


def _feature_contigs(path):
    """Contig names in column 1 of a BED, GFF3 or GTF file (comments and track lines skipped)."""
    opener = gzip.open if path.endswith(".gz") else open
    names = {}
    with opener(path, "rt") as handle:
        for number, line in enumerate(handle, start=1):
            if line.startswith(("#", "track", "browser")) or not line.strip():
                continue
            names.setdefault(line.split("\t", 1)[0], number)
    return names


def _naming_hint(missing, known):
    """Suggest the fix when contigs differ only by a 'chr' prefix (chr2 vs 2)."""
    flipped = {m[3:] if m.startswith("chr") else "chr" + m for m in missing}
    if flipped & set(known):
        return (
            " — the names differ by a 'chr' prefix (e.g. 'chr2' vs '2'): rename the contigs "
            "of one file so that both use the same convention"
        )
    return ""


def check_reference(reference, units, facts=None, config_name="config.yaml"):
    """Reference files exist; targets, annotation and BAM units name only FASTA contigs.
    Files left out (None) are not checked: the assays that need them are (sheets)."""
    facts = facts or FileFacts()
    problems = []
    for key in ("fasta", "gff3", "gtf", "targets"):
        path = reference.get(key)
        if path and not os.path.isfile(path):
            problems.append(f"{config_name}, key 'reference: {key}': file not found: {path}")
    fasta = reference.get("fasta")
    if problems or not fasta:
        return problems
    contigs = facts.get("fasta_contigs", fasta, fasta_contigs)
    for key in ("targets", "gff3", "gtf"):
        path = reference.get(key)
        if not path:
            continue
        found = facts.get("feature_contigs", path, _feature_contigs)
        missing = [c for c in found if c not in contigs]
        if missing:
            shown = ", ".join(f"'{c}' (line {found[c]})" for c in missing[:5])
            problems.append(
                f"{path} (reference: {key}): contigs not in the reference FASTA {fasta}: "
                f"{shown}{_naming_hint(missing, contigs)}"
            )
    for row in units:
        bam = row.values.get("bam")
        if bam and os.path.isfile(bam):
            problems.extend(_check_bam_contigs(row, bam, contigs, fasta))
    return problems


def _check_bam_contigs(row, bam, contigs, fasta):
    """A BAM/CRAM unit's @SQ lines must match the reference in names and lengths."""
    import pysam

    try:
        with pysam.AlignmentFile(bam, reference_filename=fasta) as handle:
            header = dict(zip(handle.references, handle.lengths))
    except (ValueError, OSError) as error:
        return [f"{row.where('bam')}: cannot read {bam}: {error}"]
    missing = [c for c in header if c not in contigs]
    if missing:
        return [
            f"{row.where('bam')}: {bam} is aligned to contigs not in the reference "
            f"({', '.join(missing[:5])}){_naming_hint(missing, contigs)}"
        ]
    differ = [c for c in header if header[c] != contigs[c]]
    if differ:
        c = differ[0]
        return [
            f"{row.where('bam')}: {bam} has contig {c} of length {header[c]} but the reference "
            f"has {contigs[c]}: it was aligned to another assembly; realign from FASTQ"
        ]
    return []
