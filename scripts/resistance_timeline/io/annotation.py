"""Gene models from the GTF and the GFF3, with the workflow's one canonical-transcript rule.

One canonical transcript per gene, chosen by ``canonical_key`` for every arm alike: variant
annotation (which bcftools csq record of the GFF3 to report), fusions and kinase imbalance (the
GTF's exon numbering and CDS phases). The rule: the transcript tagged ``Ensembl_canonical``
(GENCODE/Ensembl GTF ``tag``, GFF3 ``tag=``, or the older GFF3 ``is_canonical=1``); where a
gene has no tagged transcript, the one with the longest CDS, then the longest exonic length,
then the transcript id last in sort order (so the choice never depends on file order). Since GTF and
GFF3 of one Ensembl release carry the same tags and the same exons, both files give the same
transcript, and a DNA protein change can be joined to an RNA exon.

Coordinates are 1-based and inclusive throughout, as in the GTF. Exons are numbered in
transcript direction (exon 1 is the 5'-most exon, on either strand). Independent of pandas.
"""

import bisect
import gzip
import re
from dataclasses import dataclass, field
from urllib.parse import unquote

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


CANONICAL_TAG = "Ensembl_canonical"


def canonical_key(tags, cds_length, exonic_length, transcript_id):
    """Sort key of a gene's transcripts: the largest is its canonical transcript (see the
    module docstring). ``tags`` is the transcript's set of tags."""
    return (CANONICAL_TAG in tags, cds_length, exonic_length, transcript_id)


def canonical_transcripts_gff3(gff3_path):
    """{gene id: canonical transcript id} of an Ensembl-style GFF3 (plain or gzip), ids
    without their 'gene:'/'transcript:' prefixes; by ``canonical_key``."""
    transcripts = {}  # transcript id -> [gene id, tags, cds length, exonic length]
    for fields in feature_lines(gff3_path):
        attrs = dict(kv.split("=", 1) for kv in fields[8].split(";") if "=" in kv)
        if fields[2] in ("exon", "CDS"):
            length = int(fields[4]) - int(fields[3]) + 1
            for parent in attrs.get("Parent", "").split(","):
                entry = transcripts.setdefault(parent.split(":")[-1], [None, set(), 0, 0])
                entry[2 if fields[2] == "CDS" else 3] += length
        elif "Parent" in attrs and "ID" in attrs:  # mRNA, transcript, ncRNA, ...
            tid = attrs.get("transcript_id") or attrs["ID"].split(":")[-1]
            entry = transcripts.setdefault(tid, [None, set(), 0, 0])
            entry[0] = attrs["Parent"].split(",")[0].split(":")[-1]
            entry[1] = set(unquote(attrs.get("tag", "")).split(","))
            if attrs.get("is_canonical") == "1":
                entry[1].add(CANONICAL_TAG)
    best = {}
    for tid, (gene, tags, cds_len, ex_len) in transcripts.items():
        if gene is None:
            continue  # exons of a feature that is not a transcript (e.g. a gene-level exon)
        key = canonical_key(tags, cds_len, ex_len, tid)
        if gene not in best or key > best[gene][0]:
            best[gene] = (key, tid)
    return {gene: tid for gene, (_, tid) in best.items()}


def _attributes(text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for m in _ATTR.finditer(text):
        key, value = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        out.setdefault(key, []).append(value)
    return out


def feature_lines(path):
    """The tab-split fields of each feature line of a GTF or GFF3 (plain or gzip): comment
    lines and lines of fewer than 9 columns skipped."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            fields = line.rstrip("\n").split("\t")
            if len(fields) >= 9:
                yield fields


def gtf_rows(gtf_path, features=None):
    """Yield (fields, attributes) for each feature line of a GTF, only of the given feature
    types when ``features`` is set. Attributes map a key to its list of values (``tag`` may
    repeat)."""
    for fields in feature_lines(gtf_path):
        if not features or fields[2] in features:
            yield fields, _attributes(fields[8])


@dataclass
class GtfGenes:
    """What the RNA arm needs of a GTF, from one pass: every gene id in file order, its name,
    the canonical transcript's model (genes with exons only), and the merged exons of all its
    transcripts (contig, strand, [(start, end), ...]) for counting reads per gene."""

    order: list[str]
    names: dict[str, str]
    genes: dict[str, Gene]
    unions: dict[str, tuple[str, str, list[tuple[int, int]]]]


_GENE_ID = re.compile(r'gene_id "([^"]+)"')


def merge_intervals(intervals):
    """Sorted, merged 1-based inclusive intervals (overlapping or adjacent ones joined)."""
    out = []
    for a, b in sorted(intervals):
        if out and a <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def parse_gtf(gtf_path) -> GtfGenes:
    """One pass over a GTF (plain or gzip) into GtfGenes: gene, exon and CDS rows are read in
    full; other rows only for their gene id (file order)."""
    order: dict[str, None] = {}
    genes: dict[str, dict] = {}
    tx: dict[tuple[str, str], dict] = {}
    for f in feature_lines(gtf_path):
        if f[2] not in ("gene", "exon", "CDS"):
            m = _GENE_ID.search(f[8])
            if m:
                order.setdefault(m.group(1))
            continue
        attrs = _attributes(f[8])
        gid = attrs.get("gene_id", [""])[0]
        if not gid:
            continue
        order.setdefault(gid)
        start, end = int(f[3]), int(f[4])
        name = attrs.get("gene_name", [gid])[0]
        g = genes.setdefault(
            gid, {"name": name, "contig": f[0], "strand": f[6], "span": None, "exons": []}
        )
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
            g["exons"].append((start, end))
        else:
            t["cds"].append((start, end, int(f[7]) if f[7] in "012" else 0))
    by_gene: dict[str, list[tuple[str, dict]]] = {}
    for (gid, tid), t in tx.items():
        by_gene.setdefault(gid, []).append((tid, t))
    models = {}
    for gid, candidates in by_gene.items():
        gene = _canonical_gene(gid, genes[gid], candidates)
        if gene is not None:
            models[gid] = gene
    names = {gid: genes[gid]["name"] if gid in genes else gid for gid in order}
    unions = {
        gid: (g["contig"], g["strand"], merge_intervals(g["exons"]))
        for gid, g in genes.items()
        if g["exons"]
    }
    return GtfGenes(list(order), names, models, unions)


def _canonical_gene(gid, g, candidates) -> Gene | None:
    """The Gene of a gene's canonical transcript (canonical_key), None without exons."""

    def rank(item):
        tid, t = item
        cds_len = sum(b - a + 1 for a, b, _ in t["cds"])
        ex_len = sum(b - a + 1 for a, b, _ in t["exons"])
        return canonical_key(t["tags"], cds_len, ex_len, tid)

    tid, t = max(candidates, key=rank)
    if not t["exons"]:
        return None
    rev = g["strand"] == "-"
    exons = sorted(t["exons"], key=lambda e: e[0], reverse=rev)
    exons = [Exon(a, b, n if n else i) for i, (a, b, n) in enumerate(exons, 1)]
    cds = [CDS(a, b, p) for a, b, p in sorted(t["cds"], key=lambda c: c[0], reverse=rev)]
    span = g["span"] or (min(e.start for e in exons), max(e.end for e in exons))
    return Gene(gid, g["name"], g["contig"], g["strand"], span[0], span[1], tid, exons, cds)


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
