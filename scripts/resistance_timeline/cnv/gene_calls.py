"""Gene-level copy number per tumour and cfDNA sample: ``results/cnv/{patient}.genes.tsv``.

A gene's bins are the CNVkit target bins named after it (the capture BED's name column). Its
value is that of the segment holding most of its bins (CBS segments with bootstrap confidence
intervals from ``cnvkit.py segmetrics --ci``), so a call rests on the segment's bins, reported
in ``bins``. Copy number is adjusted for the sample's purity p (the sheet's ``purity``): a copy
ratio r = 2^log2 of a mixture of normal cells (2 copies) and tumour cells (C copies) is
r = ((1 - p) * 2 + p * C) / 2, so C = (2r - 2(1 - p)) / p; without a purity, C = 2r
(``copy_number_basis`` unadjusted). Calls, in order: ``not_called`` when the gene has no bin
left (CNVkit drops bins its reference saw no coverage in) or its segment has fewer than
``min_bins`` bins; ``neutral`` unless the segment's interval excludes log2 0 and its
|log2| reaches ``min_abs_log2`` (the noise floor of exome bins); then by the copy-number
thresholds: amplification, gain, loss, deep_loss, else neutral.
"""

import math
from bisect import bisect_right
from dataclasses import dataclass
from typing import NamedTuple

from resistance_timeline.cnv.allelic import segment_allelic
from resistance_timeline.dna.chunks import read_targets
from resistance_timeline.io.tables import read_tsv, write_tsv

COLUMNS = [
    "patient_id",
    "sample_id",
    "day",
    "material",
    "gene",
    "log2_ratio",
    "log2_low",
    "log2_high",
    "copy_number",
    "copy_number_basis",
    "call",
    "excludes_neutral",
    "bins",
    "baf",
    "het_snps",
    "loh",
    "reference",
]
NOT_A_GENE = {"Antitarget", "-", ""}


@dataclass(frozen=True)
class CallSettings:
    """The ``cnv`` settings gene calls use (see config/README.md)."""

    min_bins: int
    min_abs_log2: float
    amplification_min_copies: float
    gain_min_copies: float
    loss_max_copies: float
    deep_loss_max_copies: float
    baf_min_depth: int
    loh_min_snps: int
    imbalance_min_shift: float
    loh_max_minor_copies: float

    @classmethod
    def from_params(cls, section):
        """From the whole ``cnv`` config section (other keys are not gene-call settings)."""
        return cls(**{name: section[name] for name in cls.__dataclass_fields__})


class Bin(NamedTuple):
    contig: str
    start: int  # 0-based, as in CNVkit's tables
    end: int
    genes: tuple
    log2: float


class Segment(NamedTuple):
    contig: str
    start: int
    end: int
    log2: float
    low: float
    high: float
    bins: int


def read_bins(cnr_path):
    """Bins of a CNVkit .cnr table."""
    return [
        Bin(r["chromosome"], int(r["start"]), int(r["end"]), _genes(r["gene"]), float(r["log2"]))
        for r in read_tsv(cnr_path)
    ]


def read_segments(cns_path):
    """Segments of a CNVkit .cns table with segmetrics' ci_lo/ci_hi columns."""
    return [
        Segment(
            r["chromosome"],
            int(r["start"]),
            int(r["end"]),
            float(r["log2"]),
            float(r["ci_lo"]),
            float(r["ci_hi"]),
            int(r["probes"]),
        )
        for r in read_tsv(cns_path)
    ]


def _genes(name):
    return tuple(g for g in name.split(",") if g not in NOT_A_GENE)


def read_target_genes(bed_path):
    """The genes of the CNVkit target bins (name column), in order of first appearance."""
    genes = {}
    for target in read_targets(bed_path):
        fields = target.line.split("\t")
        if len(fields) >= 4:
            genes.update(dict.fromkeys(_genes(fields[3])))
    return list(genes)


def genes_of(bins):
    """{gene: its bins} in order of first appearance (the genes of the capture targets)."""
    genes = {}
    for b in bins:
        for g in b.genes:
            genes.setdefault(g, []).append(b)
    return genes


def segment_of(gene_bins, segments):
    """The segment holding most of a gene's bins (the first such on a tie), or None."""
    best, most = None, 0
    for seg in segments:
        held = sum(
            b.contig == seg.contig and seg.start <= b.start and b.end <= seg.end for b in gene_bins
        )
        if held > most:
            best, most = seg, held
    return best


def tumour_copies(log2, purity):
    """(tumour copy number, basis) from a log2 copy ratio; see the module docstring."""
    ratio = 2.0**log2
    if not purity:
        return 2 * ratio, "unadjusted"
    return max(0.0, (2 * ratio - 2 * (1 - purity)) / purity), f"purity_{purity:g}"


def call_segment(segment, copies, settings):
    """(call, excludes_neutral) of one gene's segment."""
    excludes = segment.low > 0 or segment.high < 0
    if segment.bins < settings.min_bins:
        return "not_called", excludes
    if not excludes or abs(segment.log2) < settings.min_abs_log2:
        return "neutral", excludes
    if copies >= settings.amplification_min_copies:
        return "amplification", excludes
    if copies >= settings.gain_min_copies:
        return "gain", excludes
    if copies <= settings.deep_loss_max_copies:
        return "deep_loss", excludes
    if copies <= settings.loss_max_copies:
        return "loss", excludes
    return "neutral", excludes


def sample_gene_rows(sample, bins, segments, snps, reference, settings, genes=None):
    """One row per gene of the capture targets for one sample (``sample``: a dict with sample_id,
    day, material and purity; ``genes``: every gene of the target bins, so a gene whose bins CNVkit
    dropped, none covered in the sample or its reference, is a ``not_called`` row with 0 bins, not
    missing; without it, the genes of ``bins``). Segment-level values are computed once per segment
    and segments are looked up per contig, so an exome (20,000 genes, hundreds of segments, tens of
    thousands of SNPs) costs a pass over the genes, not genes x segments x SNPs."""
    by_contig = {}
    for seg in segments:
        by_contig.setdefault(seg.contig, []).append(seg)
    snp_index = _snps_by_contig(snps)
    per_segment = {}
    rows = []
    by_gene = genes_of(bins)
    for gene in by_gene if genes is None else genes:
        gene_bins = by_gene.get(gene)
        row = {
            "sample_id": sample["sample_id"],
            "day": sample["day"],
            "material": sample["material"],
            "gene": gene,
            "reference": reference,
        }
        # none: CNVkit dropped every bin of the gene (no coverage), or no segment holds them
        seg = segment_of(gene_bins, by_contig.get(gene_bins[0].contig, [])) if gene_bins else None
        if seg is None:
            rows.append({**row, "call": "not_called", "bins": 0})
            continue
        if seg not in per_segment:
            per_segment[seg] = _segment_values(seg, sample, snp_index, settings)
        rows.append({**row, **per_segment[seg]})
    return rows


def _snps_by_contig(snps):
    """{contig: (sorted positions, SNPs in that order)} for interval look-ups."""
    index = {}
    for snp in sorted(snps, key=lambda s: (s.contig, s.pos)):
        positions, ordered = index.setdefault(snp.contig, ([], []))
        positions.append(snp.pos)
        ordered.append(snp)
    return index


def _segment_values(seg, sample, snp_index, settings):
    """The genes-table values every gene on segment ``seg`` shares."""
    purity = sample.get("purity")
    copies, basis = tumour_copies(seg.log2, purity)
    call, excludes = call_segment(seg, copies, settings)
    positions, ordered = snp_index.get(seg.contig, ([], []))
    inside = ordered[bisect_right(positions, seg.start) : bisect_right(positions, seg.end)]
    gained = call in ("gain", "amplification")
    allelic = segment_allelic(inside, sample["sample_id"], copies, purity, gained, settings)
    return {
        "log2_ratio": round(seg.log2, 4),
        "log2_low": round(seg.low, 4),
        "log2_high": round(seg.high, 4),
        "copy_number": round(copies, 2),
        "copy_number_basis": basis,
        "call": call,
        "excludes_neutral": _flag(excludes),
        "bins": seg.bins,
        "baf": "" if allelic.baf is None else round(allelic.baf, 4),
        "het_snps": allelic.snps,
        "loh": "" if allelic.loh is None else _flag(allelic.loh),
    }


def _flag(value):
    return "true" if value else "false"


def write_genes(rows, patient, path):
    """The genes table, every row with the patient id first."""
    write_tsv(({"patient_id": patient, **r} for r in rows), path, COLUMNS)


def log2_of(copies, purity):
    """The log2 copy ratio a tumour copy number gives at a purity (inverse of tumour_copies);
    for tests and figures."""
    return math.log2(((1 - purity) * 2 + purity * copies) / 2)
