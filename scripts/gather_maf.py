"""Rule gather_maf: every patient's MAF in one (resistance_timeline.dna.maf)."""

from resistance_timeline.dna.maf import cohort_maf
from resistance_timeline.io.logs import log_to


def main(snakemake):
    with log_to(snakemake.log[0]) as log:
        paths = list(snakemake.input)
        n = cohort_maf(paths, snakemake.output[0])
        print(f"{n} MAF rows from {len(paths)} patients", file=log)


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
