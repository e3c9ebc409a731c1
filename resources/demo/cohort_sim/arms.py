"""Arm-level copy changes in NB01's relapse plasma (issue 27, part 4; generator version 11).

Copy number can measure a plasma sample's tumour fraction only where the tumour's genome has
changed over long stretches (clones/segment_fit.py). Neuroblastoma's relapse genomes typically
have: 11q deleted, whole chromosomes gained (6, 7, 17). Here NB01's relapse tumour cells (the
relapse plasma, NB01-P2, truth tumour fraction 0.2) have lost one copy of chr11 and gained one
of chr6; every other NB01 sample is copy-neutral there.

Both are contigs of their own, appended after the demo genome's last contig, each with two
genes of many exons (their CDS exon sizes spread as the other genes'), so the segmenter needs
no breakpoint and the contig is one segment of about 70 bins: enough that the segment's mean is
measured to about 0.03 in log2 at 500x, where one copy lost reads -0.152 and one gained
+0.138 at a tumour fraction of 0.2. Why new contigs rather than stretches of chr1 and chr17
(1p, 17q), measured in stop 39's drafts: a stretch appended to a contig must be split from it
by CBS, which at the demo's bin noise did not happen. (CNVkit's CBS seeds R once per run and
draws chromosome after chromosome, in name order, so bins added before chr8 change the draws
that split NB01's FGFR1 amplicon; chr6 sorts before chr8 too, and the amplicon stayed split
on version 11, checked, but the next change there may not be so lucky.)

Everything here draws from streams of its own (the genes: "arm_genes"; capture efficiencies:
"arm_design"; each sample's reads: "<sample>:arms_region", stretches.stretch_reads), and the
reads are appended to every WES FASTQ as a gzip member of their own from tile 2301, so every
read of version 10 stays as it was. Every patient's libraries have reads there, unlike the CH
genes' (NB01's only): with 140 bins of no coverage, a third of IMT01's and IMT02's, CNVkit's
reference took bins with and without coverage into the same windows of its GC correction
and some of IMT01's bins (BG03's, BG39's) read log2 13 and were dropped. The genes are not
expressed.
"""

from __future__ import annotations

import math

import numpy as np

from .design import copy_ratio
from .genome import lay_out_contig, target_intervals
from .stretches import Stretch

STREAM = "arms"
PATIENT = "NB01"
CARRIERS = ("NB01-P2",)  # the samples whose tumour cells carry the changes
EXONS, AMINO_ACIDS = 35, 1750  # CDS exons of 90-210 bp, as the other genes' (60-250)
# contig: (tumour copies of haplotype 0, of haplotype 1), genes (name, strand)
ARM_CONTIGS = {
    "chr11": ((1, 0), (("NCAM1", "+"), ("CADM1", "-"))),
    "chr6": ((2, 1), (("HDAC2", "-"), ("ARID1B", "+"))),
}


def add_arm_contigs(rng, contigs: dict[str, np.ndarray], first_idx: int):
    """(contigs with ARM_CONTIGS appended, {name: Gene}), laid out as the others
    (genome.lay_out_contig); gene ids from ``first_idx``."""
    contigs, genes = dict(contigs), {}
    for contig, (_, names) in ARM_CONTIGS.items():
        specs = {n: (contig, strand, AMINO_ACIDS, EXONS, 0, None, {}, None) for n, strand in names}
        contigs[contig], more = lay_out_contig(rng, list(specs), first_idx + len(genes), specs)
        genes.update(more)
    return contigs, genes


def design_arms(gene_rng, design_rng, contigs, first_idx: int):
    """(extended contigs, Stretch): the arm contigs and a lognormal bait efficiency per target
    (mean 1 over their bases, as the other targets')."""
    contigs, genes = add_arm_contigs(gene_rng, contigs, first_idx)
    targets = target_intervals(genes)
    eff = design_rng.lognormal(0.0, 0.35, len(targets))
    eff = eff / np.average(eff, weights=[b - a for _, a, b, _ in targets])
    spans = {c: (0, len(contigs[c])) for c in ARM_CONTIGS}
    # every patient's libraries: an exome captures the same targets in each, and targets no
    # normal covers corrupt CNVkit's reference (its GC and edge corrections take windows of
    # bins with and without coverage alike: with 37% of the bins empty, some of IMT01's read
    # log2 13 and were dropped)
    return contigs, Stretch(STREAM, None, genes, targets, eff, spans, 2301, source="tumour")


def copies(sample_id: str, contig: str) -> tuple[int, int]:
    """Tumour copies (haplotype 0, haplotype 1) of an arm contig in a sample."""
    return ARM_CONTIGS[contig][0] if sample_id in CARRIERS else (1, 1)


def ratios(sample) -> dict[str, float]:
    """{arm contig: expected copy ratio} of a sample (design.Sample)."""
    return {c: copy_ratio(copies(sample.sample, c), sample.purity) for c in ARM_CONTIGS}


def truth_rows(design) -> list[tuple]:
    """truth/arms.tsv rows: every NB01 WES sample x arm contig."""
    rows = []
    for s in design.samples:
        if s.patient != PATIENT or s.assay != "wes":
            continue
        for contig in ARM_CONTIGS:
            c = copies(s.sample, contig)
            ratio = copy_ratio(c, s.purity)
            n = len(design.contigs[contig])
            rows.append(
                (s.patient, s.sample, contig, 1, n, sum(c), s.purity, round(math.log2(ratio), 4))
            )
    return rows


TRUTH_HEADER = [
    "patient_id",
    "sample_id",
    "contig",
    "start",
    "end",
    "tumour_copy_number",
    "tumour_fraction",
    "expected_log2",
]
