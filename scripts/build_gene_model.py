"""Rule build_gene_model (rules/reference.smk): the GTF parsed once into the compact gene model
that the later RNA rules read (io/gene_model.py)."""

from resistance_timeline.io.gene_model import build_model
from resistance_timeline.io.logs import log_to


def main(snakemake):
    with log_to(snakemake.log[0]) as log:
        model = build_model(snakemake.input[0], snakemake.output[0])
        print(f"{len(model.order)} genes, {len(model.genes)} with a transcript model", file=log)


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
