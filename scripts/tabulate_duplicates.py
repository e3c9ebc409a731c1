"""Rule tabulate_duplicates (rules/dna_align.smk): the duplicate rate of every WES sample, as
marked and, for UMI libraries, by position alone (resistance_timeline.dna.umi)."""

from resistance_timeline.dna.umi import duplicate_rows, write_duplicates
from resistance_timeline.io.logs import log_to


def main(snakemake):
    inp, params = snakemake.input, snakemake.params
    with log_to(snakemake.log[0]) as log:
        samples = list(params.samples)
        stats = dict(zip((s["sample_id"] for s in samples), inp.stats))
        umi_samples = [s["sample_id"] for s in samples if s["umi"]]
        by_position = dict(zip(umi_samples, inp.by_position))
        rows = duplicate_rows(samples, stats, by_position)
        write_duplicates(rows, snakemake.output[0])
        print(f"{len(rows)} WES samples, {len(umi_samples)} with UMIs", file=log)


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
