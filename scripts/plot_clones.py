"""Rule plot_clones (rules/clones.smk): a patient's tumour-fraction track over a fish (Muller)
plot of its clusters, under its lines of therapy, as PNG and SVG."""

from resistance_timeline.clones.plots import plot_clones
from resistance_timeline.io.logs import log_to
from resistance_timeline.io.tables import read_tsv


def main(snakemake):
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    with log_to(snakemake.log[0]):
        plot_clones(
            read_tsv(inp.tumour_fraction),
            read_tsv(inp.clusters),
            read_tsv(inp.tree),
            params.treatments,
            params.patient,
            [out.png, out.svg],
        )


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
