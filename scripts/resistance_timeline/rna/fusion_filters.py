"""The gene-model questions behind the fusion filters: read-through neighbours, gene
families by name, and exon-sequence homology around a breakpoint (given an open
pysam.FastaFile). Coordinates are 1-based and inclusive, as in io/annotation.py."""

import re

from resistance_timeline.io.annotation import COMPLEMENT, Gene, GeneIndex, exonic_sequence

_FAMILY = re.compile(r"^([A-Za-z]{3,})(?:-?[0-9]|-[A-Za-z])")


def gene_family(name):
    """Family stem of a gene symbol: >= 3 letters then a digit or '-' (FGFR1 → FGFR,
    HLA-A → HLA); None when the symbol has no such stem."""
    m = _FAMILY.match(name)
    return m.group(1).upper() if m else None


def is_read_through(gene5: Gene, gene3: Gene, index: GeneIndex, max_distance) -> bool:
    """Same contig and strand, gene5 before gene3 in transcription order, at most max_distance
    bp from gene5's 3' end to gene3's 5' start, and no other gene (either strand) overlapping the
    gap between them: a polymerase reading through gene5's end into its neighbour."""
    if gene5.contig != gene3.contig or gene5.strand != gene3.strand:
        return False
    if gene5.gene_id == gene3.gene_id:
        return False
    if gene5.strand == "+":
        if gene5.start >= gene3.start:
            return False
        gap = (gene5.end + 1, gene3.start - 1)
    else:
        if gene5.end <= gene3.end:
            return False
        gap = (gene3.end + 1, gene5.start - 1)
    if gap[1] - gap[0] + 1 > max_distance:
        return False
    if gap[1] < gap[0]:
        return True  # overlapping neighbours
    pair = (gene5.gene_id, gene3.gene_id)
    between = [g for g in index.overlapping(gene5.contig, *gap) if g.gene_id not in pair]
    return not between


def is_paralog_pair(gene5, gene3, rule) -> bool:
    """Paralog flag by name: rule 'family' (same stem, see gene_family), a list of
    [prefix_a, prefix_b] pairs (either order), or a list mixing both; falsy → never."""
    rules = rule if isinstance(rule, list) else [rule]
    for r in rules:
        if r == "family":
            fam = gene_family(gene5)
            if fam and fam == gene_family(gene3):
                return True
        elif isinstance(r, (list, tuple)) and len(r) == 2:
            a, b = r
            forward = gene5.startswith(a) and gene3.startswith(b)
            if forward or (gene5.startswith(b) and gene3.startswith(a)):
                return True
    return False


def _kmers(seq, k):
    return {seq[i : i + k] for i in range(len(seq) - k + 1)}


def homologous(fasta, gene5: Gene, gene3: Gene, bp5, bp3, k=15, flank=60, min_shared=0.5) -> bool:
    """True if the transcript flank 5' of bp5 shares >= min_shared of its k-mers with gene3's
    exons (either strand), or the flank 3' of bp3 with gene5's: a read from one gene could
    then have aligned to the other (paralogs, shared domains)."""
    seq5, pos5 = exonic_sequence(fasta, gene5)
    seq3, pos3 = exonic_sequence(fasta, gene3)
    checks = []
    if bp5 in pos5:
        i = pos5.index(bp5)
        checks.append((seq5[max(0, i + 1 - flank) : i + 1], seq3))
    if bp3 in pos3:
        i = pos3.index(bp3)
        checks.append((seq3[i : i + flank], seq5))
    for query, target in checks:
        q = _kmers(query, k)
        t = _kmers(target, k) | _kmers(target.translate(COMPLEMENT)[::-1], k)
        if q and len(q & t) / len(q) >= min_shared:
            return True
    return False
