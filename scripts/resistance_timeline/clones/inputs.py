"""What the clone analysis reads: the patient's somatic variants as count matrices over its
tumour and cfDNA samples, each sample's error rate from the genotyped VCF, and the copy ratio
under every variant from the gene-level copy-number table."""

from dataclasses import dataclass

import numpy as np
import pysam

from resistance_timeline.clones.tumour_fraction import copy_ratio, error_rate
from resistance_timeline.timeline.therapy import number


@dataclass(frozen=True)
class Sample:
    sample_id: str
    day: float
    material: str
    purity: float | None


@dataclass(frozen=True)
class Variant:
    contig: str
    pos: str
    ref: str
    alt: str
    gene: str
    protein: str
    resistance: str

    @property
    def label(self):
        name = self.protein or f"{self.contig}:{self.pos} {self.ref}>{self.alt}"
        return f"{self.gene} {name}".strip()


@dataclass
class Counts:
    """Somatic variants (V) × tumour/cfDNA samples (S) of one patient."""

    samples: list
    variants: list
    alt: np.ndarray
    depth: np.ndarray
    vaf_low: np.ndarray
    vaf_high: np.ndarray
    detected: np.ndarray  # bool: the genotyper's status is detected


def tumour_samples(records):
    """The sheet's WES tumour and cfDNA samples (dicts with sample_id, assay, material, day,
    purity), by day."""
    chosen = [
        Sample(r["sample_id"], number(r["day"]), r["material"], number(r.get("purity")))
        for r in records
        if r.get("assay", "wes") == "wes" and r["material"] != "normal"
    ]
    return sorted(chosen, key=lambda s: (s.day, s.sample_id))


def somatic_counts(rows, samples):
    """Counts of every somatic variant of results/variants/{patient}.variants.tsv (``rows``)
    in every sample of ``samples``; a variant missing from a sample counts 0 of 0."""
    index = {s.sample_id: j for j, s in enumerate(samples)}
    variants, cells = {}, {}
    for r in rows:
        if r["origin"] != "somatic" or r["sample_id"] not in index:
            continue
        v = Variant(
            r["contig"], r["pos"], r["ref"], r["alt"], r["gene"], r["protein"], r["resistance"]
        )
        variants.setdefault(v, len(variants))
        cells[(v, index[r["sample_id"]])] = r
    shape = (len(variants), len(samples))
    alt, depth = np.zeros(shape), np.zeros(shape)
    low, high = np.zeros(shape), np.ones(shape)
    detected = np.zeros(shape, dtype=bool)
    for (v, j), r in cells.items():
        i = variants[v]
        alt[i, j], depth[i, j] = number(r["alt_reads"]) or 0, number(r["depth"]) or 0
        low[i, j] = number(r["vaf_low"]) or 0.0
        high[i, j] = number(r["vaf_high"]) if r["vaf_high"] != "" else 1.0
        detected[i, j] = r["status"] == "detected"
    return Counts(samples, list(variants), alt, depth, low, high, detected)


def sample_error_rates(vcf_path, sample_ids):
    """Each sample's error rate towards one base (tumour_fraction.error_rate) from FORMAT/OA
    and DP at the VCF's SNV sites; positions with several records (split multi-allelic sites,
    whose OA counts the other ALT) are left out."""
    seen, sites = {}, []
    with pysam.VariantFile(vcf_path) as vcf:
        for rec in vcf:
            key = (rec.contig, rec.pos)
            seen[key] = seen.get(key, 0) + 1
            if len(rec.ref) != 1 or len(rec.alts or ()) != 1 or len(rec.alts[0]) != 1:
                continue
            values = []
            for s in sample_ids:
                f = rec.samples[s]
                values.append((f.get("OA") or 0, f.get("DP") or 0))
            sites.append((key, values))
    kept = [values for key, values in sites if seen[key] == 1]
    rates = {}
    for j, s in enumerate(sample_ids):
        other = [v[j][0] for v in kept]
        depth = [v[j][1] for v in kept]
        rates[s] = error_rate(other, depth)
    return rates


def copy_ratios(variants, samples, genes):
    """(V, S) copy ratio under each variant (tumour_fraction.copy_ratio of its gene's call in
    that sample; 1 for genes the copy-number table lacks)."""
    calls = {
        (g["sample_id"], g["gene"]): copy_ratio(number(g["log2_ratio"]), g["call"]) for g in genes
    }
    return np.array(
        [[calls.get((s.sample_id, v.gene), 1.0) for s in samples] for v in variants]
    ).reshape(len(variants), len(samples))


def parsed_genes(genes):
    """Copy-number rows with numbers parsed (cnv_estimate's input)."""
    return [
        {**g, "log2_ratio": number(g["log2_ratio"]), "baf": number(g.get("baf"))} for g in genes
    ]
