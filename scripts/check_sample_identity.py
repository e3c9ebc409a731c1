"""Entry of rule check_sample_identity (rules/dna_variants.smk): germline concordance between
every pair of a patient's WES samples; see resistance_timeline.dna.identity."""

import sys

from resistance_timeline.dna.identity import (
    concordance,
    read_sites,
    swap_warnings,
    write_identity,
)
from resistance_timeline.io.logs import log_to


def main(snakemake):
    with log_to(snakemake.log[0]) as log:
        settings = snakemake.params.settings
        samples, sites = read_sites(snakemake.input.vcf)
        rows = concordance(sites, samples, settings)
        write_identity(rows, snakemake.output[0])
        for message in swap_warnings(rows, settings):
            print(message, file=log)
            print(message, file=sys.__stderr__)  # also on the console


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
