"""Small variants of each patient: germline SNPs, clonal and subclonal passengers, hotspots.

VAFs follow VAF = cellular fraction x purity x alt copies / total copies, with total copies
purity-weighted (normal cells diploid).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .design import COPY_CHANGES, Sample, copy_state
from .genome import CODON_TABLE, FUSION_3P_EXON, HOTSPOTS, SEED_GENES, Gene, revcomp, translate


@dataclass
class Variant:
    """A small variant in genome orientation: `ref` at 0-based `pos` replaced by `alt` (no anchor
    base)."""

    patient: str
    contig: str
    pos: int
    ref: str
    alt: str
    gene: str
    protein: str
    # germline | somatic | panel_artefact (low_vaf: a sticky sequencing error) |
    # clonal_hematopoiesis | possible_clonal_hematopoiesis (ch: a blood-cell clone)
    origin: str
    zygosity: str = "het"  # germline: het | hom
    haplotype: int = 0  # germline het: which parental copy carries it
    ccf: dict[str, float] = field(default_factory=dict)  # somatic: cellular fraction per sample
    stream: str = "design"  # the random stream that placed it (clones.STREAM: version 5's)
    # carriers drawn apart, exactly ceil(VAF x covering fragments) (low_vaf: version 7's)
    fixed_count: bool = False
    fixed_vaf: float = 0.0  # panel_artefact: its fraction in every sample of the patient
    sample_vaf: dict[str, float] = field(default_factory=dict)  # ch: the VAF of each sample

    @property
    def kind(self) -> str:
        return "snv" if len(self.ref) == len(self.alt) == 1 else "indel"


def true_vaf(
    v: Variant, sample: Sample, genes: dict[str, Gene], purity: float | None = None
) -> float:
    """Expected allele fraction of variant v in sample (purity-weighted copies)."""
    p = sample.purity if purity is None else purity
    if v.patient != sample.patient:
        return 0.0
    if v.origin == "panel_artefact":
        return v.fixed_vaf
    if v.sample_vaf:
        return v.sample_vaf.get(sample.sample, 0.0)
    h0, h1 = copy_state(v.gene, sample) if v.gene else (1, 1)
    total = (1 - p) * 2 + p * (h0 + h1)
    if v.origin == "germline":
        if v.zygosity == "hom":
            return 1.0
        alt = (1 - p) * 1 + p * (h0 if v.haplotype == 0 else h1)
        return round(alt / total, 4)
    ccf = v.ccf.get(sample.sample, 0.0)
    return round(ccf * p * 1 / total, 4)


def protein_change(gene: Gene, g_pos: int, ref: str, alt: str) -> str:
    """p. notation (one-letter) for an SNV or codon-aligned 3-bp indel in genome orientation."""
    t = gene.genome_to_tx(g_pos)
    if t is None or not (gene.cds_start <= t < gene.cds_end):
        return ""
    cds = gene.cds
    comp = str.maketrans("ACGT", "TGCA")
    if gene.strand == "-":
        ref, alt = ref.translate(comp)[::-1], alt.translate(comp)[::-1]
        if len(ref) > 1:
            t -= len(ref) - 1
    c = t - gene.cds_start
    n = c // 3 + 1
    aa = translate(cds[3 * (n - 1) : 3 * n])
    if len(ref) == len(alt) == 1:
        codon = list(cds[3 * (n - 1) : 3 * n])
        codon[c % 3] = alt
        new = CODON_TABLE["".join(codon)]
        return f"p.{aa}{n}{'=' if new == aa else new}"
    if len(alt) == 0:
        return f"p.{aa}{n}del"
    # insertion: genome-orientation insert before g_pos; in CDS orientation it lands after
    # residue n-1
    n_ins = n if gene.strand == "-" else n - 1
    a1 = translate(cds[3 * (n_ins - 1) : 3 * n_ins])
    a2 = translate(cds[3 * n_ins : 3 * n_ins + 3])
    return f"p.{a1}{n_ins}_{a2}{n_ins + 1}ins{translate(alt)}"


def vcf_record(v: Variant, contigs: dict[str, np.ndarray]) -> tuple[int, str, str]:
    """1-based VCF (pos, ref, alt) with an anchor base for indels."""
    if v.kind == "snv":
        return v.pos + 1, v.ref, v.alt
    anchor = chr(contigs[v.contig][v.pos - 1])
    return v.pos, anchor + v.ref, anchor + v.alt


def _forbidden(genes: dict[str, Gene]) -> list[tuple[str, int, int]]:
    """Hotspot neighbourhoods (+/-150 bp) and fusion junction exon borders (+/-40 bp) kept
    variant-free."""
    out = []
    for name, residues in HOTSPOTS.items():
        g = genes[name]
        for r in residues:
            cod = g.codon_genomic(r)
            out.append((g.contig, min(cod) - 150, max(cod) + 151))
    for g in genes.values():
        exon_numbers = [g.fusion_exon] if g.fusion_exon else []
        if g.name == "ALK":
            exon_numbers = [FUSION_3P_EXON - 1, FUSION_3P_EXON]
        for k in exon_numbers:
            a, b = g.exons[k - 1]
            out += [(g.contig, a - 40, a + 40), (g.contig, b - 40, b + 40)]
    return out


class _Picker:
    """Draws variant positions in CDS (or padded CDS) keeping a minimum spacing and clean
    hotspots."""

    def __init__(self, rng, contigs, genes, min_gap: int = 80):
        self.rng, self.contigs, self.genes, self.min_gap = rng, contigs, genes, min_gap
        self.forbidden = _forbidden(genes)
        self.used: list[tuple[str, int]] = []

    def ok(self, contig: str, pos: int, used) -> bool:
        if any(c == contig and a <= pos < b for c, a, b in self.forbidden):
            return False
        return all(c != contig or abs(p - pos) >= self.min_gap for c, p in used)

    def pick(
        self, gene_names: list[str], used, width: int = 1, codon_aligned: bool = False
    ) -> tuple[Gene, int]:
        """A genomic position (0-based, leftmost of `width` bases) inside a CDS exon interior."""
        while True:
            g = self.genes[gene_names[self.rng.integers(len(gene_names))]]
            c = int(self.rng.integers(3, len(g.cds) - 6))
            if codon_aligned:
                c -= c % 3
            t = g.cds_start + c
            gs = sorted(g.tx_to_genome(t + i) for i in range(width))
            if gs[-1] - gs[0] != width - 1:
                continue  # crosses an intron
            # stay 5 bp inside the exon so indels never touch a splice site
            if g.genome_to_tx(gs[0] - 5) is None or g.genome_to_tx(gs[-1] + 5) is None:
                continue
            if abs(g.genome_to_tx(gs[0] - 5) - g.genome_to_tx(gs[-1] + 5)) != width + 9:
                continue
            if self.ok(g.contig, gs[0], used):
                used.append((g.contig, gs[0]))
                return g, gs[0]


def _variant(patient: str, g: Gene, pos: int, ref: str, alt: str, origin: str, *args, **kw):
    """Variant in gene g, named by its protein change (`args`, `kw`: zygosity, haplotype, ccf)."""
    protein = protein_change(g, pos, ref, alt)
    return Variant(patient, g.contig, pos, ref, alt, g.name, protein, origin, *args, **kw)


def _snv_alt(rng, ref: str) -> str:
    transition = {"A": "G", "G": "A", "C": "T", "T": "C"}
    if rng.random() < 0.67:
        return transition[ref]
    return [b for b in "ACGT" if b not in (ref, transition[ref])][rng.integers(2)]


def design_variants(rng, contigs, genes, samples: list[Sample]) -> list[Variant]:
    """Germline SNPs, clonal passengers (SNV/del/ins), the hotspot mutations and IMT02's
    subclone."""
    picker = _Picker(rng, contigs, genes)
    seq = lambda c, p, n=1: contigs[c][p : p + n].tobytes().decode()  # noqa: E731
    all_genes = list(genes)
    bg = [n for n in genes if n not in SEED_GENES]
    patients = list(dict.fromkeys(s.patient for s in samples))
    tumours = {
        p: [s for s in samples if s.patient == p and s.assay == "wes" and s.material != "normal"]
        for p in patients
    }
    used_global: list[tuple[str, int]] = []
    common = []
    for _ in range(8):  # common SNPs that several patients share
        g, pos = picker.pick(all_genes, used_global)
        common.append(
            (g, pos, _snv_alt(rng, seq(g.contig, pos)), "hom" if rng.random() < 0.35 else "het")
        )
    out: list[Variant] = []
    for patient in patients:
        used = list(used_global)
        n_snp = int(rng.integers(25, 41))
        chosen = [
            common[i]
            for i in sorted(rng.choice(len(common), int(rng.integers(2, 5)), replace=False))
        ]
        while len(chosen) < n_snp:
            g, pos = picker.pick(all_genes, used)
            chosen.append(
                (g, pos, _snv_alt(rng, seq(g.contig, pos)), "hom" if rng.random() < 0.35 else "het")
            )
        for g, pos, alt, zyg in chosen:
            ref = seq(g.contig, pos)
            haplotype = int(rng.integers(2))
            out.append(_variant(patient, g, pos, ref, alt, "germline", zyg, haplotype))
        clonal = {s.sample: 1.0 for s in tumours[patient]}
        for _ in range(int(rng.integers(3, 7))):
            g, pos = picker.pick(bg, used)
            ref = seq(g.contig, pos)
            alt = _snv_alt(rng, ref)
            out.append(_variant(patient, g, pos, ref, alt, "somatic", ccf=dict(clonal)))
        while True:  # in-frame codon deletion that cannot be shifted (unique normalised form)
            g, pos = picker.pick(bg, used, width=3, codon_aligned=True)
            ref = seq(g.contig, pos, 3)
            if (
                seq(g.contig, pos - 1) != ref[-1]
                and ref[0] != seq(g.contig, pos + 3)
                and "*" not in translate(ref)
            ):
                out.append(_variant(patient, g, pos, ref, "", "somatic", ccf=dict(clonal)))
                break
            used.pop()
        while True:  # in-frame codon insertion between two codons
            g, pos = picker.pick(bg, used, width=3, codon_aligned=True)
            if g.strand == "-":
                pos += 3  # insert after the codon's last genomic base = between codons in CDS
            ins = ["GCC", "AGC", "GAC", "CAG", "ACC"][rng.integers(5)]
            ins_g = (
                ins
                if g.strand == "+"
                else revcomp(np.frombuffer(ins.encode(), np.uint8)).tobytes().decode()
            )
            if ins_g[-1] != seq(g.contig, pos - 1) and ins_g[0] != seq(g.contig, pos):
                out.append(_variant(patient, g, pos, "", ins_g, "somatic", ccf=dict(clonal)))
                break
            used.pop()
        if patient == "IMT02":  # subclonal passenger lost under therapy (VAF .12 -> .04 -> 0)
            g, pos = picker.pick(bg, used)
            ref = seq(g.contig, pos)
            alt = _snv_alt(rng, ref)
            ccf = dict(zip([s.sample for s in tumours[patient]], [0.48, 0.16, 0.0]))
            out.append(_variant(patient, g, pos, ref, alt, "somatic", ccf=ccf))
    out += _hotspot_variants(contigs, genes, tumours)
    return out


LOH_SNPS = 4  # designed germline het SNPs per gene of an LOH segment, haplotypes 0, 1, 0, 1
LOH_ATTEMPTS = 50  # restarts per gene before it keeps fewer SNPs


def _snv_sites(g: Gene) -> list[int]:
    """Genomic positions in g's CDS at least 5 bp inside an exon (as _Picker.pick draws them)."""
    out = []
    for c in range(3, len(g.cds) - 6):
        p = g.tx_to_genome(g.cds_start + c)
        a, b = g.genome_to_tx(p - 5), g.genome_to_tx(p + 5)
        if a is not None and b is not None and abs(a - b) == 10:
            out.append(p)
    return out


def design_loh_snps(rng, contigs, genes, variants: list[Variant]) -> list[Variant]:
    """Germline het SNPs in the CDS of every gene of a segment that loses a haplotype, for its
    patient, so that a B-allele fraction can be measured in each gene. `rng` is a stream of their
    own and they are appended to `variants`, so every other variant keeps its position and truth.
    Small genes fit only a few SNPs 80 bp apart, so a gene whose draws leave no room starts over
    (up to LOH_ATTEMPTS times, then keeps its largest set).
    No designed SNP gains a stop codon."""
    out: list[Variant] = []
    picker = _Picker(rng, contigs, genes)
    for ch in COPY_CHANGES:
        if min(ch.copies) > 0:
            continue
        for name in ch.genes:
            g, sites = genes[name], _snv_sites(genes[name])
            used = [(v.contig, v.pos) for v in variants + out if v.patient == ch.patient]
            picks: list[int] = []
            best: list[int] = []
            for _ in range(LOH_ATTEMPTS):  # small genes may not fit LOH_SNPS: keep the most
                picks = []
                while len(picks) < LOH_SNPS:
                    free = [
                        p
                        for p in sites
                        if picker.ok(g.contig, p, used + [(g.contig, q) for q in picks])
                    ]
                    if not free:
                        break
                    picks.append(free[rng.integers(len(free))])
                best = max(best, picks, key=len)
                if len(best) == LOH_SNPS:
                    break
            picks = best
            for i, pos in enumerate(picks):
                ref, v = chr(contigs[g.contig][pos]), None
                while v is None or v.protein.endswith("*"):  # no germline stop gain
                    alt = _snv_alt(rng, ref)
                    v = _variant(ch.patient, g, pos, ref, alt, "germline", "het", i % 2)
                out.append(v)
    return out


def codon_change(contigs, g: Gene, residue: int, k: int, new: str) -> tuple[int, str, str]:
    """(genomic position, ref, alt) in genome orientation of base k (0-2) of codon
    ``residue`` of gene g turned into ``new`` (transcript strand)."""
    comp = {"A": "T", "C": "G", "G": "C", "T": "A"}
    pos = g.codon_genomic(residue)[k]
    return pos, chr(contigs[g.contig][pos]), new if g.strand == "+" else comp[new]


def _hotspot_variants(contigs, genes, tumours) -> list[Variant]:
    """ALK L1196Q (IMT01 T2), ALK F1174L (NB01), NRAS Q61K (NB01 relapse cfDNA), and BG26
    C40Y, a 2.5% subclone in NB01's relapse cfDNA that the shallower biopsy cannot rule out."""
    # patient, gene, residue, codon base (0-2), new base (transcript strand), ccf per sample
    # (None: truncal, 1.0 in every tumour and cfDNA sample of the patient)
    specs = [
        ("IMT01", "ALK", 1196, 1, "A", {"IMT01-T2": 1.0}),
        ("NB01", "ALK", 1174, 2, "A", None),
        ("NB01", "NRAS", 61, 0, "A", {"NB01-P2": 0.8}),
        # a small subclone seen only in the deep relapse cfDNA (VAF 0.025 at 20% tumour
        # DNA): the diagnosis biopsy (~150x, detection limit ~0.04) cannot rule it out
        ("NB01", "BG26", 40, 1, "A", {"NB01-P2": 0.25}),
    ]
    out = []
    for patient, name, res, k, new, ccf in specs:
        g = genes[name]
        pos, ref, alt = codon_change(contigs, g, res, k, new)
        ccf = {s.sample: 1.0 if ccf is None else ccf.get(s.sample, 0.0) for s in tumours[patient]}
        out.append(_variant(patient, g, pos, ref, alt, "somatic", ccf=ccf))
    return out
