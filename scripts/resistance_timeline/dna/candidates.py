"""The genotyper's candidate sites: biallelic, left-aligned, each with what a read must cover.

A multi-allelic record gives one Site per ALT. An indel or complex allele gets a haplotype
window (see prepare_site and the counting rules in resistance_timeline.dna.genotyper).
"""

import os
import sys

import pysam

MAX_SHIFT = 200  # longest repeat over which an indel is allowed to slide


class Site:
    """One biallelic candidate plus what a read must cover to be informative about it."""

    __slots__ = (
        "idx",
        "contig",
        "pos",
        "id",
        "ref",
        "alt",
        "kind",
        "start",
        "end",
        "need_start",
        "need_end",
        "ref_core",
        "alt_core",
    )

    def __init__(self, idx, contig, pos, vid, ref, alt):
        self.idx, self.contig, self.pos, self.id = idx, contig, pos, vid
        self.ref, self.alt = ref, alt
        self.kind = "snv" if len(ref) == len(alt) else "hap"
        if any(c not in "ACGTN" for c in ref + alt):
            self.kind = "unsupported"  # symbolic, '*' or IUPAC alleles
        self.start = pos - 1
        self.end = self.start + len(ref)
        self.need_start, self.need_end = self.start, self.end
        self.ref_core = self.alt_core = ""


def normalize_allele(fetch, pos, ref, alt):
    """Trim and left-align one biallelic (1-based pos, REF, ALT); ``fetch(start0, end0)``
    returns reference sequence. Tan et al. 2015 algorithm, as bcftools norm does."""
    while True:
        changed = False
        if ref and alt and ref[-1] == alt[-1] and len(ref) + len(alt) > 2:
            ref, alt, changed = ref[:-1], alt[:-1], True
        if (not ref or not alt) and pos > 1:
            base = fetch(pos - 2, pos - 1)
            ref, alt, pos, changed = base + ref, base + alt, pos - 1, True
        if not changed:
            break
    while len(ref) >= 2 and len(alt) >= 2 and ref[0] == alt[0]:
        ref, alt, pos = ref[1:], alt[1:], pos + 1
    return pos, ref, alt


def prepare_site(site, fetch, flank):
    """Fill in the haplotype window of an indel/complex site (see the genotyper's docstring).

    The window core is [start, R): REF plus the repeat to its right in which the indel
    can slide; the anchors are start - 1 and R; a read must align ``flank`` bases on each
    side (anchors included)."""
    if site.kind == "snv":
        return site
    if site.kind == "unsupported":
        site.need_start, site.need_end = -1, -1
        return site
    ref, alt, start = site.ref, site.alt, site.start
    shift = 0
    if ref[0] == alt[0] and min(len(ref), len(alt)) == 1:  # pure indel: slide right
        seq = fetch(start, start + max(len(ref), len(alt)) + MAX_SHIFT + 1)
        # a deletion of ref[1:] slides k bases iff seq[1:1+k] == seq[1+n:1+n+k]; an
        # insertion of alt[1:] iff seq[1:1+k] repeats alt[1:] periodically
        unit = alt[1:] * (MAX_SHIFT // (len(alt) - 1) + 1) if len(alt) > 1 else seq[len(ref) :]
        shift = min(len(os.path.commonprefix([seq[1:], unit])), MAX_SHIFT)
    right = site.end + shift
    tail = fetch(site.end, right)
    site.ref_core = ref + tail
    site.alt_core = alt + tail
    site.need_start = start - flank  # left anchor start-1 plus flank-1 more bases
    site.need_end = right + flank  # right anchor R plus flank-1 more bases
    return site


def read_candidates(vcf_path, fasta_path, flank, skip_mismatch=False):
    """Biallelic Sites of the candidates VCF, in file order (multi-allelic records split). A
    REF that differs from the FASTA stops the run, or, with ``skip_mismatch`` (a panel of
    sites made elsewhere), leaves the record out, counted on stderr."""
    sites, no_alt, mismatched = [], 0, 0
    with pysam.VariantFile(vcf_path, drop_samples=True) as vcf, pysam.FastaFile(fasta_path) as fa:
        for rec in vcf:
            contig = rec.chrom
            if contig not in fa:
                raise ValueError(f"candidate contig {contig!r} is not in {fasta_path}")

            def fetch(a, b, contig=contig):
                return fa.fetch(contig, max(a, 0), max(b, 0)).upper()

            ref = rec.ref.upper()
            if fetch(rec.pos - 1, rec.pos - 1 + len(ref)) != ref:
                if skip_mismatch:
                    mismatched += 1
                    continue
                raise ValueError(
                    f"candidate {contig}:{rec.pos} REF {ref} does not match the reference "
                    f"{fasta_path}; run bcftools norm -f on the candidates with this reference"
                )
            no_alt += not rec.alts
            for alt in rec.alts or ():
                alt = alt.upper()
                pos, r, a = rec.pos, ref, alt
                if all(c in "ACGTN" for c in alt):
                    pos, r, a = normalize_allele(fetch, rec.pos, ref, alt)
                site = Site(len(sites), contig, pos, rec.id, r, a)
                sites.append(prepare_site(site, fetch, flank))
    if no_alt:
        print(f"{no_alt} candidate records without ALT ignored", file=sys.stderr)
    if mismatched:
        print(
            f"{mismatched} records of {vcf_path} whose REF differs from {fasta_path} left out",
            file=sys.stderr,
        )
    return sites
