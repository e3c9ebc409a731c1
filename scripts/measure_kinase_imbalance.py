"""Rule measure_kinase_imbalance (rules/rna_fusions.smk): 3'/5' expression imbalance of the
fusion kinases in one RNA sample."""

from resistance_timeline.io.logs import log_to
from resistance_timeline.rna.kinase_imbalance import (
    ImbalanceSettings,
    kinase_imbalance,
    write_imbalance,
)


def main(snakemake):
    with log_to(snakemake.log[0]) as log:
        settings = ImbalanceSettings.from_params(snakemake.params.settings)
        rows = kinase_imbalance(
            snakemake.input.bam, snakemake.input.genes, snakemake.params.sample_id, settings
        )
        write_imbalance(rows, snakemake.output[0])
        n = sum(r["imbalance"] == "true" for r in rows)
        print(f"{n} of {len(rows)} kinases imbalanced", file=log)


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
