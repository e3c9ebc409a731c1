"""A patient's clone analysis (rule estimate_clones): cluster the somatic variants, take the
truncal cluster's prevalence as each sample's tumour fraction, test tumour presence by pooling,
and give every variant and cluster its cancer cell fraction. Returns the rows of the three
tables (COLUMNS); the methods are in the sibling modules' docstrings."""

from dataclasses import dataclass

import numpy as np

from resistance_timeline.clones import pooled
from resistance_timeline.clones.ccf import (
    ccf_of,
    cluster_ccf,
    multiplicity,
    presence,
    prevalence_from_vaf,
)
from resistance_timeline.clones.clustering import cluster_variants
from resistance_timeline.clones.segment_fit import cnv_fraction
from resistance_timeline.clones.tumour_fraction import (
    cnv_estimate,
    dispersion,
    fit_prevalence,
    profile_interval,
)
from resistance_timeline.timeline.rows import fmt

TF_COLUMNS = [
    *["sample_id", "day", "material", "tumour_fraction", "tf_low", "tf_high", "variants_used"],
    *["method", "cnv_estimate", "cnv_low", "cnv_high", "cnv_method", "sheet_purity"],
    *["tumour_detected", "pooled_pvalue", "pooled_detection_limit"],
]
CLUSTER_COLUMNS = [
    *["patient_id", "cluster", "truncal", "variants", "members", "sample_id", "day", "material"],
    *["prevalence", "ccf", "ccf_low", "ccf_high", "status", "note"],
]
VARIANT_COLUMNS = [
    *["patient_id", "contig", "pos", "ref", "alt", "gene", "protein", "sample_id", "day"],
    *["material", "alt_reads", "depth", "vaf", "copy_ratio", "multiplicity", "ccf", "ccf_low"],
    *["ccf_high", "cluster", "cluster_probability"],
]
MAX_MEMBERS_NAMED = 4


@dataclass
class SampleFraction:
    tf: float | None
    low: float | None
    high: float | None
    used: int
    detected: bool
    pvalue: float | None
    limit: float | None


def _pvalue(p):
    return "" if p is None else f"{p:.3g}"


def _tumour_fractions(counts, scale, eps, members, alpha):
    """SampleFraction per sample from the truncal cluster's variants (``members``: bool V)."""
    out = []
    for j in range(len(counts.samples)):
        a, d, sc = counts.alt[members, j], counts.depth[members, j], scale[members, j]
        covered = d > 0
        if not covered.any():
            out.append(SampleFraction(None, None, None, 0, False, None, None))
            continue
        phi = float(fit_prevalence(a, d, sc, eps[j]))
        disp = dispersion(phi, a, d, sc, eps[j])
        _, low, high = profile_interval(a, d, sc, eps[j], phi_hat=phi, scale_chi2=disp)
        # pooled test: truncal variants known from another sample (not selected on this one)
        others = np.delete(counts.detected[members], j, axis=1).any(axis=1)
        pa, pd_, ps = a[others], d[others], sc[others]
        p = pooled.pooled_pvalue(pa, pd_, eps[j]) if others.any() else None
        limit = pooled.detection_limit(pd_, ps, eps[j], alpha) if others.any() else None
        detected = p is not None and p < alpha
        out.append(SampleFraction(phi, low, high, int(covered.sum()), detected, p, limit))
    return out


def _multiplicities(counts, ratio, eps, fractions):
    """Variant copies (ccf.multiplicity) judged in the sample with the highest TF."""
    tfs = [f.tf if f.detected and f.tf else 0.0 for f in fractions]
    best = int(np.argmax(tfs))
    m = np.ones(len(counts.variants))
    if not tfs[best]:
        return m
    for i in range(len(counts.variants)):
        d = counts.depth[i, best]
        vaf = counts.alt[i, best] / d if d else None
        phi = prevalence_from_vaf(vaf, 1 / (2 * ratio[i, best]), eps[best])
        m[i] = multiplicity(phi, tfs[best], ratio[i, best])
    return m


def analyse(patient_id, counts, eps, ratio, genes_by_sample, settings, segment_fits=None):
    """(tumour-fraction rows, cluster rows, variant rows, clustering) of one patient.
    ``eps``: error rate per sample (S,); ``ratio``: copy ratio per variant × sample;
    ``genes_by_sample``: parsed copy-number rows per sample id; ``settings``: clones config;
    ``segment_fits``: segment_fit.SegmentFit (or None) per sample id."""
    fits = segment_fits or {}
    samples, n_var = counts.samples, len(counts.variants)
    alpha = settings["alpha"]
    if n_var == 0:
        tf_rows = [
            _tf_row(s, None, "no_somatic_variants", genes_by_sample, fits.get(s.sample_id))
            for s in samples
        ]
        return tf_rows, [], [], None
    m = np.ones(n_var)
    for _ in range(2):  # once with m = 1, again if a variant's copies say otherwise
        scale = m[:, None] / (2 * ratio)
        fit = cluster_variants(
            counts.alt,
            counts.depth,
            scale,
            eps,
            settings["max_clusters"],
            settings["restarts"],
            settings["seed"],
        )
        labels = fit.labels
        fractions = _tumour_fractions(counts, scale, eps, labels == 0, alpha)
        new_m = _multiplicities(counts, ratio, eps, fractions)
        if np.array_equal(new_m, m):
            break
        m = new_m
    tf_rows = []
    for j, s in enumerate(samples):
        adjusted = bool((ratio[labels == 0, j] != 1.0).any())
        method = "truncal_variants_copy_adjusted" if adjusted else "truncal_variants"
        tf_rows.append(_tf_row(s, fractions[j], method, genes_by_sample, fits.get(s.sample_id)))
    names = [f"C{k + 1}" for k in range(len(fit.weights))]
    cluster_rows = _cluster_rows(patient_id, counts, scale, eps, fit, fractions, names, settings)
    variant_rows = _variant_rows(patient_id, counts, scale, ratio, m, eps, fit, fractions, names)
    return tf_rows, cluster_rows, variant_rows, fit


def _tf_row(s, f, method, genes_by_sample, segment_fit):
    loh = cnv_estimate(genes_by_sample.get(s.sample_id, []))
    estimate, low, high, cnv_method = cnv_fraction(loh, segment_fit)
    f = f or SampleFraction(None, None, None, 0, False, None, None)
    return {
        "sample_id": s.sample_id,
        "day": fmt(s.day),
        "material": s.material,
        "tumour_fraction": fmt(f.tf),
        "tf_low": fmt(f.low),
        "tf_high": fmt(f.high),
        "variants_used": f.used,
        "method": method if f.tf is not None else "no_covered_variants",
        "cnv_estimate": fmt(estimate),
        "cnv_low": fmt(low),
        "cnv_high": fmt(high),
        "cnv_method": cnv_method,
        "sheet_purity": fmt(s.purity),
        "tumour_detected": "true" if f.detected else "false",
        "pooled_pvalue": _pvalue(f.pvalue),
        "pooled_detection_limit": fmt(f.limit, 5),
    }


def _members_text(counts, idx):
    """Up to MAX_MEMBERS_NAMED variant labels, knowledge-base matches first."""
    chosen = sorted(idx, key=lambda i: (not counts.variants[i].resistance, i))
    text = ", ".join(counts.variants[i].label for i in chosen[:MAX_MEMBERS_NAMED])
    more = len(chosen) - MAX_MEMBERS_NAMED
    return text + (f" +{more} more" if more > 0 else "")


def _cluster_rows(patient_id, counts, scale, eps, fit, fractions, names, settings):
    rows = []
    for k, name in enumerate(names):
        idx = np.nonzero(fit.labels == k)[0]
        for j, s in enumerate(counts.samples):
            a, d, sc = counts.alt[idx, j], counts.depth[idx, j], scale[idx, j]
            phi = float(fit_prevalence(a, d, sc, eps[j])) if d.sum() else None
            tf = fractions[j].tf if fractions[j].detected else None
            ccf, low, high, _ = cluster_ccf(a, d, sc, eps[j], phi, tf)
            note = ["few_variants"] if len(idx) < settings["min_variants"] else []
            note += [] if fractions[j].detected else ["tumour_not_detected"]
            rows.append(
                {
                    "patient_id": patient_id,
                    "cluster": name,
                    "truncal": "true" if k == 0 else "false",
                    "variants": len(idx),
                    "members": _members_text(counts, idx),
                    "sample_id": s.sample_id,
                    "day": fmt(s.day),
                    "material": s.material,
                    "prevalence": fmt(phi),
                    "ccf": fmt(ccf),
                    "ccf_low": fmt(low),
                    "ccf_high": fmt(high),
                    "status": presence(ccf, low, high, settings["min_ccf"]),
                    "note": ";".join(note),
                }
            )
    return rows


def _variant_rows(patient_id, counts, scale, ratio, m, eps, fit, fractions, names):
    rows = []
    for i, v in enumerate(counts.variants):
        for j, s in enumerate(counts.samples):
            d = counts.depth[i, j]
            vaf = counts.alt[i, j] / d if d else None
            tf = fractions[j].tf if fractions[j].detected else None
            ccf = ccf_of(prevalence_from_vaf(vaf, scale[i, j], eps[j]), tf)
            low = ccf_of(prevalence_from_vaf(counts.vaf_low[i, j], scale[i, j], eps[j]), tf)
            high = ccf_of(prevalence_from_vaf(counts.vaf_high[i, j], scale[i, j], eps[j]), tf)
            rows.append(
                {
                    "patient_id": patient_id,
                    "contig": v.contig,
                    "pos": v.pos,
                    "ref": v.ref,
                    "alt": v.alt,
                    "gene": v.gene,
                    "protein": v.protein,
                    "sample_id": s.sample_id,
                    "day": fmt(s.day),
                    "material": s.material,
                    "alt_reads": int(counts.alt[i, j]),
                    "depth": int(d),
                    "vaf": fmt(vaf),
                    "copy_ratio": fmt(ratio[i, j]),
                    "multiplicity": int(m[i]),
                    "ccf": fmt(ccf),
                    "ccf_low": fmt(low if d else None),
                    "ccf_high": fmt(high if d else None),
                    "cluster": names[fit.labels[i]],
                    "cluster_probability": fmt(fit.probability[i]),
                }
            )
    return rows
