"""Read a patient's inputs, run the analysis, write the three tables (rule estimate_clones)."""

import sys

import numpy as np

from resistance_timeline.clones import analysis as A
from resistance_timeline.clones.inputs import (
    copy_ratios,
    parsed_genes,
    sample_error_rates,
    somatic_counts,
    tumour_samples,
)
from resistance_timeline.clones.pooled import describe
from resistance_timeline.clones.tree import TREE_COLUMNS, tree_rows
from resistance_timeline.io.tables import read_tsv, write_tsv


def estimate_patient(patient_id, records, variants_tsv, vcf, genes_tsv, settings, outputs):
    """``records``: the patient's samples (sheet dicts); ``genes_tsv``: the copy-number table
    or None; ``outputs``: paths of tumour_fraction, clusters, variants, tree. Returns the
    tumour-fraction rows."""
    samples = tumour_samples(records)
    counts = somatic_counts(read_tsv(variants_tsv), samples)
    ids = [s.sample_id for s in samples]
    rates = sample_error_rates(vcf, ids)
    eps = np.array([rates[s] for s in ids])
    genes = parsed_genes(read_tsv(genes_tsv)) if genes_tsv else []
    by_sample = {}
    for g in genes:
        by_sample.setdefault(g["sample_id"], []).append(g)
    ratio = copy_ratios(counts.variants, samples, genes)
    tf_rows, cluster_rows, variant_rows, fit = A.analyse(
        patient_id, counts, eps, ratio, by_sample, settings
    )
    write_tsv(tf_rows, outputs["tumour_fraction"], A.TF_COLUMNS)
    write_tsv(cluster_rows, outputs["clusters"], A.CLUSTER_COLUMNS)
    write_tsv(variant_rows, outputs["variants"], A.VARIANT_COLUMNS)
    rows, tree = tree_rows(patient_id, cluster_rows)
    write_tsv(rows, outputs["tree"], TREE_COLUMNS)
    print(
        f"{patient_id}: {len(counts.variants)} somatic variants, {len(ids)} samples",
        file=sys.stderr,
    )
    if fit is not None:
        bic = ", ".join(f"K={k}: {b:.1f}" for k, b in fit.bic_by_k.items())
        print(f"  clusters by BIC: {len(fit.weights)} ({bic})", file=sys.stderr)
    parents = ", ".join(f"{r['cluster']} < {r['parent']}" for r in rows if r["parent"])
    print(
        f"  clone tree: {parents or 'the truncal cluster alone'}; {tree.fitting} tree(s) fit"
        f" the fractions (sum rule {'holds' if tree.holds else 'violated'})",
        file=sys.stderr,
    )
    for s, r in zip(ids, tf_rows):
        limit = float(r["pooled_detection_limit"]) if r["pooled_detection_limit"] else None
        print(
            f"  {s}: error {rates[s]:.2g}; TF {r['tumour_fraction']} [{r['tf_low']},"
            f" {r['tf_high']}]; {describe(r['tumour_detected'] == 'true', limit)}"
            f" (pooled p {r['pooled_pvalue']})",
            file=sys.stderr,
        )
    return tf_rows
