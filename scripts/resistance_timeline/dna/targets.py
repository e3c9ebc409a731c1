"""The capture targets as the workflow uses them (``results/reference/targets.bed``): four
columns, sorted by contig then start, overlapping and book-ended baits merged, and the name
column holding gene names, since gene-level copy number groups CNVkit's bins by it.

Vendors ship BEDs without names (3 columns) or with probe ids as names (Twist, IDT, Agilent:
``ALK_exon3_probe12``, ``chr2:29,192,774``...). An interval whose name (or one of its ','/';'/'|'
separated parts) is a gene name of the annotation keeps it; any other interval takes the
names of the genes of the GFF3 it overlaps, protein-coding genes first (the others only where
no protein-coding gene overlaps), as CNVkit's ``target --annotate`` does with a refFlat file;
an interval that overlaps no gene is '-' (no gene: its bins are no gene's). What was named
how is returned as counts for the job's log, and a BED whose names match no gene gets a
warning there.

Own code rather than ``cnvkit.py target --annotate``: that takes UCSC refFlat, which Ensembl /
GENCODE users do not have, and the GFF3 is already the workflow's annotation (bcftools csq).
"""

import re
from bisect import bisect_left
from urllib.parse import unquote

from resistance_timeline.dna.chunks import read_targets
from resistance_timeline.io.annotation import feature_lines

NO_GENE = "-"
GENE_FEATURES = {"gene", "ncRNA_gene", "pseudogene"}
SEPARATORS = re.compile(r"[,;|]")


def read_bed(path):
    """The BED's intervals as (contig, start, end, name or None), read by
    chunks.read_targets (header lines skipped, a malformed line a ValueError naming it)."""
    named = []
    for target in read_targets(path):
        cells = target.line.split("\t")
        name = cells[3].strip() if len(cells) > 3 else ""
        named.append((target.contig, target.start, target.end, name or None))
    return named


def gff3_genes(path):
    """{contig: [(start, end, name, protein coding), ...] sorted by start} of the GFF3's gene
    features (0-based half-open), named by Name (Ensembl) or gene_name (GENCODE)."""
    genes = {}
    for fields in feature_lines(path):
        if fields[2] not in GENE_FEATURES:
            continue
        attrs = dict(kv.split("=", 1) for kv in fields[8].split(";") if "=" in kv)
        name = unquote(attrs.get("Name") or attrs.get("gene_name") or "")
        if not name:
            continue
        coding = (attrs.get("biotype") or attrs.get("gene_type")) == "protein_coding"
        genes.setdefault(fields[0], []).append((int(fields[3]) - 1, int(fields[4]), name, coding))
    for found in genes.values():
        found.sort()
    return genes


class GeneLookup:
    """Genes overlapping an interval, from gff3_genes' table."""

    def __init__(self, genes):
        self.genes = genes
        self.names = {g[2] for found in genes.values() for g in found}
        self.starts = {c: [g[0] for g in found] for c, found in genes.items()}
        # the longest gene per contig bounds how far left an overlapping gene can start
        self.longest = {
            c: max((g[1] - g[0] for g in found), default=0) for c, found in genes.items()
        }

    def overlapping(self, contig, start, end):
        """Names of the genes overlapping [start, end): protein-coding ones if any, else all;
        in order of their start, each once."""
        found = self.genes.get(contig, [])
        first = bisect_left(self.starts.get(contig, []), start - self.longest.get(contig, 0))
        hits = []
        for g_start, g_end, name, coding in found[first:]:
            if g_start >= end:
                break
            if g_end > start:
                hits.append((name, coding))
        coding = [n for n, c in hits if c]
        return list(dict.fromkeys(coding or [n for n, _ in hits]))


def name_targets(intervals, lookup):
    """Each interval with gene names (module docstring); and counts of how each was named:
    'kept' (its BED name is a gene), 'annotated' (from the GFF3), 'no_gene', 'named' (had a
    BED name at all)."""
    counts = {"kept": 0, "annotated": 0, "no_gene": 0, "named": 0}
    named = []
    for contig, start, end, name in intervals:
        parts = [p.strip() for p in SEPARATORS.split(name or "") if p.strip()]
        counts["named"] += bool(parts)
        genes = [p for p in parts if p in lookup.names]
        if genes:
            counts["kept"] += 1
        else:
            genes = lookup.overlapping(contig, start, end)
            counts["annotated" if genes else "no_gene"] += 1
        named.append((contig, start, end, genes or [NO_GENE]))
    return named, counts


def merge_targets(named):
    """Sorted by contig (as text, like ``sort -k1,1``) then start; overlapping or book-ended
    intervals merged (as ``bedtools merge``), their gene names joined once each with ','
    ('-' only where no interval of the merge has a gene)."""
    merged = []
    for contig, start, end, genes in sorted(named, key=lambda t: (t[0], t[1], t[2])):
        if merged and merged[-1][0] == contig and start <= merged[-1][2]:
            last = merged[-1]
            last[2] = max(last[2], end)
            last[3].extend(g for g in genes if g not in last[3])
        else:
            merged.append([contig, start, end, list(genes)])
    for entry in merged:
        real = [g for g in entry[3] if g != NO_GENE]
        entry[3] = ",".join(real or [NO_GENE])
    return [tuple(entry) for entry in merged]


def prepare_targets(bed, gff3, out):
    """Write the workflow's targets BED; return the lines for the job's log."""
    intervals = read_bed(bed)
    named, counts = name_targets(intervals, GeneLookup(gff3_genes(gff3)))
    merged = merge_targets(named)
    with open(out, "w") as handle:
        handle.writelines(f"{c}\t{s}\t{e}\t{n}\n" for c, s, e, n in merged)
    log = [
        f"{len(intervals):,} intervals of {bed}: {counts['kept']:,} kept their name (a gene of "
        f"{gff3}), {counts['annotated']:,} named from the genes they overlap, "
        f"{counts['no_gene']:,} overlap no gene ('{NO_GENE}'); {len(merged):,} after merging",
    ]
    if counts["named"] and not counts["kept"]:
        log.append(
            f"warning: none of the {counts['named']:,} names of {bed} is a gene of {gff3} "
            "(probe ids?); every interval was named from the genes it overlaps"
        )
    return log
