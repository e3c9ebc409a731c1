"""Rule plot_timeline (rules/timeline.smk): one patient's events over its samples' days, under
its lines of therapy (variant VAFs, copy number, fusions, expression and pathway changes), as
PNG and SVG."""

from resistance_timeline.io.logs import log_to
from resistance_timeline.io.tables import read_tsv
from resistance_timeline.timeline.figure import plot_patient_timeline


def main(snakemake):
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    with log_to(snakemake.log[0]):
        plot_patient_timeline(
            read_tsv(inp.timeline),
            read_tsv(inp.events),
            params.treatments,
            params.patient,
            [out.png, out.svg],
            params.settings,
            params.samples,
        )


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
