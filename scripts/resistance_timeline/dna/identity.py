"""Genotype concordance between every pair of a patient's WES samples (sample-swap check).

A swapped or mislabelled sample shows as genotypes that disagree at germline variants. The
evidence runs both ways, so that a swap is caught even over a small region with few variants:

- ``germline`` sites (the genotyper's INFO/ORIGIN, i.e. present in the normal): the normal's
  variants, compared in every sample. A tumour of another person lacks most of them.
- ``private`` sites: variants absent from the normal (labelled somatic) that a sample carries at
  a germline-like VAF — at least ``germline_like_min_vaf`` and, where the sheet gives the
  sample's purity p, above the midpoint of p/2 (a clonal heterozygous somatic SNV) and 0.5 (a
  heterozygous germline one) — in a copy-neutral region (the sample's CNVkit segment is
  neutral: its interval holds log2 0 or its |log2| is below ``cnv.min_abs_log2``; the normal
  counts as neutral). A tumour of another person brings its own germline variants, which the
  genotyper labels somatic; a real tumour has few clonal SNVs at such VAFs in copy-neutral
  regions, so each one counts as a genotype like any other (against the normal: a discordance).
- ``panel`` sites (``identity.snp_panel``, a VCF of common SNPs such as somalier's sites file):
  counted in every BAM by the genotyper's own read counting; there a shared homozygous
  reference genotype is evidence too (a common SNP absent from both samples), as somalier
  and NGSCheckMate use such panels.

A site is compared where both samples have ``min_depth`` reads and a genotype from their VAF
(0 up to ``absent_max``, 1 from het_min to hom_min, 2 from hom_min; in between ambiguous and
skipped). The concordance (the share of equal genotypes) is reported; the verdict comes from
the evidence as a whole, the log-odds of "same individual" against "different individuals"
from genotype likelihoods (dna/fingerprint.py, Picard CrosscheckFingerprints' model, with
loss of heterozygosity and somatic change allowed in tumour and cfDNA samples): ``LOD`` at
least ``min_lod``: ``same_individual``; at most ``-min_lod``: ``LIKELY_SWAP``; between:
``inconclusive`` (the sites say too little either way). So nine sites of nine that disagree
are a swap, nine that agree a match, and a handful of weak sites is inconclusive. A panel
site's allele frequency is its INFO/AF; other sites take ``allele_frequency``.

Written here rather than taken from somalier (not packaged for Debian or PyPI) because the
evidence must follow the genotyper's ORIGIN labels and the patient's CNV segments.
"""

import itertools
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

import pysam

from resistance_timeline.cnv.gene_calls import read_segments
from resistance_timeline.dna.candidates import read_candidates
from resistance_timeline.dna.fingerprint import site_lod
from resistance_timeline.dna.genotype_stats import ALT_FWD, ALT_REV, REF_FWD, REF_REV
from resistance_timeline.dna.genotyper import count_all
from resistance_timeline.dna.snp_panel import panel_contigs, panel_fit
from resistance_timeline.io.tables import write_tsv
from resistance_timeline.setup.reference_files import fasta_contigs

KINDS = ("germline", "private", "panel")


@dataclass
class Site:
    """One variant with each sample's (alt reads, depth); ``origin``: the genotyper's ORIGIN
    (germline, somatic, artefact) or ``panel``."""

    contig: str
    pos: int
    origin: str
    reads: dict
    af: float | None = None


@dataclass
class Pair:
    """The comparison of two samples; ``compared``/``agree`` per evidence kind."""

    sample_a: str
    sample_b: str
    compared: dict
    agree: dict
    verdict: str = ""
    lod: float = 0.0

    @property
    def sites(self):
        return sum(self.compared.values())

    @property
    def concordant(self):
        return sum(self.agree.values())

    @property
    def concordance(self):
        return self.concordant / self.sites if self.sites else None


def genotype_from_vaf(vaf, settings):
    """0/1/2 alt copies from a VAF, or None when the VAF is between the bands."""
    if vaf <= settings["absent_max"]:
        return 0
    if settings["het_min"] <= vaf < settings["hom_min"]:
        return 1
    if vaf >= settings["hom_min"]:
        return 2
    return None


def germline_like_min(settings, purity):
    """Lowest VAF at which a variant absent from the normal counts as a germline genotype of
    a sample with this purity (None or blank: unknown)."""
    low = settings["germline_like_min_vaf"]
    return max(low, (purity / 2 + 0.5) / 2) if purity else low


class Neutral:
    """Copy-neutral lookup from each tumour/cfDNA sample's CNVkit segments (.cns); samples
    without segments (the normal) count as neutral everywhere."""

    def __init__(self, segments_by_sample, max_abs_log2):
        self.index = {}  # sample -> contig -> (segment starts, [(start, end, neutral)])
        for sample, segments in segments_by_sample.items():
            by_contig = {}
            for seg in sorted(segments, key=lambda s: (s.contig, s.start)):
                neutral = seg.low <= 0 <= seg.high or abs(seg.log2) < max_abs_log2
                by_contig.setdefault(seg.contig, []).append((seg.start, seg.end, neutral))
            self.index[sample] = {c: ([s[0] for s in v], v) for c, v in by_contig.items()}

    @classmethod
    def from_files(cls, cns_paths, max_abs_log2):
        """Segments read from ``results/cnv/<patient>/<sample>.cns`` files."""
        return cls({Path(p).stem: read_segments(p) for p in cns_paths}, max_abs_log2)

    def __call__(self, sample, contig, pos):
        if sample not in self.index:
            return True
        starts, segments = self.index[sample].get(contig, ([], []))
        i = bisect_right(starts, pos - 1) - 1  # the last segment starting at or before pos
        return i >= 0 and pos - 1 < segments[i][1] and segments[i][2]


def _kind(site, vafs, samples, settings, context):
    """The evidence kind a site gives for a pair, or None when it tells nothing."""
    if site.origin == "panel":
        return "panel"
    if site.origin == "germline":
        return "germline" if max(vafs) >= settings["het_min"] else None
    if site.origin != "somatic":
        return None  # artefacts tell nothing about identity
    neutral, purity = context
    for sample, vaf in zip(samples, vafs, strict=True):
        low = germline_like_min(settings, purity.get(sample))
        if vaf >= low and neutral(sample, site.contig, site.pos):
            return "private"
    return None


def compare_pair(a, b, sites, settings, context):
    """Pair ``a``/``b`` over every site both cover with ``min_depth`` reads."""
    pair = Pair(a, b, dict.fromkeys(KINDS, 0), dict.fromkeys(KINDS, 0))
    purity, changed = context[1], context[2]
    models = [(s in changed, _number(purity.get(s))) for s in (a, b)]
    for site in sites:
        (alt_a, dp_a), (alt_b, dp_b) = site.reads.get(a, (0, 0)), site.reads.get(b, (0, 0))
        if dp_a < settings["min_depth"] or dp_b < settings["min_depth"]:
            continue
        vafs = (alt_a / dp_a, alt_b / dp_b)
        genotypes = [genotype_from_vaf(v, settings) for v in vafs]
        if None in genotypes:
            continue
        kind = _kind(site, vafs, (a, b), settings, context[:2])
        if kind:
            pair.compared[kind] += 1
            pair.agree[kind] += genotypes[0] == genotypes[1]
            q = site.af if site.af is not None else settings["allele_frequency"]
            pair.lod += site_lod((alt_a, dp_a), (alt_b, dp_b), q, models, settings)
    pair.verdict = verdict(pair.lod, settings["min_lod"])
    return pair


def _number(value):
    return float(value) if value not in (None, "") else None


def verdict(lod, min_lod):
    if lod >= min_lod:
        return "same_individual"
    if lod <= -min_lod:
        return "LIKELY_SWAP"
    return "inconclusive"


def concordance(sites, samples, settings, neutral=None, purity=None, normals=None):
    """A Pair for every two samples (in sample order). ``neutral(sample, contig, pos)``: the
    copy-neutral lookup (default: everywhere); ``purity``: sample → purity or None;
    ``normals``: the samples that keep the germline genotype (default: none; every other
    sample may show LOH or somatic change)."""
    changed = set(samples) - set(normals or ())
    context = (neutral or (lambda *_: True), purity or {}, changed)
    return [
        compare_pair(a, b, sites, settings, context) for a, b in itertools.combinations(samples, 2)
    ]


def read_sites(vcf_path):
    """Sample ids and every site of the genotyped VCF (germline, somatic, artefact) with
    sample → (alt reads, depth)."""
    sites = []
    with pysam.VariantFile(vcf_path) as vcf:
        samples = list(vcf.header.samples)
        for record in vcf:
            reads = {}
            for name in samples:
                ad = record.samples[name].get("AD")
                if ad and None not in ad:
                    reads[name] = (ad[1], ad[0] + ad[1])
            sites.append(Site(record.chrom, record.pos, record.info.get("ORIGIN") or "", reads))
    return samples, sites


def panel_sites(panel_vcf, bams, samples, fasta, counting, threads=1):
    """The panel's SNVs counted in every BAM (``samples`` in BAM order) with the genotyper's
    read counting and ``counting`` (the genotyping settings: min_mapq, min_baseq), one BAM
    per worker (``threads``)."""
    candidates = read_candidates(panel_vcf, fasta, counting["indel_flank_bp"], skip_mismatch=True)
    sites = [s for s in candidates if s.kind == "snv"]
    frequencies = panel_frequencies(panel_vcf)
    for k, site in enumerate(sites):
        site.idx = k
    counts = count_all(bams, sites, counting, threads)
    out = []
    for site in sites:
        reads = {}
        for sample, table in zip(samples, counts, strict=True):
            row = table[site.idx]
            alt, ref = int(row[ALT_FWD] + row[ALT_REV]), int(row[REF_FWD] + row[REF_REV])
            reads[sample["sample_id"]] = (alt, alt + ref)
        af = frequencies.get((site.contig, site.pos, site.alt))
        out.append(Site(site.contig, site.pos, "panel", reads, af))
    return out


def panel_frequencies(panel_vcf):
    """(contig, pos, alt) -> INFO/AF of the panel's sites that give one (a frequency strictly
    between 0 and 1; others take the default)."""
    found = {}
    with pysam.VariantFile(str(panel_vcf)) as vcf:
        if "AF" not in vcf.header.info:
            return found
        for record in vcf:
            values = record.info.get("AF")
            values = values if isinstance(values, tuple) else (values,)
            for alt, af in zip(record.alts or (), values, strict=False):
                if af is not None and 0 < af < 1:
                    found[(record.chrom, record.pos, alt)] = float(af)
    return found


def merge_panel(sites, panel):
    """Candidate sites plus panel sites; a candidate at a panel position is left out (the
    panel site counts it once)."""
    at = {(s.contig, s.pos) for s in panel}
    return [s for s in sites if (s.contig, s.pos) not in at] + panel


IDENTITY_COLUMNS = [
    "sample_a",
    "sample_b",
    "sites",
    "concordant",
    "concordance",
    "lod",
    "verdict",
    "germline_sites",
    "private_sites",
    "panel_sites",
]


def write_identity(pairs, out_path):
    """Write the pairs as TSV (concordance blank without sites)."""
    table = (
        {
            "sample_a": p.sample_a,
            "sample_b": p.sample_b,
            "sites": p.sites,
            "concordant": p.concordant,
            "concordance": p.concordance,
            "lod": round(p.lod, 3),
            "verdict": p.verdict,
            **{f"{kind}_sites": p.compared[kind] for kind in KINDS},
        }
        for p in pairs
    )
    write_tsv(table, out_path, IDENTITY_COLUMNS)


def swap_warnings(pairs, settings):
    """One message per pair with verdict LIKELY_SWAP (a swap invalidates everything
    downstream, so the entry shows these on the console too)."""
    return [
        f"WARNING: {p.sample_a} and {p.sample_b} share only {p.concordant} of {p.sites} "
        f"genotypes ({p.compared['germline']} germline, {p.compared['private']} private, "
        f"{p.compared['panel']} panel sites), LOD {p.lod:.2f} for the same individual (at most "
        f"-{settings['min_lod']}): likely a sample swap or mix-up"
        for p in pairs
        if p.verdict == "LIKELY_SWAP"
    ]


def check_identity(vcf, cns, bams, fasta, panel, params, out_path):
    """The rule's work: sites of the genotyped VCF (plus the panel when given and, for the
    shipped panel, when it fits the reference: dna/snp_panel), the pairs, the table; returns
    the pairs, the swap warnings and notes for the log (what became of the panel)."""
    settings = params["settings"]
    samples, sites = read_sites(vcf)
    notes = []
    if panel and params.get("panel_auto"):
        fits, reason = panel_fit(panel_contigs(panel), fasta_contigs(fasta))
        notes.append(f"shipped SNP panel {'used' if fits else 'not used'}: {reason}")
        panel = panel if fits else None
    if panel:
        counted = panel_sites(
            panel, bams, params["samples"], fasta, params["counting"], params.get("threads", 1)
        )
        sites = merge_panel(sites, counted)
    neutral = Neutral.from_files(cns, params["neutral_max_abs_log2"])
    purity = {t["sample_id"]: t["purity"] for t in params["tumours"]}
    normals = [s["sample_id"] for s in params["samples"] if s["material"] == "normal"]
    pairs = concordance(sites, samples, settings, neutral, purity, normals)
    write_identity(pairs, out_path)
    return pairs, swap_warnings(pairs, settings), notes
