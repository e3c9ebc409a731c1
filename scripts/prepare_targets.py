"""Rule prepare_targets: the capture BED as four columns with gene names, sorted and merged
(resistance_timeline.dna.targets)."""

import sys

from resistance_timeline.dna.targets import prepare_targets
from resistance_timeline.io.logs import log_to


def main(snakemake):
    with log_to(snakemake.log[0]) as log:
        for line in prepare_targets(snakemake.input.bed, snakemake.input.gff3, snakemake.output[0]):
            print(line, file=log)
            if line.startswith("warning:"):
                print(f"resistance-timeline: {line}", file=sys.__stderr__)


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
