"""Call gene fusions of one RNA sample from its aligned BAM.

Evidence is read from the BAM alone, so the script works both on the workflow's STAR output
and on a user's BAM from any aligner that writes SA tags:
- split reads: a primary alignment and the segments in its SA tag (chimeric junctions), or one
  alignment whose N (splice) gap joins two genes (STAR aligns read-through and other nearby
  same-strand junctions as ordinary spliced reads, never as chimeric);
- spanning pairs: the two primary mates assigned to two different genes, neither read split.

What STAR 2.7.10b writes with ``--chimOutType Junctions WithinBAM SoftClip
--chimMultimapNmax 0`` (checked on the synthetic data of tests/unit/test_call_fusions.py):
a read crossing an inter-chromosomal or strand-switching junction becomes a primary record and
a supplementary record (flag 2048), both soft-clipped, MAPQ 255, each with an SA tag naming
the other and ``ch:A:1``; a pair whose mates lie on either side of the junction is written as
two primary records with the mate on the other contig/strand, TLEN 0, ``ch:A:1`` and no SA.
Every chimeric read of Chimeric.out.junction (55 split, type 1/2; 35 pairs, type -1) was in the
BAM, so Chimeric.out.junction is not needed; when given, it is only counted in the log.

Fusions are named 5'::3' from transcript strands: for stranded libraries the read strand gives
the transcript strand (``reverse`` = read 1 antisense, TruSeq stranded); for unstranded ones
each segment is taken as sense when it aligns on its gene's strand. A segment belongs to the
gene with most exonic overlap (intergenic segments are ignored). breakpoint5 is the 3'-most
base of the 5' segment, breakpoint3 the 5'-most base of the 3' segment; reads within
``jitter`` bp are one candidate, reported at its commonest breakpoint. Split reads count only
with >= min_anchor aligned bases on each side and MAPQ >= min_mapq on both, so reads crossing
the junction by a few bases are missed (on the demo cohort 18 of 30 simulated junction
fragments are found, 21 with min_anchor 8 — exactly STAR's own Chimeric.out.junction count).
Filters: low_support, low_mapq (support only from low-MAPQ reads), read_through (see
annotation.is_read_through), paralog (same name family, listed prefix pairs, or with a FASTA
shared k-mers around the breakpoint). Known drivers are not exempt.
"""

import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass

import pysam

from annotation import Gene, GeneIndex, exonic_overlap, homologous, is_paralog_pair, is_read_through, load_genes
from tables import read_tsv, write_tsv

COLUMNS = [
    "sample_id", "fusion", "gene5", "gene3", "breakpoint5", "breakpoint3", "exon5", "exon3",
    "split_reads", "spanning_pairs", "in_frame", "known_driver",
]  # fmt: skip
DEFAULTS = {
    "min_split_reads": 2, "min_spanning_pairs": 0, "min_total_support": 3, "min_anchor": 20,
    "readthrough_max_distance": 200000, "paralog_names": "family", "min_mapq": 10, "jitter": 5,
    "known_kinases": ["ALK", "ROS1", "RET", "NTRK1", "NTRK2", "NTRK3", "FGFR1", "FGFR2", "FGFR3",
                      "BRAF", "MET", "EGFR", "NRG1"],
}  # fmt: skip
_CIGAR = re.compile(r"(\d+)([MIDNSHP=X])")
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


@dataclass
class Spanning:
    """A pair with its 5' mate in gene5 and its 3' mate in gene3 (gene ids), no read split."""

    fragment: str
    gene5: str
    gene3: str
    end5: int  # 3'-most base of the 5' mate, transcript direction
    start3: int  # 5'-most base of the 3' mate
    mapq: int


def pieces(contig, pos1, strand, cigar, mapq):
    """Split an alignment (CIGAR as [(op_char, length)]) into Pieces at N gaps, read order."""
    qlen = sum(n for op, n in cigar if op in _QUERY_OPS)
    out, q, ref, cur = [], 0, pos1, None
    for op, n in cigar:
        if op in "M=X":
            if cur is None:
                cur = [ref, q, 0]
            cur[2] += n
        if op == "N" and cur is not None:
            out.append((cur[0], ref - 1, cur[1], q - cur[1], cur[2]))
            cur = None
        if op in "MI=X" or cur is None:
            q += n if op in _QUERY_OPS else 0
        elif op in "SH":  # trailing clip: close the open piece first
            out.append((cur[0], ref - 1, cur[1], q - cur[1], cur[2]))
            cur, q = None, q + n
        ref += n if op in _REF_OPS else 0
    if cur is not None:
        out.append((cur[0], ref - 1, cur[1], q - cur[1], cur[2]))
    res = []
    for start, end, qs, qspan, aligned in out:
        qs = qs if strand == "+" else qlen - qs - qspan  # offset in the read as sequenced
        res.append(Piece(contig, start, end, strand, qs, aligned, mapq))
    return sorted(res, key=lambda p: p.qstart)


def read_pieces(read):
    """All pieces of a primary read: its own alignment plus the SA-tag segments, read order."""
    ops = "MIDNSHP=X"
    own = pieces(read.reference_name, read.reference_start + 1, "-" if read.is_reverse else "+",
                 [(ops[o], n) for o, n in read.cigartuples], read.mapping_quality)  # fmt: skip
    if read.has_tag("SA"):
        for entry in read.get_tag("SA").rstrip(";").split(";"):
            rname, pos, strand, cig, mapq = entry.split(",")[:5]
            cigar = [(op, int(n)) for n, op in _CIGAR.findall(cig)]
            own += pieces(rname, int(pos), strand, cigar, int(mapq))
    return sorted(own, key=lambda p: p.qstart)


def assign_gene(index, piece, tx_strand):
    """Gene of a piece: the most exonic overlap among genes on tx_strand (any strand if None),
    gene body overlap as fallback; None when intergenic or tied between genes."""
    genes = [g for g in index.overlapping(piece.contig, piece.start, piece.end)
             if tx_strand is None or g.strand == tx_strand]  # fmt: skip
    if not genes:
        return None
    scored = sorted(((exonic_overlap(g, [(piece.start, piece.end)]), g.gene_id, g) for g in genes),
                    key=lambda t: -t[0])  # fmt: skip
    if len(scored) > 1 and scored[0][0] == scored[1][0]:
        return None
    return scored[0][2]


def _tx_last(gene, ps):
    """3'-most aligned base of pieces ``ps`` in ``gene``'s transcript direction."""
    return max(p.end for p in ps) if gene.strand == "+" else min(p.start for p in ps)


def _tx_first(gene, ps):
    """5'-most aligned base of pieces ``ps`` in ``gene``'s transcript direction."""
    return min(p.start for p in ps) if gene.strand == "+" else max(p.end for p in ps)


def read_evidence(read, index, strandedness):
    """(genes of the read's pieces in transcript order, list of junctions as
    (gene5, gene3, bp5, bp3, anchor, mapq), sense) for one primary read."""
    stranded = strandedness != "unstranded"
    lib_sense = (read.is_read1 or not read.is_paired) == (strandedness == "forward")  # stranded only
    assigned = []
    for p in read_pieces(read):
        tx_strand = (p.strand if lib_sense else "+-"[p.strand == "+"]) if stranded else None
        g = assign_gene(index, p, tx_strand)
        if g is not None:
            assigned.append((p, g, lib_sense if stranded else p.strand == g.strand))
    if not assigned or len({s for _, _, s in assigned}) > 1:
        return [], [], None  # intergenic only, or segments disagree on the transcript strand
    sense = assigned[0][2]
    if not sense:
        assigned = assigned[::-1]
    junctions = []
    for i in range(len(assigned) - 1):
        (p5, g5, _), (p3, g3, _) = assigned[i], assigned[i + 1]
        if g5.gene_id == g3.gene_id:
            continue
        left = sum(p.aligned for p, g, _ in assigned[: i + 1] if g.gene_id == g5.gene_id)
        right = sum(p.aligned for p, g, _ in assigned[i + 1 :] if g.gene_id == g3.gene_id)
        mapq = min(p.mapq for p, g, _ in assigned if g.gene_id in (g5.gene_id, g3.gene_id))
        junctions.append((g5, g3, _tx_last(g5, [p5]), _tx_first(g3, [p3]), min(left, right), mapq))
    return assigned, junctions, sense


def collect_evidence(reads, index, strandedness):
    """Split and spanning evidence from an iterable of alignments (primary records are used;
    secondary, supplementary, duplicate, QC-failed and unmapped records are skipped)."""
    splits, split_frags, mates = [], set(), defaultdict(list)
    for read in reads:
        if read.is_unmapped or read.is_secondary or read.is_supplementary or read.is_duplicate or read.is_qcfail:
            continue
        assigned, junctions, sense = read_evidence(read, index, strandedness)
        for g5, g3, bp5, bp3, anchor, mapq in junctions:
            splits.append(Split(read.query_name, g5.gene_id, g3.gene_id, bp5, bp3, anchor, mapq))
            split_frags.add(read.query_name)
        if not assigned or junctions or not read.is_paired or read.mate_is_unmapped:
            continue
        gene = assigned[0][1]
        if read.next_reference_name == gene.contig and gene.start <= read.next_reference_start + 1 <= gene.end:
            continue  # mate in the same gene: ordinary pair
        ps = [p for p, _, _ in assigned]
        edge = _tx_last(gene, ps) if sense else _tx_first(gene, ps)  # the side facing the junction
        mates[read.query_name].append((sense, gene, edge, min(p.mapq for p, _, _ in assigned)))
    spanning = []
    for frag, ms in mates.items():
        if frag in split_frags or len(ms) != 2 or ms[0][0] == ms[1][0]:
            continue
        (_, g5, end5, q5), (_, g3, start3, q3) = sorted(ms, key=lambda m: not m[0])
        if g5.gene_id != g3.gene_id:
            spanning.append(Spanning(frag, g5.gene_id, g3.gene_id, end5, start3, min(q5, q3)))
    return splits, spanning


def cluster_splits(splits, jitter):
    """Group split evidence by gene pair and breakpoints within ``jitter`` bp; each cluster is
    reported at its most supported (bp5, bp3). Returns [(gene5, gene3, bp5, bp3, [Split])]."""
    by_pair = defaultdict(list)
    for s in splits:
        by_pair[(s.gene5, s.gene3)].append(s)
    out = []
    for (g5, g3), items in by_pair.items():
        left = list(items)
        while left:
            counts = Counter((s.bp5, s.bp3) for s in left)
            (b5, b3), _ = max(counts.items(), key=lambda kv: (kv[1], -kv[0][0], -kv[0][1]))
            near = [s for s in left if abs(s.bp5 - b5) <= jitter and abs(s.bp3 - b3) <= jitter]
            taken = {id(s) for s in near}
            left = [s for s in left if id(s) not in taken]
            out.append((g5, g3, b5, b3, near))
    return out


def spanning_fits(gene5: Gene, gene3: Gene, sp: Spanning, bp5, bp3, jitter) -> bool:
    """True if a spanning pair lies wholly 5' of bp5 and 3' of bp3 (transcript direction)."""
    return gene5.transcript_order(sp.end5, bp5) <= jitter and gene3.transcript_order(sp.start3, bp3) >= -jitter


def frame_and_exons(gene5: Gene, gene3: Gene, bp5, bp3):
    """(exon5, exon3, in_frame): exon numbers if the breakpoints are on exon borders, and
    whether the 5' exon's last codon position continues into the 3' exon (None if unknown)."""
    exon5, exon3 = gene5.exon_ending_at(bp5), gene3.exon_starting_at(bp3)
    in_frame = None
    if exon5 and exon3:
        c5, c3 = gene5.codon_position(bp5), gene3.codon_position(bp3)
        if c5 is not None and c3 is not None:
            in_frame = (c5 + 1) % 3 == c3
    return exon5, exon3, in_frame


def load_marker_fusions(path) -> set[str]:
    """Fusion alterations ('EML4::ALK', '*::ALK') of the resistance-markers TSV."""
    if not path:
        return set()
    return {r["alteration"] for r in read_tsv(path) if "::" in (r.get("alteration") or "")}


def is_known_driver(gene5, gene3, kinases, marker_fusions) -> bool:
    """3' partner is a known fusion kinase, or the fusion (or '*::gene3') is a marker row."""
    return gene3 in kinases or f"{gene5}::{gene3}" in marker_fusions or f"*::{gene3}" in marker_fusions


def _fmt(value):
    return "" if value is None else ("true" if value is True else "false" if value is False else str(value))


def build_candidates(splits, spanning, index, settings, marker_fusions=(), fasta=None, sample_id=""):
    """One row per candidate (COLUMNS + filter); support counts only evidence with MAPQ >=
    min_mapq (and, for split reads, >= min_anchor aligned bases on each side). Candidates whose
    reads all fail these limits are still listed (low_mapq / low_support), never dropped."""
    s = {**DEFAULTS, **(settings or {})}
    jit, mq = s["jitter"], s["min_mapq"]
    by_id = index.genes
    span_by_pair = defaultdict(list)
    for sp in spanning:
        span_by_pair[(sp.gene5, sp.gene3)].append(sp)
    clusters = cluster_splits(splits, jit)
    clusters.sort(key=lambda c: -len({x.fragment for x in c[4] if x.mapq >= mq and x.anchor >= s["min_anchor"]}))
    rows = []
    for g5, g3, b5, b3, items in clusters:
        gene5, gene3 = by_id[g5], by_id[g3]
        pool = span_by_pair.get((g5, g3), [])
        fits = [sp for sp in pool if spanning_fits(gene5, gene3, sp, b5, b3, jit)]
        taken = {id(sp) for sp in fits}
        span_by_pair[(g5, g3)] = [sp for sp in pool if id(sp) not in taken]
        rows.append(_row(sample_id, gene5, gene3, b5, b3, items, fits, index, s, marker_fusions, fasta))
    for (g5, g3), pool in span_by_pair.items():  # spanning pairs without a split-read breakpoint
        if pool:
            rows.append(_row(sample_id, by_id[g5], by_id[g3], None, None, [], pool, index, s, marker_fusions, fasta))
    return rows


def _row(sample_id, gene5, gene3, b5, b3, items, fits, index, s, marker_fusions, fasta):
    mq = s["min_mapq"]
    anchored = [x for x in items if x.anchor >= s["min_anchor"]]  # short anchors never count
    split_hq = len({x.fragment for x in anchored if x.mapq >= mq})
    span_hq = len({x.fragment for x in fits if x.mapq >= mq})
    split_all, span_all = len({x.fragment for x in anchored}), len({x.fragment for x in fits})

    def enough(n_split, n_span):
        return (n_split >= s["min_split_reads"] and n_span >= s["min_spanning_pairs"]
                and n_split + n_span >= s["min_total_support"])  # fmt: skip

    reasons = []
    if not enough(split_hq, span_hq):
        reasons.append("low_mapq" if enough(split_all, span_all) else "low_support")
    if is_read_through(gene5, gene3, index, s["readthrough_max_distance"]):
        reasons.append("read_through")
    if is_paralog_pair(gene5.name, gene3.name, s["paralog_names"]) or (
        fasta is not None and b5 is not None and homologous(fasta, gene5, gene3, b5, b3)
    ):
        reasons.append("paralog")
    exon5, exon3, in_frame = frame_and_exons(gene5, gene3, b5, b3) if b5 else (None, None, None)
    return {
        "sample_id": sample_id, "fusion": f"{gene5.name}::{gene3.name}", "gene5": gene5.name,
        "gene3": gene3.name, "breakpoint5": f"{gene5.contig}:{b5}" if b5 else "",
        "breakpoint3": f"{gene3.contig}:{b3}" if b3 else "", "exon5": _fmt(exon5), "exon3": _fmt(exon3),
        "split_reads": split_hq, "spanning_pairs": span_hq, "in_frame": _fmt(in_frame),
        "known_driver": _fmt(is_known_driver(gene5.name, gene3.name, set(s["known_kinases"]), marker_fusions)),
        "filter": ";".join(reasons) or "PASS",
    }  # fmt: skip


def _gene_at(index, bp, name, exon_test):
    """(gene, pos) at a 'contig:pos' breakpoint: the gene named ``name`` if given, preferring
    one with an exon border there."""
    contig, pos = bp.rsplit(":", 1)
    genes = [g for g in index.at(contig, int(pos)) if name in (None, g.name, g.gene_id)]
    if not genes:
        raise ValueError(f"no gene{' ' + name if name else ''} at breakpoint {bp}")
    return ([g for g in genes if exon_test(g, int(pos))] or genes)[0], int(pos)


def support_at(bam, breakpoint5, breakpoint3, index, strandedness="unstranded", gene5=None, gene3=None,
               jitter=5, min_anchor=20, min_mapq=10):  # fmt: skip
    """Split reads and spanning pairs supporting one GIVEN fusion in a BAM (path or open
    pysam.AlignmentFile), e.g. to report 0 reads at a timepoint where a patient's fusion is absent.

    breakpoint5/3 are 'contig:pos' as in the fusion tables; the genes are looked up at the
    breakpoints unless named. Only the two genes' regions are read.
    Returns {"split_reads": int, "spanning_pairs": int} (fragments, each counted once).
    """
    g5, b5 = _gene_at(index, breakpoint5, gene5, lambda g, p: g.exon_ending_at(p))
    g3, b3 = _gene_at(index, breakpoint3, gene3, lambda g, p: g.exon_starting_at(p))
    handle = pysam.AlignmentFile(bam) if isinstance(bam, str) or hasattr(bam, "__fspath__") else bam

    def reads():
        seen = set()  # overlapping or identical gene regions would yield a record twice
        for g in (g5, g3):
            for read in handle.fetch(g.contig, g.start - 1, g.end) if g.contig in handle.references else ():
                if (read.query_name, read.flag) not in seen:
                    seen.add((read.query_name, read.flag))
                    yield read

    splits, spanning = collect_evidence(reads(), index, strandedness)
    split = {x.fragment for x in splits if x.gene5 == g5.gene_id and x.gene3 == g3.gene_id and x.mapq >= min_mapq
             and x.anchor >= min_anchor and abs(x.bp5 - b5) <= jitter and abs(x.bp3 - b3) <= jitter}  # fmt: skip
    span = {x.fragment for x in spanning if x.gene5 == g5.gene_id and x.gene3 == g3.gene_id and x.mapq >= min_mapq
            and spanning_fits(g5, g3, x, b5, b3, jitter)}  # fmt: skip
    if handle is not bam:
        handle.close()
    return {"split_reads": len(split), "spanning_pairs": len(span - split)}


def call_fusions(bam, gtf, sample_id, settings=None, strandedness="unstranded", markers=None, fasta=None):
    """All fusion candidates of one sample as rows (COLUMNS + 'filter'), best supported first."""
    index = GeneIndex(load_genes(gtf))
    with pysam.AlignmentFile(bam) as handle:
        splits, spanning = collect_evidence(handle.fetch(until_eof=True), index, strandedness)
    fa = pysam.FastaFile(fasta) if fasta else None
    rows = build_candidates(splits, spanning, index, settings, load_marker_fusions(markers), fa, sample_id)
    rows.sort(key=lambda r: (r["filter"] != "PASS", -(r["split_reads"] + r["spanning_pairs"]), r["fusion"]))
    return rows


def main(snakemake):
    """Snakemake entry point (rule call_fusions)."""
    with open(snakemake.log[0], "w") as log:
        sys.stderr = log
        inp = snakemake.input
        strandedness = getattr(snakemake.params, "strandedness", "unstranded")
        rows = call_fusions(inp.bam, inp.gtf, snakemake.params.sample_id, dict(snakemake.params.settings),
                            strandedness, inp.get("markers"), inp.get("fasta"))  # fmt: skip
        passing = [r for r in rows if r["filter"] == "PASS"]
        write_tsv(passing, snakemake.output.fusions, COLUMNS, ignore_extra=True)  # no filter column
        write_tsv(rows, snakemake.output.candidates, COLUMNS + ["filter"])
        junctions = inp.get("junctions")
        if junctions:  # cross-check only: STAR's WithinBAM already holds this evidence
            with open(junctions) as handle:
                n = sum(1 for line in handle if line.strip() and not line.startswith(("#", "chr_donorA")))
            print(f"Chimeric.out.junction: {n} chimeric reads (not used; evidence read from the BAM)", file=log)
        print(f"{len(rows)} candidates, {len(passing)} passing ({strandedness} library)", file=log)


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
