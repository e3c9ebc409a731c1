"""Rule write_maf: a patient's somatic variants as MAF (resistance_timeline.dna.maf)."""

from resistance_timeline.dna.maf import patient_maf
from resistance_timeline.io.logs import log_to


def main(snakemake):
    with log_to(snakemake.log[0]) as log:
        n = patient_maf(snakemake.input[0], snakemake.params.build, snakemake.output[0])
        print(f"{n} MAF rows (somatic variants x samples where detected)", file=log)


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
