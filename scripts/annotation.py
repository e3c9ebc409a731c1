"""Small GTF helper shared by the RNA scripts: one canonical transcript per gene as plain
dataclasses, and position → gene / exon / reading-frame lookups.

Coordinates are 1-based and inclusive throughout, as in the GTF. Exons are numbered in
transcript direction (exon 1 is the 5'-most exon, on either strand). The canonical transcript
of a gene is the one tagged ``Ensembl_canonical`` when the GTF has ``tag`` attributes, else
the one with the longest CDS (then the longest exonic length). Also gene-model questions the
fusion scripts ask: read-through neighbours, gene families by name, and exon-sequence homology
(given an open pysam.FastaFile). Independent of pandas.
"""

import bisect
import gzip
import re
from dataclasses import dataclass, field

_FAMILY = re.compile(r"^([A-Za-z]{3,})(?:-?[0-9]|-[A-Za-z])")
COMPLEMENT = str.maketrans("ACGTNacgtn", "TGCANtgcan")
_ATTR = re.compile(r'([A-Za-z_][\w.]*)\s+"([^"]*)"|([A-Za-z_][\w.]*)\s+([^;\s]+)')


@dataclass
class Exon:
    start: int
    end: int
    number: int


@dataclass
class CDS:
    start: int
    end: int
    phase: int  # GTF phase: bases to skip from this piece's 5' end to reach a codon start


@dataclass
class Gene:
    gene_id: str
    name: str
    contig: str
    strand: str
    start: int
    end: int
    transcript_id: str = ""
    exons: list[Exon] = field(default_factory=list)  # transcript order
    cds: list[CDS] = field(default_factory=list)  # transcript order

    @property
    def exonic_length(self) -> int:
        return sum(e.end - e.start + 1 for e in self.exons)

    def exon_at(self, pos: int) -> Exon | None:
        """The exon containing ``pos``, or None (intron / outside)."""
        for e in self.exons:
            if e.start <= pos <= e.end:
                return e
        return None

    def exon_ending_at(self, pos: int) -> int | None:
        """Number of the exon whose last base (transcript direction) is ``pos``."""
        for e in self.exons:
            if (e.end if self.strand == "+" else e.start) == pos:
                return e.number
        return None

    def exon_starting_at(self, pos: int) -> int | None:
        """Number of the exon whose first base (transcript direction) is ``pos``."""
        for e in self.exons:
            if (e.start if self.strand == "+" else e.end) == pos:
                return e.number
        return None

    def codon_position(self, pos: int) -> int | None:
        """Position of base ``pos`` within its codon (0, 1 or 2), from the CDS phase of the
        CDS piece containing it; None outside the CDS."""
        for c in self.cds:
            if c.start <= pos <= c.end:
                offset = pos - c.start if self.strand == "+" else c.end - pos
                return ((3 - c.phase) % 3 + offset) % 3
        return None

    def transcript_order(self, a: int, b: int) -> int:
        """Negative if genomic position ``a`` lies 5' of ``b`` on this gene's transcript."""
        return (a - b) if self.strand == "+" else (b - a)


def _attributes(text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for m in _ATTR.finditer(text):
        key, value = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        out.setdefault(key, []).append(value)
    return out


def gtf_rows(gtf_path, features=None):
    """Yield (fields, attributes) for each feature line of a GTF (plain or gzip; comments
    skipped), only of the given feature types when ``features`` is set. Attributes map a key
    to its list of values (``tag`` may repeat)."""
    opener = gzip.open if str(gtf_path).endswith(".gz") else open
    with opener(gtf_path, "rt") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            fields = line.rstrip("\n").split("\t")
            if len(fields) < 9 or (features and fields[2] not in features):
                continue
            yield fields, _attributes(fields[8])


def load_genes(gtf_path: str) -> dict[str, Gene]:
    """Parse a GTF into {gene_id: Gene} holding each gene's canonical transcript.

    Genes without any exon row are dropped; a gene's span is taken from its ``gene`` row,
    else from its exons.
    """
    genes: dict[str, dict] = {}
    tx: dict[tuple[str, str], dict] = {}
    for f, attrs in gtf_rows(gtf_path, ("gene", "exon", "CDS")):
        gid = attrs.get("gene_id", [""])[0]
        if not gid:
            continue
        start, end = int(f[3]), int(f[4])
        g = genes.setdefault(gid, {"name": attrs.get("gene_name", [gid])[0], "contig": f[0],
                                   "strand": f[6], "span": None})  # fmt: skip
        if f[2] == "gene":
            g["span"] = (start, end)
            continue
        tid = attrs.get("transcript_id", [gid])[0]
        t = tx.setdefault((gid, tid), {"exons": [], "cds": [], "tags": set()})
        tags = {v for tag in attrs.get("tag", []) for v in tag.split(",")}
        t["tags"] |= tags
        if f[2] == "exon":
            number = attrs.get("exon_number", [None])[0]
            t["exons"].append((start, end, int(number) if number else None))
        else:
            t["cds"].append((start, end, int(f[7]) if f[7] in "012" else 0))
    by_gene: dict[str, list[tuple[str, dict]]] = {}
    for (gid, tid), t in tx.items():
        by_gene.setdefault(gid, []).append((tid, t))
    out = {}
    for gid, candidates in by_gene.items():
        g = genes[gid]

        def rank(item):
            tid, t = item
            cds_len = sum(b - a + 1 for a, b, _ in t["cds"])
            ex_len = sum(b - a + 1 for a, b, _ in t["exons"])
            return ("Ensembl_canonical" in t["tags"], cds_len, ex_len, tid)

        tid, t = max(candidates, key=rank)
        if not t["exons"]:
            continue
        rev = g["strand"] == "-"
        exons = sorted(t["exons"], key=lambda e: e[0], reverse=rev)
        exons = [Exon(a, b, n if n else i) for i, (a, b, n) in enumerate(exons, 1)]
        cds = [CDS(a, b, p) for a, b, p in sorted(t["cds"], key=lambda c: c[0], reverse=rev)]
        span = g["span"] or (min(e.start for e in exons), max(e.end for e in exons))
        out[gid] = Gene(gid, g["name"], g["contig"], g["strand"], span[0], span[1], tid, exons, cds)
    return out


class GeneIndex:
    """Interval lookup over gene spans: which genes overlap a genomic position or range."""

    def __init__(self, genes: dict[str, Gene]):
        self.genes = genes
        self.by_name = {g.name: g for g in genes.values()}
        self._contigs: dict[str, tuple[list[int], list[Gene]]] = {}
        per_contig: dict[str, list[Gene]] = {}
        for g in genes.values():
            per_contig.setdefault(g.contig, []).append(g)
        for contig, glist in per_contig.items():
            glist.sort(key=lambda g: g.start)
            self._contigs[contig] = ([g.start for g in glist], glist)
        self._max_len = max((g.end - g.start + 1 for g in genes.values()), default=0)

    def overlapping(self, contig: str, start: int, end: int) -> list[Gene]:
        """Genes whose span overlaps [start, end] (1-based, inclusive)."""
        if contig not in self._contigs:
            return []
        starts, glist = self._contigs[contig]
        lo = bisect.bisect_left(starts, start - self._max_len)
        hi = bisect.bisect_right(starts, end)
        return [g for g in glist[lo:hi] if g.end >= start]

    def at(self, contig: str, pos: int) -> list[Gene]:
        """Genes whose span contains ``pos``."""
        return self.overlapping(contig, pos, pos)

    def contig_genes(self, contig: str) -> list[Gene]:
        """All genes of a contig, sorted by start."""
        return list(self._contigs.get(contig, ([], []))[1])


def exonic_overlap(gene: Gene, blocks) -> int:
    """Bases of the 1-based inclusive ``blocks`` [(start, end), ...] lying in ``gene``'s exons."""
    total = 0
    for a, b in blocks:
        for e in gene.exons:
            lo, hi = max(a, e.start), min(b, e.end)
            if hi >= lo:
                total += hi - lo + 1
    return total


def gene_family(name):
    """Family stem of a gene symbol: >= 3 letters then a digit or '-' (FGFR1 → FGFR,
    HLA-A → HLA); None when the symbol has no such stem."""
    m = _FAMILY.match(name)
    return m.group(1).upper() if m else None


def exonic_sequence(fasta, gene: Gene):
    """(transcript-direction exonic sequence, genomic position of each base)."""
    seq, pos = [], []
    for e in gene.exons:
        s = fasta.fetch(gene.contig, e.start - 1, e.end).upper()
        p = list(range(e.start, e.end + 1))
        if gene.strand == "-":
            s, p = s.translate(COMPLEMENT)[::-1], p[::-1]
        seq.append(s)
        pos += p
    return "".join(seq), pos


def is_read_through(gene5: Gene, gene3: Gene, index: GeneIndex, max_distance) -> bool:
    """Same contig and strand, gene5 before gene3 in transcription order, at most max_distance
    bp from gene5's 3' end to gene3's 5' start, and no other gene (either strand) overlapping the
    gap between them: a polymerase reading through gene5's end into its neighbour."""
    if gene5.contig != gene3.contig or gene5.strand != gene3.strand or gene5.gene_id == gene3.gene_id:
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
    between = [g for g in index.overlapping(gene5.contig, *gap) if g.gene_id not in (gene5.gene_id, gene3.gene_id)]
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
            if (gene5.startswith(a) and gene3.startswith(b)) or (gene5.startswith(b) and gene3.startswith(a)):
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
