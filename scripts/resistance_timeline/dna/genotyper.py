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
  extended right over the whole repeat in which the indel can slide (R; see
  resistance_timeline.dna.candidates). A read is
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
- Fragment lengths (|TLEN| of the read counted for a fragment; pairs on two contigs have
  none): the median of the alt and of the ref fragments (FORMAT/FL). In plasma, alt
  fragments shorter than ref fragments point to the tumour; equal ones to blood cells
  (clonal haematopoiesis) or the germline.

Reads are fetched once per cluster of nearby sites, and query positions come from CIGAR
arithmetic rather than per-base pileups. Samples run in parallel when threads > 1.

``thresholds`` is the complete ``genotyping`` section of the configuration, as the rule's params
pass it (defaults: config/schemas/config.schema.yaml).
"""

import multiprocessing
import os
import sys
from bisect import bisect_left
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from statistics import median_low

import numpy as np
import pysam

from resistance_timeline.dna.background import panel_backgrounds
from resistance_timeline.dna.candidates import read_candidates
from resistance_timeline.dna.clonal_hematopoiesis import ch_intervals, read_ch_genes
from resistance_timeline.dna.genotype_stats import (
    ALT_FRAGMENT,
    ALT_FWD,
    ALT_MAPQ_SUM,
    ALT_REV,
    N_COLS,
    OTHER,
    REF_FRAGMENT,
    REF_FWD,
    REF_REV,
    validate_samples,
)
from resistance_timeline.dna.genotype_vcf import make_header, write_vcf
from resistance_timeline.dna.panel_of_normals import Panel

SKIP_FLAGS = 0x4 | 0x100 | 0x200 | 0x400 | 0x800  # unmapped, secondary, QC-fail, dup, suppl.
CLUSTER_GAP = 300  # sites closer than this share one fetch
CLUSTER_SPAN = 20_000  # bound on one fetch, so observations of a cluster stay small
REF_ALLELE, ALT_ALLELE, OTHER_ALLELE = 0, 1, 2  # what a fragment shows at a site


@dataclass(slots=True)
class Cluster:
    """Nearby sites of one contig whose reads come from one fetch of [start, end)."""

    contig: str
    start: int
    end: int
    sites: list  # Sites, sorted by need_start


# What one read shows at one site, as a plain tuple (allele, base_quality, reverse, read1,
# mapq, fragment length) read through these indices. Not a NamedTuple: this is the per-read
# hot loop, where a NamedTuple made counting ~40% slower (its constructor, and the garbage
# collector keeps tracking tuple subclasses while it stops tracking plain tuples of numbers).
OBS_ALLELE, OBS_BASE_QUALITY, OBS_REVERSE, OBS_READ1, OBS_MAPQ, OBS_LENGTH = range(6)


def make_clusters(sites):
    """Group genotypable sites by contig into runs fetched with one BAM query each."""
    order = sorted(
        (s for s in sites if s.kind != "unsupported"),
        key=lambda s: (s.contig, s.need_start, s.need_end),
    )
    clusters = []
    for s in order:
        last = clusters[-1] if clusters else None
        if (
            last is not None
            and last.contig == s.contig
            and s.need_start - last.end <= CLUSTER_GAP
            and s.need_end - last.start <= CLUSTER_SPAN
        ):
            last.end = max(last.end, s.need_end)
            last.sites.append(s)
        else:
            clusters.append(Cluster(s.contig, s.need_start, s.need_end, [s]))
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
        if bases == site.alt:
            return ALT_ALLELE, bq
        return (REF_ALLELE if bases == site.ref else OTHER_ALLELE), bq
    ql, _ = query_offset(cigar, read.reference_start, site.start - 1)
    qr, _ = query_offset(cigar, read.reference_start, site.start + len(site.ref_core))
    if ql < 0 or qr < 0:
        return OTHER_ALLELE, min_bq  # spans the window but an anchor is deleted: another allele
    bq = min(qual[ql], qual[qr])
    if bq < min_bq:
        return None
    core = seq[ql + 1 : qr]
    for allele, hap in ((REF_ALLELE, site.ref_core), (ALT_ALLELE, site.alt_core)):
        if len(core) == len(hap):
            if core == hap:
                return allele, bq
            for i, (a, b) in enumerate(zip(core, hap, strict=True)):
                if a != b and qual[ql + 1 + i] >= min_bq:
                    return OTHER_ALLELE, bq
            return allele, bq  # differs only at low-quality bases
    return OTHER_ALLELE, bq


def count_cluster(bam, cluster, counts, min_mq, min_bq):
    """Add the fragment counts of one cluster's sites to ``counts`` (rows = site.idx)."""
    csites = cluster.sites
    starts = [s.need_start for s in csites]
    obs = [dict() for _ in csites]  # per site: query name -> observation (None: dropped)
    try:
        reads = bam.fetch(cluster.contig, max(cluster.start, 0), cluster.end)
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
                seen = observe(site, read, cigar, seq, qual, min_bq)
                if seen is not None:
                    allele, bq = seen
                    new = (
                        allele,
                        bq,
                        read.is_reverse,
                        read.is_read1,
                        read.mapping_quality,
                        abs(read.template_length),
                    )
                    d = obs[j]
                    name = read.query_name
                    if name not in d:
                        d[name] = new
                    else:  # the mate already seen: one fragment
                        old = d[name]
                        if old is None:
                            pass
                        elif old[OBS_ALLELE] == allele:
                            if new[OBS_READ1]:
                                d[name] = new  # agree: keep read 1's strand
                        elif bq > old[OBS_BASE_QUALITY]:
                            d[name] = new
                        elif bq == old[OBS_BASE_QUALITY]:
                            d[name] = None  # disagree at equal quality: drop
            j += 1
    for site, d in zip(csites, obs, strict=True):
        row = [0] * N_COLS  # Python ints: faster to add to than the numpy row
        lengths = ([], [])  # fragment lengths of the ref and of the alt fragments
        for o in d.values():
            if o is None:
                continue
            allele, reverse, mapq = o[OBS_ALLELE], o[OBS_REVERSE], o[OBS_MAPQ]
            if allele == OTHER_ALLELE:
                row[OTHER] += 1
                continue
            if allele == ALT_ALLELE:
                row[ALT_REV if reverse else ALT_FWD] += 1
                row[ALT_MAPQ_SUM] += mapq
            else:
                row[REF_REV if reverse else REF_FWD] += 1
            if o[OBS_LENGTH]:  # 0: mates on different contigs, or a single read
                lengths[allele].append(o[OBS_LENGTH])
        row[REF_FRAGMENT] = median_low(lengths[REF_ALLELE]) if lengths[REF_ALLELE] else 0
        row[ALT_FRAGMENT] = median_low(lengths[ALT_ALLELE]) if lengths[ALT_ALLELE] else 0
        counts[site.idx] += row


def count_sample(bam_path, clusters, n_sites, min_mq, min_bq):
    """Counts array (n_sites x N_COLS) for one BAM; columns REF_FWD .. ALT_MAPQ_SUM."""
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
        return list(ex.map(count_sample, *zip(*args, strict=True)))


def genotype_timepoints(
    candidates,
    bams,
    fasta,
    samples,
    thresholds,
    out_vcf,
    out_tbi=None,
    threads=1,
    targets=None,
    ch_genes=None,
    panel=None,
):
    """Genotype all candidates in all samples; write ``out_vcf`` and its index ``out_tbi``
    (default ``out_vcf`` + .tbi). ``thresholds``: the complete ``genotyping`` settings;
    ``targets`` (the gene-named targets BED) and ``ch_genes`` (the CH gene table) place each
    site in or outside a gene of clonal haematopoiesis; ``panel``: the panel of normals
    (dna.panel_of_normals; None: every site's background at the floor). Returns the sites and
    the per-sample count arrays."""
    thr = thresholds
    validate_samples(samples, bams)
    sites = read_candidates(candidates, fasta, thr["indel_flank_bp"])
    print(f"{len(sites)} biallelic candidate sites, {len(bams)} samples", file=sys.stderr)
    per_sample = count_all(bams, sites, thr, threads)
    spans = ch_intervals(targets, read_ch_genes(ch_genes)) if targets and ch_genes else {}
    own = [s["sample_id"] for s in samples if s["material"] == "normal"]
    countable = [s for s in sites if s.kind != "unsupported"]
    if panel:
        with Panel(panel) as pon:
            backgrounds = panel_backgrounds(pon, countable, own, thr)
            label = f"{os.path.basename(panel)} ({len(pon.normals)} normals)"
    else:
        backgrounds, label = panel_backgrounds(None, countable, own, thr), ""
    header = make_header(fasta, samples, label)
    tally = write_vcf(out_vcf, header, sites, per_sample, samples, thr, spans, backgrounds)
    print(f"origins: {dict(tally)}", file=sys.stderr)
    pysam.tabix_index(out_vcf, preset="vcf", force=True, index=out_tbi or out_vcf + ".tbi")
    return sites, per_sample
