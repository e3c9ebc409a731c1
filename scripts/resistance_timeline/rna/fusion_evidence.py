"""Fusion evidence of one RNA sample, read from its aligned BAM alone.

Reading only the BAM means this works both on the workflow's STAR output and on a user's BAM
from any aligner that writes SA tags:
- split reads: a primary alignment and the segments in its SA tag (chimeric junctions), or one
  alignment whose N (splice) gap joins two genes (STAR aligns read-through and other nearby
  same-strand junctions as ordinary spliced reads, never as chimeric);
- spanning pairs: the two primary mates assigned to two different genes, neither read split.

What STAR 2.7.10b writes with ``--chimOutType Junctions WithinBAM SoftClip
--chimMultimapNmax 50`` (checked on the synthetic data of tests/helpers.py, build_world):
a read crossing an inter-chromosomal or strand-switching junction becomes a primary record and
a supplementary record (flag 2048), both soft-clipped, MAPQ 255, each with an SA tag naming
the other and ``ch:A:1``; a pair whose mates lie on either side of the junction is written as
two primary records with the mate on the other contig/strand, TLEN 0, ``ch:A:1`` and no SA.
Every chimeric read of Chimeric.out.junction (55 split, type 1/2; 35 pairs, type -1) was in the
BAM, so Chimeric.out.junction is not needed; when given, it is only counted in the log.
A read that aligns to several places (NH > 1) has one primary and secondary records (flag
256), one per alignment (HI), the chimeric ones each with its supplementary segment; they are
read as rna/fusion_multimappers.py says (collect_evidence).

Transcript strands: for stranded libraries the read strand gives the transcript strand
(``reverse`` = read 1 antisense, TruSeq stranded); for unstranded ones each segment is taken as
sense when it aligns on its gene's strand. A segment belongs to the gene with most exonic
overlap (intergenic segments are ignored). breakpoint5 is the 3'-most base of the 5' segment,
breakpoint3 the 5'-most base of the 3' segment.

Duplicates: records flagged as duplicates are skipped, and every supporting fragment is
identified by the unclipped 5' end of the read and the position of its mate, with strands
(``fragment_key``), so PCR duplicates of one fragment count once even where nothing marked them
(STAR's BAMs), as Picard and samtools markdup compare pairs (the mate's own clipping is not
known without an MC tag, so its aligned start stands for it). ``duplicate_handling``
says which applied: ``marked`` when the BAM's header names a duplicate marker (imported BAMs
pass through ``samtools markdup`` in rule import_rna_bam), otherwise ``by_position``.
"""

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from resistance_timeline.io.annotation import Gene, exonic_overlap
from resistance_timeline.rna.fusion_multimappers import resolve

_CIGAR = re.compile(r"(\d+)([MIDNSHP=X])")
_CIGAR_OPS = "MIDNSHP=X"  # pysam's cigartuples operation codes, in order
_QUERY_OPS, _REF_OPS = set("MIS=XH"), set("MDN=X")


@dataclass
class Piece:
    """One gap-free (no N) aligned piece of a read; 1-based inclusive reference span."""

    contig: str
    start: int
    end: int
    strand: str
    qstart: int  # offset of its first base in the read as sequenced
    aligned: int
    mapq: int


@dataclass
class Split:
    """A read crossing a junction from gene5 to gene3 (gene ids), breakpoints as in the tables."""

    fragment: str
    gene5: str
    gene3: str
    bp5: int
    bp3: int
    anchor: int  # aligned bases of the weaker side
    mapq: int  # lower MAPQ of the two sides
    multimapping: bool = False  # a multi-mapping read's chosen alignment (fusion_multimappers)


@dataclass
class Spanning:
    """A pair with its 5' mate in gene5 and its 3' mate in gene3 (gene ids), no read split."""

    fragment: str
    gene5: str
    gene3: str
    end5: int  # 3'-most base of the 5' mate, transcript direction
    start3: int  # 5'-most base of the 3' mate
    mapq: int
    multimapping: bool = False  # a multi-mapping pair's chosen alignment (fusion_multimappers)


class _Span(NamedTuple):
    """A closed piece in alignment order: reference span and query offsets (forward strand)."""

    start: int
    end: int
    qstart: int
    qspan: int
    aligned: int


@dataclass
class _OpenPiece:
    """The piece being extended while walking a CIGAR."""

    start: int  # first reference base
    qstart: int  # query offset of its first base, alignment order
    aligned: int = 0

    def close(self, end: int, q: int) -> _Span:
        """The piece ending at reference base ``end``, query offset ``q`` (exclusive)."""
        return _Span(self.start, end, self.qstart, q - self.qstart, self.aligned)


def pieces(contig, pos1, strand, cigar, mapq):
    """Split an alignment (CIGAR as [(op_char, length)]) into Pieces at N gaps, read order."""
    qlen = sum(n for op, n in cigar if op in _QUERY_OPS)
    spans, q, ref, cur = [], 0, pos1, None
    for op, n in cigar:
        if op in "M=X":
            if cur is None:
                cur = _OpenPiece(ref, q)
            cur.aligned += n
        if op == "N" and cur is not None:
            spans.append(cur.close(ref - 1, q))
            cur = None
        if op in "MI=X" or cur is None:
            q += n if op in _QUERY_OPS else 0
        elif op in "SH":  # trailing clip: close the open piece first
            spans.append(cur.close(ref - 1, q))
            cur, q = None, q + n
        ref += n if op in _REF_OPS else 0
    if cur is not None:
        spans.append(cur.close(ref - 1, q))
    out = []
    for span in spans:
        # offset in the read as sequenced
        qs = span.qstart if strand == "+" else qlen - span.qstart - span.qspan
        out.append(Piece(contig, span.start, span.end, strand, qs, span.aligned, mapq))
    return sorted(out, key=lambda p: p.qstart)


def read_pieces(read):
    """All pieces of a primary read: its own alignment plus the SA-tag segments, read order."""
    strand = "-" if read.is_reverse else "+"
    cigar = [(_CIGAR_OPS[o], n) for o, n in read.cigartuples]
    own = pieces(read.reference_name, read.reference_start + 1, strand, cigar, read.mapping_quality)
    if read.has_tag("SA"):
        for entry in read.get_tag("SA").rstrip(";").split(";"):
            rname, pos, sa_strand, sa_cigar, mapq = entry.split(",")[:5]
            sa_ops = [(op, int(n)) for n, op in _CIGAR.findall(sa_cigar)]
            own += pieces(rname, int(pos), sa_strand, sa_ops, int(mapq))
    return sorted(own, key=lambda p: p.qstart)


def assign_gene(index, piece, tx_strand):
    """Gene of a piece: the most exonic overlap among genes on tx_strand (any strand if None),
    gene body overlap as fallback; None when intergenic or tied between genes."""
    genes = [
        g
        for g in index.overlapping(piece.contig, piece.start, piece.end)
        if tx_strand is None or g.strand == tx_strand
    ]
    if not genes:
        return None
    span = [(piece.start, piece.end)]
    scored = sorted(((exonic_overlap(g, span), g) for g in genes), key=lambda t: -t[0])
    if len(scored) > 1 and scored[0][0] == scored[1][0]:
        return None
    return scored[0][1]


def tx_last(gene, ps):
    """3'-most aligned base of pieces ``ps`` in ``gene``'s transcript direction."""
    return max(p.end for p in ps) if gene.strand == "+" else min(p.start for p in ps)


def tx_first(gene, ps):
    """5'-most aligned base of pieces ``ps`` in ``gene``'s transcript direction."""
    return min(p.start for p in ps) if gene.strand == "+" else max(p.end for p in ps)


class AssignedPiece(NamedTuple):
    """A read piece in a gene, and whether the read is sense to that gene's transcript."""

    piece: Piece
    gene: Gene
    sense: bool


class Junction(NamedTuple):
    """One gene-to-gene junction of a read, in transcript order."""

    gene5: Gene
    gene3: Gene
    bp5: int
    bp3: int
    anchor: int  # aligned bases of the weaker side
    mapq: int  # lowest MAPQ of the two genes' pieces


class ReadEvidence(NamedTuple):
    """What one primary read says: its pieces in genes (transcript order), its junctions, and
    whether it is sense (None when it lies in no gene or its pieces disagree)."""

    assigned: list[AssignedPiece]
    junctions: list[Junction]
    sense: bool | None


def read_evidence(read, index, strandedness) -> ReadEvidence:
    """The genes and gene-to-gene junctions of one primary read."""
    stranded = strandedness != "unstranded"
    # read sense to its transcript, for stranded libraries only
    lib_sense = (read.is_read1 or not read.is_paired) == (strandedness == "forward")
    assigned = []
    for p in read_pieces(read):
        tx_strand = (p.strand if lib_sense else "+-"[p.strand == "+"]) if stranded else None
        g = assign_gene(index, p, tx_strand)
        if g is not None:
            assigned.append(AssignedPiece(p, g, lib_sense if stranded else p.strand == g.strand))
    if not assigned or len({a.sense for a in assigned}) > 1:
        # intergenic only, or segments disagree on the transcript strand
        return ReadEvidence([], [], None)
    sense = assigned[0].sense
    if not sense:
        assigned = assigned[::-1]
    junctions = []
    for i in range(len(assigned) - 1):
        (p5, g5, _), (p3, g3, _) = assigned[i], assigned[i + 1]
        if g5.gene_id == g3.gene_id:
            continue
        left = sum(a.piece.aligned for a in assigned[: i + 1] if a.gene.gene_id == g5.gene_id)
        right = sum(a.piece.aligned for a in assigned[i + 1 :] if a.gene.gene_id == g3.gene_id)
        pair = (g5.gene_id, g3.gene_id)
        mapq = min(a.piece.mapq for a in assigned if a.gene.gene_id in pair)
        bp5, bp3 = tx_last(g5, [p5]), tx_first(g3, [p3])
        junctions.append(Junction(g5, g3, bp5, bp3, min(left, right), mapq))
    return ReadEvidence(assigned, junctions, sense)


class _Mate(NamedTuple):
    """One mate of a candidate spanning pair."""

    sense: bool
    gene: Gene
    edge: int  # its aligned base nearest the junction
    mapq: int
    key: str  # fragment_key


DUPLICATE_MARKERS = ("markdup", "markduplicates", "bammarkduplicates", "dedup")


def duplicate_handling(header) -> str:
    """``marked`` when a @PG line of the BAM header (pysam header dict) names a duplicate
    marker (samtools markdup, Picard MarkDuplicates, sambamba markdup, biobambam, umi_tools
    dedup), else ``by_position`` (module docstring)."""
    for pg in header.get("PG", []):
        text = " ".join(str(pg.get(k, "")) for k in ("ID", "PN", "CL")).lower()
        if any(m in text for m in DUPLICATE_MARKERS):
            return "marked"
    return "by_position"


def _clip(cigar, from_end) -> int:
    """Soft- and hard-clipped bases at one end of a CIGAR (pysam cigartuples)."""
    total = 0
    for op, n in reversed(cigar) if from_end else cigar:
        if op not in (4, 5):  # S, H
            break
        total += n
    return total


def fragment_key(read) -> str:
    """The fragment's identity for counting support: the read's unclipped 5' end, strand and
    mate role, and its mate's contig, start and strand, so PCR duplicates of one fragment (the
    same record of each) share it, as duplicate markers compare them."""
    cigar = read.cigartuples or []
    if read.is_reverse:
        five = read.reference_end + _clip(cigar, True)
    else:
        five = read.reference_start - _clip(cigar, False)
    own = (read.reference_id, five, read.is_reverse, read.is_read1)
    if not read.is_paired or read.mate_is_unmapped:
        return f"{own}"
    return f"{own}{(read.next_reference_id, read.next_reference_start, read.mate_is_reverse)}"


def _hits(read) -> int:
    """Alignments the aligner reported for the read (STAR's NH tag; 1 when absent)."""
    return read.get_tag("NH") if read.has_tag("NH") else 1


class _Collector:
    """Split reads and candidate spanning mates of a stream of records, each under a key that
    names the read (its name, or its name and alignment number for a multi-mapping read)."""

    def __init__(self, index, strandedness):
        self.index, self.strandedness = index, strandedness
        self.splits, self.split_keys, self.mates = [], set(), defaultdict(list)

    def add(self, read, key) -> bool:
        """Read one record; True when it is evidence (a split read, or a mate of a pair whose
        other mate lies outside its gene)."""
        assigned, junctions, sense = read_evidence(read, self.index, self.strandedness)
        for j in junctions:
            g5, g3 = j.gene5.gene_id, j.gene3.gene_id
            split = Split(fragment_key(read), g5, g3, j.bp5, j.bp3, j.anchor, j.mapq)
            self.splits.append((key, split))
            self.split_keys.add(key)
        if not assigned or junctions or not read.is_paired or read.mate_is_unmapped:
            return bool(junctions)
        gene = assigned[0].gene
        mate_start = read.next_reference_start + 1
        if read.next_reference_name == gene.contig and gene.start <= mate_start <= gene.end:
            return False  # mate in the same gene: ordinary pair
        ps = [a.piece for a in assigned]
        edge = tx_last(gene, ps) if sense else tx_first(gene, ps)  # the side facing the junction
        mapq = min(a.piece.mapq for a in assigned)
        self.mates[key].append(_Mate(sense, gene, edge, mapq, fragment_key(read)))
        return True

    def evidence(self):
        """[(key, Split)] and [(key, Spanning)]: a pair is spanning when its two mates face
        each other from two genes and neither read is split."""
        spanning = []
        for key, ms in self.mates.items():
            if key in self.split_keys or len(ms) != 2 or ms[0].sense == ms[1].sense:
                continue
            five, three = sorted(ms, key=lambda m: not m.sense)
            if five.gene.gene_id != three.gene.gene_id:
                g5, g3, mapq = five.gene.gene_id, three.gene.gene_id, min(five.mapq, three.mapq)
                spanning.append((key, Spanning(five.key, g5, g3, five.edge, three.edge, mapq)))
        return self.splits, spanning


def collect_evidence(reads, index, strandedness, multimappers=False):
    """Split and spanning evidence from an iterable of alignments; each piece of evidence names
    its fragment by ``fragment_key``. Primary records are read (supplementary ones through
    their primary's SA tag); duplicate, QC-failed and unmapped records are skipped.

    With ``multimappers``, a read the aligner placed in several places (NH > 1) is read at
    every alignment (primary and secondary, told apart by HI) and reduced to one of them by
    rna/fusion_multimappers.py; its evidence is marked ``multimapping``. Without, only its
    primary alignment is read, as for any other read."""
    unique, multi = _Collector(index, strandedness), _Collector(index, strandedness)
    scores = {}  # (name, HI) -> the highest AS of the alignment's evidence records
    for read in reads:
        if read.is_unmapped or read.is_supplementary or read.is_duplicate or read.is_qcfail:
            continue
        if multimappers and _hits(read) > 1:
            key = (read.query_name, read.get_tag("HI") if read.has_tag("HI") else 0)
            if multi.add(read, key):
                score = read.get_tag("AS") if read.has_tag("AS") else 0
                scores[key] = max(score, scores.get(key, score))
        elif not read.is_secondary:
            unique.add(read, read.query_name)
    splits, spanning = ([x for _, x in pairs] for pairs in unique.evidence())
    if multi.splits or multi.mates:
        more_splits, more_spanning = resolve(*multi.evidence(), scores, splits, spanning, index)
        splits, spanning = splits + more_splits, spanning + more_spanning
    return splits, spanning


def region_reads(handle, genes):
    """The records over the genes' spans, each once (overlapping or identical gene regions
    would yield a record twice)."""
    seen = set()
    for g in genes:
        if g.contig not in handle.references:
            continue
        for read in handle.fetch(g.contig, g.start - 1, g.end):
            # a multi-mapping read's secondary records may share name and flag
            key = (read.query_name, read.flag, read.reference_id, read.reference_start)
            if key not in seen:
                seen.add(key)
                yield read


def spanning_fits(gene5: Gene, gene3: Gene, sp: Spanning, bp5, bp3, jitter) -> bool:
    """True if a spanning pair lies wholly 5' of bp5 and 3' of bp3 (transcript direction)."""
    before = gene5.transcript_order(sp.end5, bp5) <= jitter
    return before and gene3.transcript_order(sp.start3, bp3) >= -jitter


def count_chimeric_junctions(path) -> int:
    """Chimeric reads listed in STAR's Chimeric.out.junction (header and comments skipped)."""
    with open(path) as handle:
        return sum(
            1 for line in handle if line.strip() and not line.startswith(("#", "chr_donorA"))
        )
