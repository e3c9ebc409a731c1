"""Entry of rule split_targets (rules/dna_variants.smk): the capture targets in calling.scatter
chunks balanced by target bases; see resistance_timeline.dna.chunks."""

from resistance_timeline.dna.chunks import split_targets
from resistance_timeline.io.logs import log_to


def main(snakemake):
    with log_to(snakemake.log[0]):
        split_targets(snakemake.input[0], list(snakemake.output))


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
