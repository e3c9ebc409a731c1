"""Rule plot_cohort_expression (rules/rna_expression.smk): a cohort contrast's volcano and MA
plots, as PNG."""

from resistance_timeline.expression.plots import plot_cohort_contrast
from resistance_timeline.io.logs import log_to
from resistance_timeline.io.tables import read_tsv


def main(snakemake):
    out, params = snakemake.output, snakemake.params
    with log_to(snakemake.log[0]):
        plot_cohort_contrast(
            read_tsv(snakemake.input[0]),
            params.contrast,
            params.pairs,
            {"volcano": out.volcano, "ma": out.ma},
        )


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
