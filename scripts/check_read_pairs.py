"""Entry of rule check_read_pairs (rules/reads.smk): a unit's two FASTQs are whole and mates
of one another (same reads, same order); see resistance_timeline.io.read_pairs. A unit that
fails stops here, with the reason in the log and on the console."""

import sys

from resistance_timeline.io.logs import log_to
from resistance_timeline.io.read_pairs import ReadPairError, count_pairs


def main(snakemake):
    with log_to(snakemake.log[0]) as log:
        wildcards = snakemake.wildcards
        try:
            pairs = count_pairs(snakemake.input.r1, snakemake.input.r2)
        except ReadPairError as error:
            message = f"ERROR: unit {wildcards.unit} of sample {wildcards.sample}: {error}"
            print(message, file=log)
            print(message, file=sys.__stderr__)  # the reason on the console too
            sys.exit(1)
        with open(snakemake.output[0], "w") as out:
            out.write(f"sample_id\tunit_id\tread_pairs\n{wildcards.sample}\t{wildcards.unit}\t")
            out.write(f"{pairs}\n")
        print(f"{pairs} read pairs, names in step", file=log)


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
