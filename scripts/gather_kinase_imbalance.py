"""Rule gather_kinase_imbalance (rules/rna_fusions.smk): the kinase imbalance tables of a
patient's RNA samples as one table, results/fusions/{patient}.kinase_imbalance.tsv."""

from resistance_timeline.io.logs import log_to
from resistance_timeline.rna.kinase_imbalance import gather_patient


def main(snakemake):
    params = snakemake.params
    tables = list(snakemake.input)  # the per-sample tables, in params.samples order
    with log_to(snakemake.log[0]) as log:
        n = gather_patient(params.patient, params.samples, tables, snakemake.output[0])
        print(f"{n} kinase × sample rows for {params.patient}", file=log)


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
