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
log2((depth_3p + pseudocount) / (depth_5p + pseudocount)).
"""

import math
import sys

import pysam

from annotation import Gene, load_genes
from tables import write_tsv

COLUMNS = ["sample_id", "gene", "reads_5p", "reads_3p", "depth_5p", "depth_3p", "log2_ratio_3p_5p", "imbalance"]
DEFAULT_KINASES = {"ALK": 20, "ROS1": 34, "RET": 12}


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


def imbalance_row(bam, genes_by_name, sample_id, gene_name, first_3p_exon, min_log2_ratio=2.0,
                  min_depth_3p=5.0, pseudocount=1.0):  # fmt: skip
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
    ratio = math.log2((d3 + pseudocount) / (d5 + pseudocount))
    row.update(reads_5p=r5, reads_3p=r3, depth_5p=round(d5, 3), depth_3p=round(d3, 3),
               log2_ratio_3p_5p=round(ratio, 3),
               imbalance="true" if ratio >= min_log2_ratio and d3 >= min_depth_3p else "false")  # fmt: skip
    return row


def kinase_imbalance(bam_path, gtf, sample_id, kinases=None, min_log2_ratio=2.0, min_depth_3p=5.0,
                     pseudocount=1.0):  # fmt: skip
    """Rows for every kinase of ``kinases`` ({gene name: first 3' exon number})."""
    genes_by_name = {g.name: g for g in load_genes(gtf).values()}
    with pysam.AlignmentFile(bam_path) as bam:
        return [imbalance_row(bam, genes_by_name, sample_id, name, int(exon), min_log2_ratio,
                              min_depth_3p, pseudocount)
                for name, exon in (kinases or DEFAULT_KINASES).items()]  # fmt: skip


def main(snakemake):
    """Snakemake entry point (rule kinase_imbalance)."""
    with open(snakemake.log[0], "w") as log:
        sys.stderr = log
        p = snakemake.params
        rows = kinase_imbalance(snakemake.input.bam, snakemake.input.gtf, p.sample_id,
                                dict(getattr(p, "kinases", None) or DEFAULT_KINASES),
                                float(getattr(p, "min_log2_ratio", 2.0)), float(getattr(p, "min_depth_3p", 5.0)),
                                float(getattr(p, "pseudocount", 1.0)))  # fmt: skip
        write_tsv(rows, snakemake.output[0], COLUMNS)
        print(f"{sum(r['imbalance'] == 'true' for r in rows)} of {len(rows)} kinases imbalanced", file=log)


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
