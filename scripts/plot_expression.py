"""Rule plot_expression (rules/rna_expression.smk): a patient's volcano and MA plots (one
panel per contrast) and the time course of its changed genes and pathway scores, as PNG."""

from resistance_timeline.expression.plots import plot_patient_expression
from resistance_timeline.io.logs import log_to
from resistance_timeline.io.tables import read_tsv


def main(snakemake):
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    with log_to(snakemake.log[0]):
        plot_patient_expression(
            read_tsv(inp.contrasts),
            read_tsv(inp.normalized),
            read_tsv(inp.pathways),
            params.patient,
            params.samples,
            params.settings,
            {"volcano": out.volcano, "ma": out.ma, "timecourse": out.timecourse},
        )


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
