"""Rule count_rna_bam (rules/rna_align.smk): gene counts of an imported RNA BAM in STAR's
ReadsPerGene.out.tab format, so it joins the count matrix like a STAR-aligned sample."""

from resistance_timeline.io.logs import log_to
from resistance_timeline.rna.gene_counts import count, write_reads_per_gene


def main(snakemake):
    with log_to(snakemake.log[0]) as log:
        genes, summary = count(snakemake.input.bam, snakemake.input.genes)
        write_reads_per_gene(genes, summary, snakemake.output[0])
        print(f"{sum(v[0] for v in genes.values())} fragments assigned (unstranded)", file=log)


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
