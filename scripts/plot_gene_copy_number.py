"""Rule plot_gene_copy_number (rules/dna_cnv.smk): the patient's changed genes across its
tumour and cfDNA samples, as PNG and SVG."""

from resistance_timeline.cnv.plots import plot_patient_copy_number
from resistance_timeline.io.logs import log_to
from resistance_timeline.io.tables import read_tsv


def main(snakemake):
    with log_to(snakemake.log[0]):
        rows = read_tsv(snakemake.input[0])
        plot_patient_copy_number(
            rows, snakemake.params.samples, snakemake.params.patient, list(snakemake.output)
        )


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
