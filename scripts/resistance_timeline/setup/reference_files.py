"""Checks of the reference files named in the configuration, run when the workflow is parsed:
the FASTA's contigs, the targets BED, the GFF3 and GTF (format, feature types, contig names
shared with the FASTA), BAM/CRAM units aligned to the same contigs, a lab's prebuilt CNVkit
reference, and the knowledge base's rows. What each check reads is remembered per file
(``input_files.FileFacts``); each problem names the file (and line, or the sheet row) and says
what to do."""

import gzip
import os

from resistance_timeline.setup.cnv_reference import check_cnv_reference, is_file_reference
from resistance_timeline.setup.contig_names import differ_by_chr_prefix
from resistance_timeline.setup.indexes import check_indexes
from resistance_timeline.setup.input_files import FileFacts
from resistance_timeline.setup.panel_of_normals import check_panel_config

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


FEATURE_FACTS = "features.v2"  # the FileFacts kind of _features (bump when it changes)


def _features(path):
    """What a BED, GFF3 or GTF holds, read once (comments, track and browser lines skipped):
    contig names with the line each first appears on, feature types (column 3 of 9-column
    lines) with counts, and the first line of each kind of format problem: fewer than 3 or 9
    tab-separated columns, BED or GFF coordinates that are not whole numbers, attributes in
    GTF or GFF3 syntax."""
    opener = gzip.open if path.endswith(".gz") else open
    contigs, types, first = {}, {}, {}
    with opener(path, "rt", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if line.startswith("##FASTA"):
                break  # a GFF3 may end with its sequences
            if line.startswith(("#", "track", "browser")) or not line.strip():
                continue
            cells = line.rstrip("\r\n").split("\t")
            contigs.setdefault(cells[0], number)
            if len(cells) < 3 or not (cells[1].isdigit() and cells[2].isdigit()):
                first.setdefault("bed", number)
            if len(cells) < 9 or not (cells[3].isdigit() and cells[4].isdigit()):
                first.setdefault("gff", number)
                continue
            types[cells[2]] = types.get(cells[2], 0) + 1
            if 'gene_id "' in cells[8] or 'transcript_id "' in cells[8]:
                first.setdefault("gtf_syntax", number)
            elif "ID=" in cells[8] or "Parent=" in cells[8]:
                first.setdefault("gff3_syntax", number)
    return {"contigs": contigs, "types": types, "first": first}


# per configured file: the line kind it must be, the syntax it must not be in, the feature
# type it needs
FORMAT_RULES = {
    "targets": ("bed", None, None),
    "gff3": ("gff", "gtf_syntax", "gene"),
    "gtf": ("gff", "gff3_syntax", "exon"),
}
FORMAT_TEXT = {
    "bed": "not a BED line: it needs contig, start and end (whole numbers), tab-separated",
    "gff": "not a GFF line: it needs 9 tab-separated columns with whole-number start and end "
    "in columns 4 and 5",
    "gtf_syntax": 'written in GTF syntax (gene_id "...";), but bcftools csq needs a GFF3 '
    "(ID=...;Parent=...), e.g. Ensembl's GFF3 download of the same release",
    "gff3_syntax": "written in GFF3 syntax (ID=...;Parent=...), but STAR and the gene counts "
    'need a GTF (gene_id "..."; transcript_id "...";)',
}


def _format_problems(key, path, facts):
    """A file that is not what its key asks for: lines of the wrong format, the other GFF
    dialect, or no lines of the feature type the tools need."""
    line_kind, wrong_syntax, needed = FORMAT_RULES[key]
    first = facts["first"]
    where = f"{path} (reference: {key})"
    for kind in (line_kind, wrong_syntax):
        if kind and kind in first:
            return [f"{where}, line {first[kind]}: {FORMAT_TEXT[kind]}"]
    if needed and needed not in facts["types"]:
        found = ", ".join(sorted(facts["types"])) or "none"
        return [
            f"{where}: no '{needed}' lines (feature types found: {found}); the workflow needs "
            f"the {needed}s of column 3"
        ]
    return []


def _naming_hint(missing, known):
    """Suggest the fix when contigs differ only by a 'chr' prefix (chr2 vs 2)."""
    if differ_by_chr_prefix(missing, known):
        return (
            " — the names differ by a 'chr' prefix (e.g. 'chr2' vs '2'): rename the contigs "
            "of one file so that both use the same convention"
        )
    return ""


def check_reference(reference, units, facts=None, config_name="config.yaml", has_rna=True):
    """Reference files exist; targets, annotation and BAM units are well formed and name only
    FASTA contigs; prebuilt indexes (bwa_index, star_index; the latter only with RNA samples,
    ``has_rna``) match the FASTA. Files left out (None) are not checked: the assays that need
    them are."""
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
    if not contigs:
        return [f"{config_name}, key 'reference: fasta': {fasta} holds no sequence (no '>' line)"]
    for key in ("targets", "gff3", "gtf"):
        path = reference.get(key)
        if not path:
            continue
        found = facts.get(FEATURE_FACTS, path, _features)
        # a file of the wrong format is named once, without its "contigs" listed as well
        problems.extend(
            _format_problems(key, path, found)
            or _contig_problems(key, path, found["contigs"], contigs, fasta)
        )
    for row in units:
        bam = row.values.get("bam")
        if bam and _is_alignment_file(bam):  # others are named by the unit checks
            problems.extend(_check_bam_contigs(row, bam, contigs, fasta))
    return problems + check_indexes(reference, contigs, has_rna, config_name)


def check_prebuilt_cnv(config, facts=None, config_name="config.yaml"):
    """A lab's prebuilt CNVkit reference (``cnv: reference: <file>.cnn``) against the FASTA's
    contigs and the targets (setup.cnv_reference); [] for matched / pooled."""
    value = config.get("cnv", {}).get("reference")
    reference = config.get("reference", {})
    fasta = reference.get("fasta")
    if not is_file_reference(value) or not fasta or not os.path.isfile(fasta):
        return []
    contigs = (facts or FileFacts()).get("fasta_contigs", fasta, fasta_contigs)
    return check_cnv_reference(value, reference.get("targets"), contigs, config_name)


def check_panel(config, samples, facts=None, config_name="config.yaml"):
    """The panel of normals' section (setup.panel_of_normals) against the FASTA's contigs, the
    targets and the cohort's WES normals (``samples``: the sheet's rows, as dicts)."""
    fasta = config.get("reference", {}).get("fasta")
    if not fasta or not os.path.isfile(fasta):
        return []
    contigs = (facts or FileFacts()).get("fasta_contigs", fasta, fasta_contigs)
    normals = [
        s["sample_id"] for s in samples if s.get("assay") == "wes" and s.get("material") == "normal"
    ]
    return check_panel_config(config, contigs, normals, config_name)


def _is_alignment_file(path):
    """A readable file that starts as a BAM (gzip/BGZF) or a CRAM does."""
    try:
        with open(path, "rb") as handle:
            magic = handle.read(4)
    except OSError:
        return False
    return magic[:2] == b"\x1f\x8b" or magic == b"CRAM"


def _contig_problems(key, path, found, contigs, fasta):
    """Contigs of a BED/GFF3/GTF that the FASTA lacks; all of them missing is said so."""
    missing = [c for c in found if c not in contigs]
    if not missing:
        return []
    shown = ", ".join(f"'{c}' (line {found[c]})" for c in missing[:5])
    what = {"targets": "targets", "gff3": "genes", "gtf": "genes"}[key]
    none = (
        f"none of its {what} are on the reference's contigs ({', '.join(list(contigs)[:3])}, ...); "
        if len(missing) == len(found)
        else ""
    )
    return [
        f"{path} (reference: {key}): {none}contigs not in the reference FASTA {fasta}: "
        f"{shown}{_naming_hint(missing, contigs)}"
    ]


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
