"""Gene counts of an aligned RNA BAM, written in STAR's ReadsPerGene.out.tab format, so that
samples given as BAM join the same count matrix as samples aligned by the workflow.

Counting follows STAR's --quantMode GeneCounts (itself htseq-count's default "union" mode): a
fragment counts for a gene when its aligned blocks (both mates) overlap exons of that gene and
of no other gene; overlapping several genes is N_ambiguous, none N_noFeature; fragments with
NH > 1 are N_multimapping. Three columns: unstranded; read 1 on the gene's strand (forward);
read 1 on the opposite strand (reverse). Secondary, supplementary and QC-failed records are
skipped; duplicates are counted, as STAR does.
"""

from collections import defaultdict

import pysam

from resistance_timeline.io.gene_model import load_annotation

SUMMARY_ROWS = ("N_unmapped", "N_multimapping", "N_noFeature", "N_ambiguous")
BIN = 100_000


class ExonIndex:
    """Exons of every transcript of every gene (merged per gene), looked up by contig and
    interval; from a GTF or the gene model (io/gene_model.py)."""

    def __init__(self, annotation_path):
        annotation = load_annotation(annotation_path, ("unions",))
        self.genes = list(annotation.order)  # gene ids in file order
        self.bins = defaultdict(list)  # (contig, bin) -> [(start, end, gene_id, strand)]
        for gene, (contig, strand, intervals) in annotation.unions.items():
            for a, b in intervals:
                start, end = a - 1, b  # 0-based half-open
                for k in range(start // BIN, (end - 1) // BIN + 1):
                    self.bins[(contig, k)].append((start, end, gene, strand))

    def genes_overlapping(self, contig, blocks):
        """{gene_id: strand} of the genes whose exons overlap any of the blocks."""
        hits = {}
        for start, end in blocks:
            for b in range(start // BIN, (end - 1) // BIN + 1):
                for e_start, e_end, gene, strand in self.bins.get((contig, b), ()):
                    if e_start < end and start < e_end:
                        hits[gene] = strand
        return hits


def fragments(bam):
    """Yield (read1-like record, blocks of both mates, contig) per fragment, and (None, ...)
    for unmapped fragments. Mates are joined by name in a coordinate-sorted BAM."""
    pending = {}
    for read in bam.fetch(until_eof=True):
        if read.is_secondary or read.is_supplementary or read.is_qcfail:
            continue
        if read.is_unmapped:
            if not read.is_paired or read.is_read1 and read.mate_is_unmapped:
                yield None, [], None
            continue
        paired = read.is_paired and not read.mate_is_unmapped
        if not paired:
            yield read, read.get_blocks(), read.reference_name
            continue
        mate = pending.pop(read.query_name, None)
        if mate is None:
            pending[read.query_name] = read
            continue
        first = read if read.is_read1 else mate
        blocks = mate.get_blocks() + read.get_blocks()
        # mates on two contigs (chimeric): STAR counts neither; treat as no feature
        contig = read.reference_name if read.reference_name == mate.reference_name else None
        yield first, blocks, contig
    for read in pending.values():  # mate filtered out or missing: count the read alone
        yield read, read.get_blocks(), read.reference_name


def count(bam_path, gtf_path):
    """Counts per gene and the four summary rows, each as [unstranded, forward, reverse]."""
    index = ExonIndex(gtf_path)
    genes = {g: [0, 0, 0] for g in index.genes}
    summary = {k: [0, 0, 0] for k in SUMMARY_ROWS}
    with pysam.AlignmentFile(bam_path) as bam:
        for first, blocks, contig in fragments(bam):
            if first is None:
                summary["N_unmapped"] = [n + 1 for n in summary["N_unmapped"]]
                continue
            if first.has_tag("NH") and first.get_tag("NH") > 1:
                summary["N_multimapping"] = [n + 1 for n in summary["N_multimapping"]]
                continue
            hits = index.genes_overlapping(contig, blocks) if contig else {}
            # the strand of read 1 (a read 2 alone stands for the opposite strand)
            read1_minus = first.is_reverse != (first.is_paired and first.is_read2)
            read1_strand = "-" if read1_minus else "+"
            by_column = (
                list(hits),  # unstranded
                [g for g, strand in hits.items() if strand == read1_strand],  # forward
                [g for g, strand in hits.items() if strand != read1_strand],  # reverse
            )
            for column, chosen in enumerate(by_column):
                if not chosen:
                    summary["N_noFeature"][column] += 1
                elif len(chosen) > 1:
                    summary["N_ambiguous"][column] += 1
                else:
                    genes[chosen[0]][column] += 1
    return genes, summary


def write_reads_per_gene(genes, summary, path):
    """STAR's ReadsPerGene.out.tab layout: four summary rows, then one row per gene."""
    with open(path, "w") as out:
        for key in SUMMARY_ROWS:
            out.write("\t".join([key, *map(str, summary[key])]) + "\n")
        for gene, values in genes.items():
            out.write("\t".join([gene, *map(str, values)]) + "\n")
