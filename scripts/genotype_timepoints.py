"""Entry of rule genotype_timepoints (rules/dna_variants.smk): measure every candidate of a
patient in every WES sample; see resistance_timeline.dna.genotyper."""

from resistance_timeline.dna.genotyper import genotype_timepoints
from resistance_timeline.io.logs import log_to


def main(snakemake):
    with log_to(snakemake.log[0]):
        genotype_timepoints(
            candidates=snakemake.input.candidates,
            bams=list(snakemake.input.bams),
            fasta=snakemake.input.fasta,
            samples=list(snakemake.params.samples),
            thresholds=dict(snakemake.params.thresholds),
            out_vcf=snakemake.output.vcf,
            out_tbi=snakemake.output.tbi,
            threads=snakemake.threads,
            targets=snakemake.input.targets,
            ch_genes=snakemake.input.ch_genes,
            panel=getattr(snakemake.input, "panel", None) or None,
        )


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
