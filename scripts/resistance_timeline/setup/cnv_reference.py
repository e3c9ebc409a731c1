"""A lab's prebuilt CNVkit reference (config ``cnv: reference: <file>.cnn``), checked before any
job: CNVkit's pooled reference from many normals (a panel of normals) is steadier than one
matched normal, and a lab that built one from 20-40 normals reuses it instead of the cohort's.

Checked at parse time: the file exists and is a CNVkit reference (a header with chromosome,
start, end, gene, log2), its contigs are the FASTA's (with the 'chr' hint), and it has target
bins over the configured targets (a reference built for another capture kit would leave
targets without a bin). CNVkit itself (``cnvkit.py fix``) then needs the same bins as the
samples' coverage, i.e. a reference built from the same targets, ``cnv: target_avg_size``,
``antitarget_avg_size`` and accessible regions: the README says how to build one with this
workflow (``results/cnv/pooled.reference.cnn`` of a normals-only cohort).
"""

import gzip
import os
from bisect import bisect_right

from resistance_timeline.dna.chunks import read_targets
from resistance_timeline.setup.contig_names import CHR_HINT, differ_by_chr_prefix

CNN_COLUMNS = ("chromosome", "start", "end", "gene", "log2")
BUILT_IN = ("matched", "pooled")
# targets allowed without a target bin: CNVkit drops targets it cannot bin (tiny or
# inaccessible ones), so a handful is normal; more means another capture kit
MAX_UNBINNED_FRACTION = 0.01


def is_file_reference(value) -> bool:
    """Whether ``cnv: reference`` names a file rather than matched or pooled."""
    return bool(value) and value not in BUILT_IN


def _open(path):
    with open(path, "rb") as handle:
        gzipped = handle.read(2) == b"\x1f\x8b"
    return gzip.open(path, "rt") if gzipped else open(path)


def read_target_bins(path):
    """({contig: sorted [(start, end)] of target bins}, every contig, problem or None)."""
    bins, contigs = {}, set()
    with _open(path) as handle:
        header = handle.readline().rstrip("\n").split("\t")
        missing = [c for c in CNN_COLUMNS if c not in header]
        if missing:
            return {}, set(), f"not a CNVkit reference (.cnn): its header lacks {missing[0]!r}"
        col = {c: header.index(c) for c in CNN_COLUMNS}
        for number, line in enumerate(handle, start=2):
            cells = line.rstrip("\n").split("\t")
            try:
                contig, start, end = (
                    cells[col["chromosome"]],
                    int(cells[col["start"]]),
                    int(cells[col["end"]]),
                )
            except (IndexError, ValueError):
                return {}, set(), f"line {number}: not a CNVkit bin (chromosome, start, end)"
            contigs.add(contig)
            if cells[col["gene"]] != "Antitarget":
                bins.setdefault(contig, []).append((start, end))
    for spans in bins.values():
        spans.sort()
    return bins, contigs, None


def _covered(bins, contig, start, end):
    spans = bins.get(contig, [])
    i = bisect_right(spans, (end, end))  # bins starting before the target's end
    return any(s < end and e > start for s, e in spans[max(0, i - 2) : i])


def check_cnv_reference(value, targets, fasta_contigs, config_name="config.yaml"):
    """Problems of a prebuilt reference ``value`` (a path) against the target BED ``targets``
    (a path or None) and the FASTA's contigs (a set); [] when it is usable."""
    if not os.path.isfile(value):
        return [
            f"{config_name}, key 'cnv: reference': file not found: {value} "
            "(give matched, pooled or a CNVkit .cnn)"
        ]
    bins, contigs, problem = read_target_bins(value)
    if problem:
        return [f"{value} (key 'cnv: reference'): {problem}"]
    strange = sorted(contigs - set(fasta_contigs))
    if strange:
        hint = CHR_HINT if differ_by_chr_prefix(strange, fasta_contigs) else ""
        return [f"{value}: contigs not in the reference FASTA: {', '.join(strange[:5])}{hint}"]
    if not targets:
        return []
    try:
        intervals = [(t.contig, t.start, t.end) for t in read_targets(targets)]
    except ValueError:  # a malformed BED: its own check (reference_files) names it
        return []
    unbinned = [t for t in intervals if not _covered(bins, *t)]
    if len(unbinned) > MAX_UNBINNED_FRACTION * len(intervals):
        contig, start, end = unbinned[0]
        return [
            f"{value}: {len(unbinned)} of the {len(intervals)} targets of {targets} have no "
            f"target bin in it (first {contig}:{start + 1}-{end}): it was built for other "
            "targets; build it from these targets (README, 'A panel of normals for copy number')"
        ]
    return []
