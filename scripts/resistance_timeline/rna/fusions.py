"""Gene fusions of one RNA sample: candidates from the BAM's split and spanning evidence
(rna/fusion_evidence.py), filtered and annotated; and the support of one given fusion in any
BAM (support_at), to follow a patient's fusion over its samples.

Fusions are named 5'::3' from transcript strands. Split reads within ``jitter`` bp are one
candidate, reported at its commonest breakpoint. Split reads count only with >= min_anchor
aligned bases on each side and MAPQ >= min_mapq on both (or as the alignment a multi-mapping
read was reduced to, rna/fusion_multimappers.py), so reads crossing the junction by a
few bases are missed (on the demo cohort 18 of 30 simulated junction fragments are found, 21
with min_anchor 8 — exactly STAR's own Chimeric.out.junction count). Filters: low_support,
low_mapq (support only from low-MAPQ reads), read_through (see
fusion_filters.is_read_through), paralog (same name family, listed prefix pairs, or with a
FASTA shared k-mers around the breakpoint). Known drivers (from either partner,
rna/fusion_drivers.py) are not exempt.

The settings are the ``fusions`` section of the configuration, whose defaults live in
config/schemas/config.schema.yaml only (FusionSettings).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, fields, replace
from statistics import median
from typing import NamedTuple

import pysam

from resistance_timeline.io.annotation import Gene, GeneIndex
from resistance_timeline.io.gene_model import load_genes
from resistance_timeline.io.tables import write_tsv
from resistance_timeline.rna.fusion_drivers import KnownDrivers, driver_evidence, known_drivers
from resistance_timeline.rna.fusion_evidence import (
    Spanning,
    Split,
    collect_evidence,
    duplicate_handling,
    region_reads,
    spanning_fits,
)
from resistance_timeline.rna.fusion_filters import homologous, is_paralog_pair, is_read_through
from resistance_timeline.rna.fusion_frame import in_frame, reading_frame
from resistance_timeline.rna.fusion_rescue import imbalanced_kinases, rescue_partners

COLUMNS = [
    "sample_id",
    "fusion",
    "gene5",
    "gene3",
    "breakpoint5",
    "breakpoint3",
    "exon5",
    "exon3",
    "split_reads",
    "spanning_pairs",
    "duplicates",
    "in_frame",
    "reading_frame",
    "known_driver",
    "driver_evidence",
    "main_isoform",
    "call",
    "mapq",
    "alternatives",
    "knowledge_version",
]


@dataclass(frozen=True)
class FusionSettings:
    """The schema's ``fusions`` keys that fusion calling uses."""

    min_split_reads: int
    min_spanning_pairs: int
    min_total_support: int
    min_anchor: int
    min_mapq: int
    resolve_multimappers: bool
    readthrough_max_distance: int
    jitter: int
    paralog_names: str | list  # "family", or a list of "family" / [prefix5, prefix3] items
    known_kinases: frozenset[str]
    kinase_domains: dict  # gene -> [first, last] residue of its kinase domain

    @classmethod
    def from_params(cls, section):
        """From the configuration's whole ``fusions`` section (a rule's params); the keys of
        the kinase imbalance, which calling does not use, are ignored."""
        values = {f.name: section[f.name] for f in fields(cls)}
        values["known_kinases"] = frozenset(values["known_kinases"])
        return cls(**values)

    def enough(self, n_split, n_span) -> bool:
        """Whether split and spanning fragment counts reach the reporting thresholds."""
        return (
            n_split >= self.min_split_reads
            and n_span >= self.min_spanning_pairs
            and n_split + n_span >= self.min_total_support
        )

    def mapped_well(self, evidence: Split | Spanning) -> bool:
        """Whether a read's alignment can be trusted: MAPQ >= min_mapq, or the alignment a
        multi-mapping read was reduced to (rna/fusion_multimappers.py)."""
        return evidence.mapq >= self.min_mapq or evidence.multimapping

    def counts(self, split: Split) -> bool:
        """Whether a split read is support: long enough anchors and good mapping quality."""
        return self.mapped_well(split) and split.anchor >= self.min_anchor


class SplitCluster(NamedTuple):
    """Split reads of one gene pair (gene ids) at breakpoints within ``jitter`` of bp5/bp3."""

    gene5: str
    gene3: str
    bp5: int
    bp3: int
    splits: list[Split]


@dataclass(frozen=True)
class Candidate:
    """One candidate fusion and its evidence; no breakpoints for spanning pairs alone."""

    gene5: Gene
    gene3: Gene
    bp5: int | None
    bp3: int | None
    splits: list[Split]
    spanning: list[Spanning]


@dataclass(frozen=True)
class Reference:
    """What candidates are filtered and annotated against."""

    index: GeneIndex
    drivers: KnownDrivers = KnownDrivers()
    fasta: pysam.FastaFile | None = None  # open FASTA for the homology filter, or None


def cluster_splits(splits, jitter) -> list[SplitCluster]:
    """Group split evidence by gene pair and breakpoints within ``jitter`` bp; each cluster is
    reported at its most supported (bp5, bp3)."""
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
            out.append(SplitCluster(g5, g3, b5, b3, near))
    return out


def frame_and_exons(gene5: Gene, gene3: Gene, bp5, bp3):
    """(exon5, exon3, in_frame): exon numbers if the breakpoints are on exon borders, and
    whether the 3' partner's frame continues across the junction wherever it lies (exon
    border, inside an exon or an intron; rna/fusion_frame.py), None when a side is
    non-coding."""
    exon5, exon3 = gene5.exon_ending_at(bp5), gene3.exon_starting_at(bp3)
    return exon5, exon3, in_frame(gene5, gene3, bp5, bp3)


def _fmt(value):
    if value is None:
        return ""
    if value is True:
        return "true"
    return "false" if value is False else str(value)


def build_candidates(splits, spanning, settings: FusionSettings, reference: Reference, sample_id):
    """One row per candidate (COLUMNS + filter); support counts only evidence with MAPQ >=
    min_mapq (and, for split reads, >= min_anchor aligned bases on each side). Candidates whose
    reads all fail these limits are still listed (low_mapq / low_support), never dropped."""
    jit = settings.jitter
    by_id = reference.index.genes
    span_by_pair = defaultdict(list)
    for sp in spanning:
        span_by_pair[(sp.gene5, sp.gene3)].append(sp)
    clusters = cluster_splits(splits, jit)
    clusters.sort(key=lambda c: -len({x.fragment for x in c.splits if settings.counts(x)}))
    rows = []
    for c in clusters:
        gene5, gene3 = by_id[c.gene5], by_id[c.gene3]
        pool = span_by_pair.get((c.gene5, c.gene3), [])
        fits = [sp for sp in pool if spanning_fits(gene5, gene3, sp, c.bp5, c.bp3, jit)]
        taken = {id(sp) for sp in fits}
        span_by_pair[(c.gene5, c.gene3)] = [sp for sp in pool if id(sp) not in taken]
        candidate = Candidate(gene5, gene3, c.bp5, c.bp3, c.splits, fits)
        rows.append(_row(sample_id, candidate, settings, reference))
    for (g5, g3), pool in span_by_pair.items():  # spanning pairs without a split-read breakpoint
        if pool:
            candidate = Candidate(by_id[g5], by_id[g3], None, None, [], pool)
            rows.append(_row(sample_id, candidate, settings, reference))
    return rows


def _filters(c: Candidate, settings: FusionSettings, reference: Reference, support_hq):
    """The filter reasons of a candidate, given its high-quality (split, spanning) support."""
    anchored = [x for x in c.splits if x.anchor >= settings.min_anchor]
    split_all = len({x.fragment for x in anchored})
    span_all = len({x.fragment for x in c.spanning})
    reasons = []
    if not settings.enough(*support_hq):
        reasons.append("low_mapq" if settings.enough(split_all, span_all) else "low_support")
    if is_read_through(c.gene5, c.gene3, reference.index, settings.readthrough_max_distance):
        reasons.append("read_through")
    fasta = reference.fasta
    if is_paralog_pair(c.gene5.name, c.gene3.name, settings.paralog_names) or (
        fasta is not None
        and c.bp5 is not None
        and homologous(fasta, c.gene5, c.gene3, c.bp5, c.bp3)
    ):
        reasons.append("paralog")
    return reasons


def _row(sample_id, c: Candidate, settings: FusionSettings, reference: Reference):
    """The candidate's table row (COLUMNS + filter)."""
    split_hq = len({x.fragment for x in c.splits if settings.counts(x)})
    span_hq = len({x.fragment for x in c.spanning if settings.mapped_well(x)})
    reasons = _filters(c, settings, reference, (split_hq, span_hq))
    counted = [x.mapq for x in c.splits if settings.counts(x)]
    counted += [x.mapq for x in c.spanning if settings.mapped_well(x)]
    g5, g3 = c.gene5, c.gene3
    exon5, exon3, in_frame = frame_and_exons(g5, g3, c.bp5, c.bp3) if c.bp5 else (None,) * 3
    frame = reading_frame(reference.fasta, g5, g3, c.bp5, c.bp3) if c.bp5 else ""
    evidence = driver_evidence(g5, g3, c.bp5, reference.drivers)
    return {
        "sample_id": sample_id,
        "fusion": f"{g5.name}::{g3.name}",
        "gene5": g5.name,
        "gene3": g3.name,
        "breakpoint5": f"{g5.contig}:{c.bp5}" if c.bp5 else "",
        "breakpoint3": f"{g3.contig}:{c.bp3}" if c.bp3 else "",
        "exon5": _fmt(exon5),
        "exon3": _fmt(exon3),
        "split_reads": split_hq,
        "spanning_pairs": span_hq,
        "in_frame": _fmt(in_frame),
        "reading_frame": frame,
        "known_driver": _fmt(bool(evidence)),
        "driver_evidence": ";".join(evidence),
        "call": "called",
        "mapq": f"{median(counted):g}" if counted else "",
        "alternatives": "",
        "filter": ";".join(reasons) or "PASS",
    }


def _gene_at(index, bp, name, exon_test):
    """(gene, pos) at a 'contig:pos' breakpoint: the gene named ``name`` if given, preferring
    one with an exon border there."""
    contig, pos = bp.rsplit(":", 1)
    genes = [g for g in index.at(contig, int(pos)) if name in (None, g.name, g.gene_id)]
    if not genes:
        raise ValueError(f"no gene{' ' + name if name else ''} at breakpoint {bp}")
    return ([g for g in genes if exon_test(g, int(pos))] or genes)[0], int(pos)


def support_at(
    bam, breakpoint5, breakpoint3, index, strandedness, settings, gene5=None, gene3=None
):
    """Split reads and spanning pairs supporting one GIVEN fusion in a BAM (path or open
    pysam.AlignmentFile), e.g. to report 0 reads at a timepoint where a patient's fusion is
    absent; counted with the jitter, min_anchor and min_mapq of ``settings`` (FusionSettings).

    breakpoint5/3 are 'contig:pos' as in the fusion tables; the genes are looked up at the
    breakpoints unless named. Only the two genes' regions are read.
    Returns {"split_reads": int, "spanning_pairs": int} (fragments, each counted once) and
    "duplicates" (how duplicates were handled, fusion_evidence.duplicate_handling).
    """
    g5, b5 = _gene_at(index, breakpoint5, gene5, lambda g, p: g.exon_ending_at(p))
    g3, b3 = _gene_at(index, breakpoint3, gene3, lambda g, p: g.exon_starting_at(p))
    opened = isinstance(bam, str) or hasattr(bam, "__fspath__")
    handle = pysam.AlignmentFile(bam) if opened else bam
    try:
        reads = region_reads(handle, (g5, g3))
        splits, spanning = collect_evidence(
            reads, index, strandedness, settings.resolve_multimappers
        )
        duplicates = duplicate_handling(handle.header.to_dict())
    finally:
        if opened:
            handle.close()
    jit, pair = settings.jitter, (g5.gene_id, g3.gene_id)
    split = {
        x.fragment
        for x in splits
        if (x.gene5, x.gene3) == pair
        and settings.counts(x)
        and abs(x.bp5 - b5) <= jit
        and abs(x.bp3 - b3) <= jit
    }
    span = {
        x.fragment
        for x in spanning
        if (x.gene5, x.gene3) == pair
        and settings.mapped_well(x)
        and spanning_fits(g5, g3, x, b5, b3, jit)
    }
    return {
        "split_reads": len(split),
        "spanning_pairs": len(span - split),
        "duplicates": duplicates,
    }


def call_fusions(
    bam, gtf, sample_id, settings, strandedness, knowledge=(), fasta=None, imbalance=None
):
    """All fusion candidates of one sample as rows (COLUMNS + 'filter'), best supported first.
    ``knowledge`` (knowledge-base TSVs, rna/fusion_drivers.py), ``fasta`` (for the homology
    filter) and ``imbalance`` (the sample's kinase imbalance table, for rescues of weak
    partners, rna/fusion_rescue.py) are optional."""
    index = GeneIndex(load_genes(gtf))
    with pysam.AlignmentFile(bam) as handle:
        reads = handle.fetch(until_eof=True)
        splits, spanning = collect_evidence(
            reads, index, strandedness, settings.resolve_multimappers
        )
        duplicates = duplicate_handling(handle.header.to_dict())
    fa = pysam.FastaFile(fasta) if fasta else None
    drivers = known_drivers(knowledge, settings.known_kinases, settings.kinase_domains)
    reference = Reference(index, drivers, fa)
    rows = build_candidates(splits, spanning, settings, reference, sample_id)
    kinases = [
        index.by_name[k].gene_id for k in imbalanced_kinases(imbalance) if k in index.by_name
    ]
    reported = {index.by_name[r["gene3"]].gene_id for r in rows if r["filter"] == "PASS"}
    rescues = rescue_partners(splits, spanning, kinases, reported, settings)
    rows = rescued_rows(rows, rescues, settings, reference, sample_id)
    for row in rows:
        row["duplicates"] = duplicates
    return mark_main_isoforms(rows)


def rescued_rows(rows, rescues, settings, reference, sample_id):
    """``rows`` with each rescue (fusion_rescue.Rescue) as a ``rescued`` call at its
    commonest breakpoints, counted at any MAPQ, in place of its gene pair's low-MAPQ rows."""
    anyq = replace(settings, min_mapq=0)
    by_id = reference.index.genes
    out = list(rows)
    for r in rescues:
        g5, g3 = by_id[r.gene5], by_id[r.gene3]
        name = f"{g5.name}::{g3.name}"
        out = [x for x in out if not (x["fusion"] == name and "low_mapq" in x["filter"])]
        clusters = sorted(cluster_splits(r.splits, settings.jitter), key=lambda c: -len(c.splits))
        bp5, bp3 = (clusters[0].bp5, clusters[0].bp3) if clusters else (None, None)
        row = _row(sample_id, Candidate(g5, g3, bp5, bp3, r.splits, r.spanning), anyq, reference)
        row.update(call="rescued", mapq=f"{r.mapq:g}")
        row["alternatives"] = ";".join(f"{by_id[g].name}:{n}" for g, n in r.alternatives)
        out.append(row)
    return out


def mark_main_isoforms(rows):
    """Rows sorted passing first, best supported first (then by name and breakpoints), with
    ``main_isoform`` true on the best-supported passing breakpoint pair of each fusion and
    false on every other row: each supported breakpoint pair keeps its own row."""
    rows.sort(
        key=lambda r: (
            r["filter"] != "PASS",
            -(r["split_reads"] + r["spanning_pairs"]),
            -r["split_reads"],
            r["fusion"],
            r["breakpoint5"],
            r["breakpoint3"],
        )
    )
    seen = set()
    for r in rows:
        main = r["filter"] == "PASS" and r["fusion"] not in seen
        if main:
            seen.add(r["fusion"])
        r["main_isoform"] = _fmt(main)
    return rows


def write_calls(rows, fusions_path, candidates_path, knowledge_version=""):
    """The passing calls (COLUMNS, no filter column) and every candidate (COLUMNS + filter),
    each with the version line of the knowledge base its known drivers came from; returns the
    passing rows."""
    for r in rows:
        r["knowledge_version"] = knowledge_version
    passing = [r for r in rows if r["filter"] == "PASS"]
    write_tsv(passing, fusions_path, COLUMNS, ignore_extra=True)
    write_tsv(rows, candidates_path, COLUMNS + ["filter"])
    return passing
