"""3'/5' expression imbalance of fusion kinases in one RNA sample.

A kinase fused to a 5' partner is expressed from its fusion exon onwards (ALK exon 20, ROS1
exon 34, RET exon 12) far more than over its own 5' exons, which stay at the wild-type level
(often near zero). This supports a fusion even when too few reads cross the junction.

Counting rule: alignments with NH == 1 (unique), not secondary, not duplicate, not QC-failed.
Supplementary records are counted too: they hold other bases of a chimeric read than its
primary record (never the same bases twice), and leaving them out would under-count the
kinase's 3' exons exactly in reads crossing the fusion junction. Strand is not used.
Per side, ``reads`` = alignments with at least one base in those exons and ``depth`` =
aligned bases in those exons / their exonic length; ``log2_ratio_3p_5p`` =
log2((depth_3p + PSEUDOCOUNT) / (depth_5p + PSEUDOCOUNT)); an imbalance is called when it reaches
``min_log2_ratio`` with ``depth_3p`` >= ``min_depth_3p`` (ImbalanceSettings; defaults in the
configuration schema only).
"""

import math
import sys
from dataclasses import dataclass

import pysam

from resistance_timeline.io.annotation import Gene
from resistance_timeline.io.gene_model import load_genes
from resistance_timeline.io.tables import read_tsv, write_tsv

COLUMNS = [
    "sample_id",
    "gene",
    "reads_5p",
    "reads_3p",
    "depth_5p",
    "depth_3p",
    "log2_ratio_3p_5p",
    "imbalance",
]
PATIENT_COLUMNS = ["patient_id", "day", *COLUMNS]  # the gathered per-patient table
PSEUDOCOUNT = 1.0  # added to both depths, so a silent 5' side gives a finite ratio


@dataclass(frozen=True)
class ImbalanceSettings:
    """The kinases to measure and the call thresholds (schema ``fusions``:
    kinase_fusion_exons, imbalance_min_log2_ratio, imbalance_min_depth_3p)."""

    kinases: dict[str, int]  # gene name -> first exon of its 3' fusion part
    min_log2_ratio: float
    min_depth_3p: float

    @classmethod
    def from_params(cls, section):
        """From the configuration's whole ``fusions`` section (a rule's params); the keys of
        fusion calling are ignored."""
        return cls(
            kinases=dict(section["kinase_fusion_exons"]),
            min_log2_ratio=float(section["imbalance_min_log2_ratio"]),
            min_depth_3p=float(section["imbalance_min_depth_3p"]),
        )


def split_exons(gene: Gene, first_3p_exon: int):
    """(5' exons, 3' exons) of a gene as 0-based half-open (start, end) intervals:
    exons numbered below ``first_3p_exon`` and from it on."""
    five = [(e.start - 1, e.end) for e in gene.exons if e.number < first_3p_exon]
    three = [(e.start - 1, e.end) for e in gene.exons if e.number >= first_3p_exon]
    return five, three


def counted(read) -> bool:
    """Whether an alignment enters the depth (see the module docstring)."""
    if read.is_unmapped or read.is_secondary or read.is_duplicate or read.is_qcfail:
        return False
    return not read.has_tag("NH") or read.get_tag("NH") == 1


def _overlap(blocks, intervals) -> int:
    return sum(max(0, min(b, e) - max(a, s)) for a, b in blocks for s, e in intervals)


def exon_depth(bam, contig, five, three):
    """(reads_5p, reads_3p, aligned bases 5', aligned bases 3') over the exon intervals."""
    reads5 = reads3 = bases5 = bases3 = 0
    intervals = five + three
    if not intervals or contig not in bam.references:
        return 0, 0, 0, 0
    lo, hi = min(s for s, _ in intervals), max(e for _, e in intervals)
    for read in bam.fetch(contig, lo, hi):
        if not counted(read):
            continue
        blocks = read.get_blocks()
        b5, b3 = _overlap(blocks, five), _overlap(blocks, three)
        reads5 += b5 > 0
        reads3 += b3 > 0
        bases5 += b5
        bases3 += b3
    return reads5, reads3, bases5, bases3


def imbalance_row(bam, genes_by_name, sample_id, gene_name, first_3p_exon, settings):
    """One output row; counts and call blank if the gene is missing from the annotation or
    has no exon on one side of ``first_3p_exon``."""
    row = dict.fromkeys(COLUMNS, "")
    row.update(sample_id=sample_id, gene=gene_name)
    gene = genes_by_name.get(gene_name)
    if gene is None:
        print(f"{gene_name}: not in the annotation", file=sys.stderr)
        return row
    five, three = split_exons(gene, first_3p_exon)
    if not five or not three:
        print(f"{gene_name}: no exon on one side of exon {first_3p_exon}", file=sys.stderr)
        return row
    r5, r3, n5, n3 = exon_depth(bam, gene.contig, five, three)
    d5 = n5 / sum(e - s for s, e in five)
    d3 = n3 / sum(e - s for s, e in three)
    ratio = math.log2((d3 + PSEUDOCOUNT) / (d5 + PSEUDOCOUNT))
    called = ratio >= settings.min_log2_ratio and d3 >= settings.min_depth_3p
    row.update(
        reads_5p=r5,
        reads_3p=r3,
        depth_5p=round(d5, 3),
        depth_3p=round(d3, 3),
        log2_ratio_3p_5p=round(ratio, 3),
        imbalance="true" if called else "false",
    )
    return row


def kinase_imbalance(bam_path, gtf, sample_id, settings: ImbalanceSettings):
    """Rows for every kinase of ``settings.kinases``, in its order."""
    genes_by_name = {g.name: g for g in load_genes(gtf).values()}
    with pysam.AlignmentFile(bam_path) as bam:
        return [
            imbalance_row(bam, genes_by_name, sample_id, name, int(exon), settings)
            for name, exon in settings.kinases.items()
        ]


def write_imbalance(rows, path):
    """One sample's table (COLUMNS)."""
    write_tsv(rows, path, COLUMNS)


def gather_patient(patient, samples, tables, path):
    """The per-sample tables of a patient's RNA samples (``tables`` in ``samples`` order) as
    one table, patient_id and day first (PATIENT_COLUMNS); returns the number of rows."""
    rows = [
        {"patient_id": patient, "day": sample["day"], **row}
        for sample, table in zip(samples, tables)
        for row in read_tsv(table)
    ]
    write_tsv(rows, path, PATIENT_COLUMNS)
    return len(rows)
