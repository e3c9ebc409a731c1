"""Allelic evidence per segment from the germline heterozygous SNPs the genotyper counted in
every sample of the patient (``results/variants/{patient}/genotypes.vcf.gz``).

Written here rather than with ``cnvkit.py call --vcf``, which reads one sample's genotypes:
the genotyper already counts every SNP in every sample, with the same read filters as the
variants, so the normal defines which SNPs are heterozygous and each tumour sample is read at
exactly those sites.

Per segment and sample: the major-allele fraction (``baf``) is the median over the segment's
het SNPs of max(alt, ref) / depth. Even a balanced SNP reads above 0.5 by chance at finite
depth, so the shift is measured against the same median expected under balance at each SNP's
depth (the mean of max(k, n - k) / n for k ~ Binomial(n, 0.5)). A shift of at least
``imbalance_min_shift`` is allelic imbalance. With the sample's purity p and its tumour copy
number C, the major copies are M = (baf * ((1 - p) * 2 + p * C) - (1 - p)) / p and the minor
C - M; a minor copy number up to ``loh_max_minor_copies`` is LOH (one-copy loss with LOH,
copy-neutral LOH). Without a purity, an imbalanced segment that is not gained is taken as LOH.
"""

from functools import lru_cache
from typing import NamedTuple

import numpy as np
import pysam
from scipy.stats import binom


class Snp(NamedTuple):
    contig: str
    pos: int
    alt: dict  # sample id -> alt reads
    depth: dict  # sample id -> ref + alt reads


class Allelic(NamedTuple):
    """A segment's allelic evidence in one sample; fields None when too few SNPs."""

    snps: int
    baf: float | None
    shift: float | None
    imbalance: bool | None
    minor_copies: float | None
    loh: bool | None


def read_het_snps(vcf_path, normal, band):
    """Germline heterozygous SNVs of a genotyped VCF: heterozygous in the ``normal`` sample
    (its VAF inside ``band``), or, without a normal, inside the band in some sample."""
    lo, hi = band
    snps = []
    with pysam.VariantFile(vcf_path) as vcf:
        samples = list(vcf.header.samples)
        for rec in vcf:
            if rec.info.get("ORIGIN") != "germline" or len(rec.ref) != 1:
                continue
            if not rec.alts or len(rec.alts[0]) != 1:
                continue
            alt, depth = {}, {}
            for name in samples:
                ad = rec.samples[name].get("AD")
                if ad and None not in ad:
                    alt[name], depth[name] = ad[1], ad[0] + ad[1]
            judged = [normal] if normal else list(depth)
            if any(depth.get(s) and lo <= alt[s] / depth[s] <= hi for s in judged):
                snps.append(Snp(rec.chrom, rec.pos, alt, depth))
    return snps


@lru_cache(maxsize=4096)
def balanced_major_fraction(depth):
    """Mean of max(k, n - k) / n for k ~ Binomial(n, 0.5): the major-allele fraction a
    balanced heterozygous SNP reads at depth n."""
    k = np.arange(depth + 1)
    return float(np.sum(binom.pmf(k, depth, 0.5) * np.maximum(k, depth - k)) / depth)


def segment_allelic(snps, sample, copies, purity, gained, settings):
    """Allelic evidence of one sample over ``snps`` (the het SNPs inside one segment).
    ``copies`` is the segment's tumour copy number, ``gained`` whether it is called a gain or
    amplification (used only without a purity)."""
    usable = [s for s in snps if s.depth.get(sample, 0) >= settings.baf_min_depth]
    if len(usable) < settings.loh_min_snps:
        return Allelic(len(usable), None, None, None, None, None)
    major = [max(s.alt[sample], s.depth[sample] - s.alt[sample]) / s.depth[sample] for s in usable]
    expected = [balanced_major_fraction(s.depth[sample]) for s in usable]
    baf = float(np.median(major))
    shift = baf - float(np.median(expected))
    imbalance = shift >= settings.imbalance_min_shift
    minor = None
    if purity:
        total = (1 - purity) * 2 + purity * copies
        major_copies = (baf * total - (1 - purity)) / purity
        minor = max(0.0, copies - major_copies)
        loh = imbalance and minor <= settings.loh_max_minor_copies
    else:
        loh = imbalance and not gained
    return Allelic(len(usable), baf, shift, imbalance, minor, loh)
