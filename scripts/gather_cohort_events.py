"""Rule gather_cohort_events: every patient's events table (build_timeline) in one cohort
table."""

from resistance_timeline.io.logs import log_to
from resistance_timeline.timeline.build import gather_events


def main(snakemake):
    with log_to(snakemake.log[0]) as log:
        paths = list(snakemake.input.events)
        n = gather_events(paths, snakemake.output[0])
        print(f"{n} events from {len(paths)} patients", file=log)


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
