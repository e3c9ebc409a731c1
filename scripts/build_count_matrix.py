"""Rule build_count_matrix (rules/rna_expression.smk): the cohort gene-count matrix from the
per-sample gene counts, and the per-sample summary with its strandedness."""

import sys

from resistance_timeline.io.logs import log_to
from resistance_timeline.rna.count_matrix import build, write_matrix, write_summary
from resistance_timeline.rna.strandedness import read_verdict


def main(snakemake):
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    with log_to(snakemake.log[0]) as log:
        verdicts = [read_verdict(p) for p in inp.strandedness]
        rows, summary, warnings = build(inp.counts, params.samples, inp.genes, verdicts)
        write_matrix(rows, params.samples, out.counts)
        write_summary(summary, out.summary)
        for warning in warnings:
            print(f"WARNING: {warning}", file=log)
            print(f"WARNING: {warning}", file=sys.__stderr__)  # the console, too


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
