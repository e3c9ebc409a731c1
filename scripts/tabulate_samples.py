"""Rule tabulate_samples: the cohort's sample table with the lab's own samples.tsv columns
(resistance_timeline.timeline.samples)."""

from resistance_timeline.io.logs import log_to
from resistance_timeline.timeline.samples import COLUMNS, sample_rows, write_sample_table


def main(snakemake):
    with log_to(snakemake.log[0]) as log:
        p = snakemake.params
        columns, rows = sample_rows(p.samples, p.unit_kinds, p.treatments, p.own)
        write_sample_table(snakemake.output[0], columns, rows)
        own = columns[len(COLUMNS) :]
        print(f"{len(rows)} samples; the lab's own columns: {', '.join(own) or 'none'}", file=log)


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
