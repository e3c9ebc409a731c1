"""Entry of rule check_sample_identity (rules/dna_variants.smk): genotype concordance between
every pair of a patient's WES samples; see resistance_timeline.dna.identity."""

import sys

from resistance_timeline.dna.identity import check_identity
from resistance_timeline.io.logs import log_to


def main(snakemake):
    with log_to(snakemake.log[0]) as log:
        _, warnings, notes = check_identity(
            vcf=snakemake.input.vcf,
            cns=list(snakemake.input.segments),
            bams=list(snakemake.input.bams),
            fasta=snakemake.input.fasta,
            panel=snakemake.input.panel or None,
            params={
                "settings": snakemake.params.settings,
                "samples": snakemake.params.samples,
                "tumours": snakemake.params.tumours,
                "counting": snakemake.params.counting,
                "neutral_max_abs_log2": snakemake.params.neutral_max_abs_log2,
                "panel_auto": snakemake.params.panel_auto,
                "threads": snakemake.threads,
            },
            out_path=snakemake.output[0],
        )
        for note in notes:
            print(note, file=log)
        for message in warnings:
            print(message, file=log)
            print(message, file=sys.__stderr__)  # also on the console


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
