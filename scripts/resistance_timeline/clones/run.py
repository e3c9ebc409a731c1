"""Read a patient's inputs, run the analysis, write the three tables (rule estimate_clones)."""

import sys
from pathlib import Path

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
from resistance_timeline.clones.segment_fit import fit_segments
from resistance_timeline.clones.tree import TREE_COLUMNS, tree_rows
from resistance_timeline.cnv.gene_calls import read_segments
from resistance_timeline.io.tables import read_tsv, write_tsv


def estimate_patient(
    patient_id, records, variants_tsv, vcf, genes_tsv, segments, settings, outputs
):
    """``records``: the patient's samples (sheet dicts); ``genes_tsv``: the copy-number table
    or None; ``segments``: CNVkit segment tables (``<sample>.cns``) of its tumour and cfDNA
    samples; ``outputs``: paths of tumour_fraction, clusters, variants, tree. Returns the
    tumour-fraction rows."""
    samples = tumour_samples(records)
    fits = {
        Path(path).name.removesuffix(".cns"): fit_segments(
            read_segments(path), settings["segment_fit"]
        )
        for path in segments
    }
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
        patient_id, counts, eps, ratio, by_sample, settings, fits
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
        cn = fits.get(s)
        print(
            f"  {s}: error {rates[s]:.2g}; TF {r['tumour_fraction']} [{r['tf_low']},"
            f" {r['tf_high']}]; {describe(r['tumour_detected'] == 'true', limit)}"
            f" (pooled p {r['pooled_pvalue']}); copy number: {r['cnv_method'] or 'none'}"
            f" {r['cnv_estimate']} [{r['cnv_low']}, {r['cnv_high']}]"
            + (
                f" (segment fit: {len(cn.changed)} of {cn.used} segments changed, copy"
                f" states {cn.states}, noise tau {cn.tau:.3f})"
                if cn
                else ""
            ),
            file=sys.stderr,
        )
    return tf_rows
