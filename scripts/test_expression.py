"""Rule test_expression (rules/rna_expression.smk): the cohort's normalized expression, pre vs
post differential expression per line of therapy (cohort DESeq2 models and per-patient
contrasts), pathway activity per sample and gene-set tests per contrast."""

import sys

from resistance_timeline.expression.analysis import run_test_expression
from resistance_timeline.io.logs import log_to


def main(snakemake):
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    with log_to(snakemake.log[0]) as log:
        results = run_test_expression(
            inp.counts,
            list(inp.gene_sets),
            params.samples,
            params.treatments,
            params.settings,
            snakemake.threads,
            {
                "normalized": out.normalized,
                "pathways": out.pathways,
                "gene_set_tests": out.gene_set_tests,
                "patient_contrasts": list(out.patient_contrasts),
                "cohort_contrasts": list(out.cohort_contrasts),
            },
        )
        for message in results.messages:
            print(message, file=log)
        for warning in results.warnings:
            print(f"WARNING: {warning}", file=log)
            print(f"WARNING: {warning}", file=sys.__stderr__)  # the console, too


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
