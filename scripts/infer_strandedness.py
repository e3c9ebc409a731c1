"""Rule infer_strandedness (rules/rna_align.smk): a sample's library strandedness inferred
from its gene counts, checked against rna: strandedness, and the value the RNA rules use."""

import sys

from resistance_timeline.io.logs import log_to
from resistance_timeline.rna.count_matrix import read_gene_counts
from resistance_timeline.rna.strandedness import verdict, write_verdict


def main(snakemake):
    params = snakemake.params
    with log_to(snakemake.log[0]) as log:
        _, genes = read_gene_counts(snakemake.input[0])
        row = verdict(params.sample_id, genes, params.configured)
        write_verdict(row, snakemake.output[0])
        print(f"{params.sample_id}: inferred {row['inferred']}, using {row['used']}", file=log)
        if row["warning"]:
            for stream in (log, sys.__stderr__):  # the console, too
                print(f"WARNING: {params.sample_id}: {row['warning']}", file=stream)


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
