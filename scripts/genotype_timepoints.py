"""Measure every candidate variant of a patient in every WES sample (normal, tumour, cfDNA).

Counting rules (per site x sample):
- Reads: unmapped, secondary, supplementary, QC-fail, duplicate and MAPQ < min_mapq
  reads are skipped.
- SNV/MNV: the read must align every base of REF without an indel inside, each base
  with quality >= min_baseq. Bases equal to ALT count as alt, equal to REF as ref,
  anything else as "other". Depth (DP) = ref + alt; "other" is reported apart (FORMAT/OA)
  so VAF = alt / (ref + alt) is not diluted by sequencing errors or a third allele.
- Indels and complex alleles: haplotype comparison, so the aligner's placement inside a
  homopolymer/repeat does not matter. The candidate is left-aligned; its footprint is
  extended right over the whole repeat in which the indel can slide (R). A read is
  informative when it aligns ``indel_flank_bp`` bases on both sides of [pos, R) with the
  bases just outside (anchors) aligned and of quality >= min_baseq. The read's sequence
  between the anchors is compared with the ref and the alt haplotype: same length and no
  mismatch at a base of quality >= min_baseq -> ref / alt, otherwise "other" (e.g. a
  different indel). The indel's base quality is the lower of the two anchors'. Reads ending
  inside the repeat or the flank are not counted.
- Overlapping mates (same query name, both informative at the site) form one fragment:
  if they agree it is counted once on the strand (and MAPQ) of read 1 (a fixed choice, so
  strand counts do not depend on base qualities); if they disagree the observation with the
  higher base quality wins, and on a tie the fragment is dropped. A mate whose base is
  below min_baseq is not informative, so its mate counts alone (unlike bcftools, agreeing
  low-quality mates are not summed into one passing base).
- Symbolic, '*' or IUPAC ALT alleles cannot be counted: such records are written with
  empty FORMAT values and ORIGIN_REASON=unsupported_allele (nothing is dropped).
- Per-strand counts (strand of the read as aligned) and the mean MAPQ of alt reads
  feed the artefact rules in genotype_stats.classify_origin.

Reads are fetched once per cluster of nearby sites, and query positions come from CIGAR
arithmetic rather than per-base pileups. Samples run in parallel when threads > 1.
"""

import multiprocessing
import os
import sys
from bisect import bisect_left
from collections import Counter
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pysam

from genotype_stats import (
    N_COLS,
    classify_origin,
    merge_thresholds,
    summarize,
    validate_samples,
)

SKIP_FLAGS = 0x4 | 0x100 | 0x200 | 0x400 | 0x800  # unmapped, secondary, QC-fail, dup, suppl.
MAX_SHIFT = 200  # longest repeat over which an indel is allowed to slide
CLUSTER_GAP = 300  # sites closer than this share one fetch
CLUSTER_SPAN = 20_000  # bound on one fetch, so observations of a cluster stay small
REF, ALT, OTHER = 0, 1, 2
HEADER_LINES = """\
##INFO=<ID=END,Number=1,Type=Integer,Description="End position (symbolic alleles only)">
##INFO=<ID=ORIGIN,Number=1,Type=String,Description="Origin across samples: germline, somatic or artefact">
##INFO=<ID=ORIGIN_REASON,Number=1,Type=String,Description="Evidence for ORIGIN: key:value items joined by |">
##FORMAT=<ID=GT,Number=1,Type=String,Description="./. not covered, 0/0 not detected, 0/1 detected, 1/1 detected at VAF >= hom_alt_min_vaf">
##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Fragments supporting ref and alt (overlapping mates counted once)">
##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth: ref + alt fragments">
##FORMAT=<ID=OA,Number=1,Type=Integer,Description="Fragments supporting another allele (not in DP)">
##FORMAT=<ID=AF,Number=A,Type=Float,Description="VAF: alt / (ref + alt)">
##FORMAT=<ID=AFLO,Number=A,Type=Float,Description="Lower bound of the 95% Wilson score interval of AF">
##FORMAT=<ID=AFHI,Number=A,Type=Float,Description="Upper bound of the 95% Wilson score interval of AF">
##FORMAT=<ID=DL,Number=1,Type=Float,Description="Detection limit: smallest VAF detected with 95% probability at this depth">
##FORMAT=<ID=SB,Number=4,Type=Integer,Description="Strand counts: ref_fwd, ref_rev, alt_fwd, alt_rev">
##FORMAT=<ID=ST,Number=1,Type=String,Description="Status: detected, not_detected or not_covered">
"""


class Site:
    """One biallelic candidate plus what a read must cover to be informative about it."""

    __slots__ = ("idx", "contig", "pos", "id", "ref", "alt", "kind", "start", "end",
                 "need_start", "need_end", "ref_core", "alt_core")  # fmt: skip

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
    """Fill in the haplotype window of an indel/complex site (see module docstring).

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


def read_candidates(vcf_path, fasta_path, flank):
    """Biallelic Sites of the candidates VCF, in file order (multi-allelic records split)."""
    sites, no_alt = [], 0
    with pysam.VariantFile(vcf_path, drop_samples=True) as vcf, pysam.FastaFile(fasta_path) as fa:
        for rec in vcf:
            contig = rec.chrom
            if contig not in fa:
                raise ValueError(f"candidate contig {contig!r} is not in {fasta_path}")

            def fetch(a, b, contig=contig):
                return fa.fetch(contig, max(a, 0), max(b, 0)).upper()

            ref = rec.ref.upper()
            if fetch(rec.pos - 1, rec.pos - 1 + len(ref)) != ref:
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
    return sites


def make_clusters(sites):
    """Group genotypable sites by contig into runs fetched with one BAM query each."""
    order = sorted(
        (s for s in sites if s.kind != "unsupported"),
        key=lambda s: (s.contig, s.need_start, s.need_end),
    )
    clusters = []
    for s in order:
        c = clusters[-1] if clusters else [None, 0, 0, []]
        near = s.need_start - c[2] <= CLUSTER_GAP and s.need_end - c[1] <= CLUSTER_SPAN
        if c[0] == s.contig and near:
            c[2] = max(c[2], s.need_end)
            c[3].append(s)
        else:
            clusters.append([s.contig, s.need_start, s.need_end, [s]])
    return clusters


def query_offset(cigar, rpos, target):
    """(query offset of reference position ``target``, aligned bases left in that block);
    offset -1 when the read has a deletion/ref-skip there, -2 when it does not reach it."""
    q = 0
    for op, n in cigar:
        if op == 0 or op == 7 or op == 8:  # M = X
            if target < rpos + n:
                return q + target - rpos, rpos + n - target
            rpos += n
            q += n
        elif op == 1 or op == 4:  # I S
            q += n
        elif op == 2 or op == 3:  # D N
            if target < rpos + n:
                return -1, 0
            rpos += n
    return -2, 0


def observe(site, read, cigar, seq, qual, min_bq):
    """(allele, base quality) of one read at a site it spans, or None if uninformative."""
    if site.kind == "snv":
        q, left = query_offset(cigar, read.reference_start, site.start)
        n = len(site.ref)
        if q < 0 or left < n:
            return None
        bq = min(qual[q : q + n])
        if bq < min_bq:
            return None
        bases = seq[q : q + n]
        return (ALT if bases == site.alt else REF if bases == site.ref else OTHER), bq
    ql, _ = query_offset(cigar, read.reference_start, site.start - 1)
    qr, _ = query_offset(cigar, read.reference_start, site.start + len(site.ref_core))
    if ql < 0 or qr < 0:
        return OTHER, min_bq  # spans the window but an anchor is deleted: another allele
    bq = min(qual[ql], qual[qr])
    if bq < min_bq:
        return None
    core = seq[ql + 1 : qr]
    for allele, hap in ((REF, site.ref_core), (ALT, site.alt_core)):
        if len(core) == len(hap):
            if core == hap:
                return allele, bq
            for i, (a, b) in enumerate(zip(core, hap)):
                if a != b and qual[ql + 1 + i] >= min_bq:
                    return OTHER, bq
            return allele, bq  # differs only at low-quality bases
    return OTHER, bq


def count_cluster(bam, cluster, counts, min_mq, min_bq):
    """Add the fragment counts of one cluster's sites to ``counts`` (rows = site.idx)."""
    contig, start, end, csites = cluster
    starts = [s.need_start for s in csites]
    obs = [dict() for _ in csites]
    try:
        reads = bam.fetch(contig, max(start, 0), end)
    except ValueError:  # contig absent from this BAM: depth 0
        return
    for read in reads:
        if read.flag & SKIP_FLAGS or read.mapping_quality < min_mq:
            continue
        rs, re_ = read.reference_start, read.reference_end
        j = bisect_left(starts, rs)
        seq = None
        while j < len(csites) and starts[j] < re_:
            site = csites[j]
            if site.need_end <= re_:
                if seq is None:
                    seq, qual, cigar = read.query_sequence, read.query_qualities, read.cigartuples
                    if seq is None or qual is None:
                        break
                o = observe(site, read, cigar, seq, qual, min_bq)
                if o is not None:
                    new = (o[0], o[1], read.is_reverse, read.is_read1, read.mapping_quality)
                    d = obs[j]
                    name = read.query_name
                    if name not in d:
                        d[name] = new
                    else:  # the mate already seen: one fragment
                        old = d[name]
                        if old is None:
                            pass
                        elif old[0] == new[0]:
                            if new[3]:
                                d[name] = new  # agree: keep read 1's strand
                        elif new[1] > old[1]:
                            d[name] = new
                        elif new[1] == old[1]:
                            d[name] = None  # disagree at equal quality: drop
            j += 1
    for site, d in zip(csites, obs):
        row = counts[site.idx]
        for o in d.values():
            if o is None:
                continue
            if o[0] == OTHER:
                row[4] += 1
            else:
                row[2 * o[0] + o[2]] += 1  # ref_fwd, ref_rev, alt_fwd, alt_rev
                if o[0] == ALT:
                    row[5] += o[4]


def count_sample(bam_path, clusters, n_sites, min_mq, min_bq):
    """Counts array (n_sites x 6) for one BAM; see N_COLS for the columns."""
    counts = np.zeros((n_sites, N_COLS), dtype=np.int64)
    with pysam.AlignmentFile(bam_path, "rb") as bam:
        for cluster in clusters:
            count_cluster(bam, cluster, counts, min_mq, min_bq)
    return counts


def count_all(bams, sites, thr, threads=1):
    """List of per-sample count arrays, in ``bams`` order."""
    clusters = make_clusters(sites)
    args = [(b, clusters, len(sites), thr["min_mapq"], thr["min_baseq"]) for b in bams]
    workers = max(1, min(int(threads), len(bams)))
    if workers == 1:
        return [count_sample(*a) for a in args]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as ex:
        return list(ex.map(count_sample, *zip(*args)))


def make_header(fasta_path, samples):
    """VCF header: contigs of the reference, INFO ORIGIN*, the FORMAT fields, samples."""
    h = pysam.VariantHeader()
    h.add_line("##source=resistance-timeline/genotype_timepoints.py")
    with pysam.FastaFile(fasta_path) as fa:
        for name, length in zip(fa.references, fa.lengths):
            h.contigs.add(name, length=length)
    for line in HEADER_LINES.splitlines():
        h.add_line(line)
    for s in samples:
        h.add_sample(s["sample_id"])
    return h


def write_vcf(path, header, sites, per_sample, samples, thr):
    """Write one record per site (input order) with ORIGIN and per-sample FORMAT values;
    return the number of variants per origin."""
    tally = Counter()
    with pysam.VariantFile(path, "wz", header=header) as out:
        for site in sites:
            rec = out.new_record(
                contig=site.contig,
                start=site.pos - 1,
                stop=site.pos - 1 + len(site.ref),
                alleles=(site.ref, site.alt),
                id=site.id,
            )
            if site.kind == "unsupported":
                rec.info["ORIGIN_REASON"] = "unsupported_allele"
                for s in samples:
                    rec.samples[s["sample_id"]]["GT"] = (None, None)
                out.write(rec)
                continue
            summ = [
                summarize(per_sample[k][site.idx], s["material"], thr)
                for k, s in enumerate(samples)
            ]
            origin, reason = classify_origin(summ, thr)
            rec.info["ORIGIN"], rec.info["ORIGIN_REASON"] = origin, reason
            tally[origin] += 1
            for s, m in zip(samples, summ):
                f = rec.samples[s["sample_id"]]
                f["GT"] = m["gt"]
                f["AD"] = (m["ref"], m["alt"])
                f["DP"] = m["depth"]
                f["OA"] = m["other"]
                if m["vaf"] is not None:
                    f["AF"], f["AFLO"], f["AFHI"] = m["vaf"], m["vaf_low"], m["vaf_high"]
                if m["dl"] is not None:
                    f["DL"] = m["dl"]
                f["SB"] = (m["ref_fwd"], m["ref_rev"], m["alt_fwd"], m["alt_rev"])
                f["ST"] = m["status"]
            out.write(rec)
    return tally


def genotype_timepoints(
    candidates, bams, fasta, samples, thresholds, out_vcf, out_tbi=None, threads=1
):
    """Genotype all candidates in all samples; write ``out_vcf`` and its index ``out_tbi``
    (default ``out_vcf`` + .tbi). Returns the sites and the per-sample count arrays."""
    thr = merge_thresholds(thresholds)
    validate_samples(samples, bams)
    sites = read_candidates(candidates, fasta, thr["indel_flank_bp"])
    print(f"{len(sites)} biallelic candidate sites, {len(bams)} samples", file=sys.stderr)
    per_sample = count_all(bams, sites, thr, threads)
    tally = write_vcf(out_vcf, make_header(fasta, samples), sites, per_sample, samples, thr)
    print(f"origins: {dict(tally)}", file=sys.stderr)
    pysam.tabix_index(out_vcf, preset="vcf", force=True, index=out_tbi or out_vcf + ".tbi")
    return sites, per_sample


def main(snakemake):
    with open(snakemake.log[0], "w") as log:  # stderr -> log
        sys.stderr = log
        genotype_timepoints(
            candidates=snakemake.input.candidates,
            bams=list(snakemake.input.bams),
            fasta=snakemake.input.fasta,
            samples=list(snakemake.params.samples),
            thresholds=dict(snakemake.params.thresholds),
            out_vcf=snakemake.output.vcf,
            out_tbi=snakemake.output.tbi,
            threads=snakemake.threads,
        )


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
