"""Cohort design: the true events of each patient (variants, copy number, fusions, expression).

Everything here is cheap and deterministic given the seed; read simulation (reads.py)
only samples from it. VAFs follow VAF = cellular fraction x purity x alt copies / total
copies, with total copies purity-weighted (normal cells diploid).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .genome import CODON_TABLE, FUSION_3P_EXON, HOTSPOTS, SEED_GENES, Gene, revcomp, translate

AA3 = {"A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "Q": "Gln", "E": "Glu", "G": "Gly",
       "H": "His", "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe", "P": "Pro", "S": "Ser",
       "T": "Thr", "W": "Trp", "Y": "Tyr", "V": "Val"}
AMPLIFIED_COPIES = 8  # tumour-cell copies of CDK4 / FGFR1 in NB01 relapse
AMPLICON_FLANK = 1000  # amplified segment = gene span +/- this


@dataclass
class Sample:
    """One row of config/demo/samples.tsv plus its units."""

    patient: str
    sample: str
    assay: str
    material: str
    day: int
    timepoint: str
    purity: float
    units: list[str] = field(default_factory=list)


@dataclass
class Variant:
    """A small variant in genome orientation: `ref` at 0-based `pos` replaced by `alt` (no anchor base)."""

    patient: str
    contig: str
    pos: int
    ref: str
    alt: str
    gene: str
    protein: str
    origin: str  # germline | somatic
    zygosity: str = "het"  # germline: het | hom
    haplotype: int = 0  # germline het: which parental copy carries it
    ccf: dict[str, float] = field(default_factory=dict)  # somatic: cellular fraction per sample

    @property
    def kind(self) -> str:
        return "snv" if len(self.ref) == len(self.alt) == 1 else "indel"


def read_sheets(samples_tsv: Path, units_tsv: Path) -> list[Sample]:
    """Samples (sheet order) with their unit ids."""
    with open(samples_tsv) as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    with open(units_tsv) as fh:
        units = list(csv.DictReader(fh, delimiter="\t"))
    out = []
    for r in rows:
        s = Sample(r["patient_id"], r["sample_id"], r["assay"], r["material"], int(r["day"]),
                   r["timepoint"], float(r["purity"]) if r["purity"] else 0.0)
        s.units = [u["unit_id"] for u in units if u["sample_id"] == s.sample]
        out.append(s)
    return out


def copy_state(gene_name: str, sample: Sample) -> tuple[int, int]:
    """(tumour copies of haplotype 0, of haplotype 1) for a gene in a sample's tumour cells."""
    if sample.sample == "NB01-P2" and gene_name in ("CDK4", "FGFR1"):
        return AMPLIFIED_COPIES - 1, 1
    return 1, 1


def amplicons(sample: Sample, genes: dict[str, Gene]) -> list[tuple[str, int, int, float]]:
    """(contig, start, end, expected copy ratio) of amplified segments in a sample."""
    out = []
    for name in ("CDK4", "FGFR1"):
        a, b = copy_state(name, sample)
        if a + b != 2:
            g = genes[name]
            ratio = ((1 - sample.purity) * 2 + sample.purity * (a + b)) / 2
            out.append((g.contig, g.start - AMPLICON_FLANK, g.end + AMPLICON_FLANK, ratio))
    return out


def true_vaf(v: Variant, sample: Sample, genes: dict[str, Gene], purity: float | None = None) -> float:
    """Expected allele fraction of variant v in sample (purity-weighted copies)."""
    p = sample.purity if purity is None else purity
    if v.patient != sample.patient:
        return 0.0
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
    # insertion: genome-orientation insert before g_pos; in CDS orientation it lands after residue n-1
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
    """Hotspot neighbourhoods (+/-150 bp) and fusion junction exon borders (+/-40 bp) kept variant-free."""
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
    """Draws variant positions in CDS (or padded CDS) keeping a minimum spacing and clean hotspots."""

    def __init__(self, rng, contigs, genes, min_gap: int = 80):
        self.rng, self.contigs, self.genes, self.min_gap = rng, contigs, genes, min_gap
        self.forbidden = _forbidden(genes)
        self.used: list[tuple[str, int]] = []

    def ok(self, contig: str, pos: int, used) -> bool:
        if any(c == contig and a <= pos < b for c, a, b in self.forbidden):
            return False
        return all(c != contig or abs(p - pos) >= self.min_gap for c, p in used)

    def pick(self, gene_names: list[str], used, width: int = 1, codon_aligned: bool = False) -> tuple[Gene, int]:
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


def _snv_alt(rng, ref: str) -> str:
    transition = {"A": "G", "G": "A", "C": "T", "T": "C"}
    if rng.random() < 0.67:
        return transition[ref]
    return [b for b in "ACGT" if b not in (ref, transition[ref])][rng.integers(2)]


def design_variants(rng, contigs, genes, samples: list[Sample]) -> list[Variant]:
    """Germline SNPs, clonal passengers (SNV/del/ins), the hotspot mutations and IMT02's subclone."""
    picker = _Picker(rng, contigs, genes)
    seq = lambda c, p, n=1: contigs[c][p : p + n].tobytes().decode()  # noqa: E731
    all_genes = list(genes)
    bg = [n for n in genes if n not in SEED_GENES]
    patients = list(dict.fromkeys(s.patient for s in samples))
    tumours = {p: [s for s in samples if s.patient == p and s.assay == "wes" and s.material != "normal"] for p in patients}
    used_global: list[tuple[str, int]] = []
    common = []
    for _ in range(8):  # common SNPs that several patients share
        g, pos = picker.pick(all_genes, used_global)
        common.append((g, pos, _snv_alt(rng, seq(g.contig, pos)), "hom" if rng.random() < 0.35 else "het"))
    out: list[Variant] = []
    for patient in patients:
        used = list(used_global)
        n_snp = int(rng.integers(25, 41))
        chosen = [common[i] for i in sorted(rng.choice(len(common), int(rng.integers(2, 5)), replace=False))]
        while len(chosen) < n_snp:
            g, pos = picker.pick(all_genes, used)
            chosen.append((g, pos, _snv_alt(rng, seq(g.contig, pos)), "hom" if rng.random() < 0.35 else "het"))
        for g, pos, alt, zyg in chosen:
            ref = seq(g.contig, pos)
            out.append(Variant(patient, g.contig, pos, ref, alt, g.name, protein_change(g, pos, ref, alt),
                               "germline", zyg, int(rng.integers(2))))
        clonal = {s.sample: 1.0 for s in tumours[patient]}
        for _ in range(int(rng.integers(3, 7))):
            g, pos = picker.pick(bg, used)
            ref = seq(g.contig, pos)
            alt = _snv_alt(rng, ref)
            out.append(Variant(patient, g.contig, pos, ref, alt, g.name, protein_change(g, pos, ref, alt),
                               "somatic", ccf=dict(clonal)))
        while True:  # in-frame codon deletion that cannot be shifted (unique normalised form)
            g, pos = picker.pick(bg, used, width=3, codon_aligned=True)
            ref = seq(g.contig, pos, 3)
            if seq(g.contig, pos - 1) != ref[-1] and ref[0] != seq(g.contig, pos + 3) and "*" not in translate(ref):
                out.append(Variant(patient, g.contig, pos, ref, "", g.name, protein_change(g, pos, ref, ""),
                                   "somatic", ccf=dict(clonal)))
                break
            used.pop()
        while True:  # in-frame codon insertion between two codons
            g, pos = picker.pick(bg, used, width=3, codon_aligned=True)
            if g.strand == "-":
                pos += 3  # insert after the codon's last genomic base = between codons in CDS
            ins = ["GCC", "AGC", "GAC", "CAG", "ACC"][rng.integers(5)]
            ins_g = ins if g.strand == "+" else revcomp(np.frombuffer(ins.encode(), np.uint8)).tobytes().decode()
            if ins_g[-1] != seq(g.contig, pos - 1) and ins_g[0] != seq(g.contig, pos):
                out.append(Variant(patient, g.contig, pos, "", ins_g, g.name,
                                   protein_change(g, pos, "", ins_g), "somatic", ccf=dict(clonal)))
                break
            used.pop()
        if patient == "IMT02":  # subclonal passenger lost under therapy (VAF .12 -> .04 -> 0)
            g, pos = picker.pick(bg, used)
            ref = seq(g.contig, pos)
            alt = _snv_alt(rng, ref)
            ccf = dict(zip([s.sample for s in tumours[patient]], [0.48, 0.16, 0.0]))
            out.append(Variant(patient, g.contig, pos, ref, alt, g.name, protein_change(g, pos, ref, alt),
                               "somatic", ccf=ccf))
    out += _hotspot_variants(contigs, genes, tumours)
    return out


def _hotspot_variants(contigs, genes, tumours) -> list[Variant]:
    """ALK L1196Q (IMT01 T2), ALK F1174L (NB01), NRAS Q61K (NB01 relapse cfDNA)."""
    comp = {"A": "T", "C": "G", "G": "C", "T": "A"}
    specs = [  # patient, gene, residue, codon base (0-2), new base (transcript strand), ccf per sample
        ("IMT01", "ALK", 1196, 1, "A", {"IMT01-T2": 1.0}),
        ("NB01", "ALK", 1174, 2, "A", {"NB01-T0": 1.0, "NB01-P2": 1.0}),
        ("NB01", "NRAS", 61, 0, "A", {"NB01-P2": 0.8}),
    ]
    out = []
    for patient, name, res, k, new, ccf in specs:
        g = genes[name]
        pos = g.codon_genomic(res)[k]
        ref = chr(contigs[g.contig][pos])
        alt = new if g.strand == "+" else comp[new]
        ccf = {s.sample: ccf.get(s.sample, 0.0) for s in tumours[patient]}
        out.append(Variant(patient, g.contig, pos, ref, alt, name, protein_change(g, pos, ref, alt), "somatic", ccf=ccf))
    return out


@dataclass
class Fusion:
    """An in-frame fusion transcript: 5' partner exons 1..exon5 + ALK exons 20..end."""

    patient: str
    gene5: str
    exon5: int
    seq: np.ndarray
    junction: int  # transcript offset of the first ALK base


def design_fusions(genes: dict[str, Gene]) -> list[Fusion]:
    """RRBP1::ALK (IMT01) and TNS1::ALK (IMT02)."""
    alk = genes["ALK"]
    a0 = int(alk.tx_starts[FUSION_3P_EXON - 1])
    out = []
    for patient, name in (("IMT01", "RRBP1"), ("IMT02", "TNS1")):
        g = genes[name]
        k = g.fusion_exon
        j = int(g.tx_starts[k - 1] + g.exon_lens[k - 1])
        seq = np.concatenate([g.tx_seq[:j], alk.tx_seq[a0:]])
        cds = seq[g.cds_start : g.cds_start + (j - g.cds_start) + (alk.cds_end - a0)].tobytes().decode()
        prot = translate(cds)
        assert prot.endswith("*") and "*" not in prot[:-1], f"{name}::ALK not in frame"
        out.append(Fusion(patient, name, k, seq, j))
    return out


def design_expression(rng, genes: dict[str, Gene], samples: list[Sample]) -> dict[str, dict[str, float]]:
    """True NB mean per RNA sample and gene (before sampling).

    Base means are log-uniform over ~3.5 orders of magnitude; each patient has its own
    baseline (log-normal jitter); each sample a library size. Changes between consecutive
    RNA samples are the log2 fold changes written to truth/expression.tsv (relative to the
    unchanged majority of genes, i.e. after median-ratio normalisation).
    """
    names = list(genes)
    base = 10 ** rng.uniform(0.3, 3.6, len(names))
    base = dict(zip(names, base / base.sum() * 27000))
    base.update(PTCH1=1500.0, GLI1=300.0, HHIP=120.0, SMO=400.0, ALK=700.0, MYCN=60.0)
    changes = {  # patient: list of per-step {gene: log2fc}
        "IMT01": [{"PTCH1": -2.2, "GLI1": 1.0, "HHIP": -0.8, "BG12": 1.5}, {"PTCH1": -2.2, "GLI1": 0.6, "BG27": -1.5}],
        "IMT02": [{"PTCH1": -2.3, "GLI1": 1.2, "HHIP": -0.7, "BG33": -1.5}, {"PTCH1": -2.1, "GLI1": 0.5, "BG05": 1.5}],
        "NB01": [{"CDK4": 1.4, "FGFR1": 1.3, "BG19": 1.5}],
    }
    means = {}
    for patient in dict.fromkeys(s.patient for s in samples):
        rna = [s for s in samples if s.patient == patient and s.assay == "rna"]
        pbase = {n: v * 2 ** rng.normal(0, 0.3) for n, v in base.items()}
        if patient.startswith("IMT"):
            pbase["ALK"] = 4.0  # wild-type ALK barely expressed; ALK 3' reads come from the fusion
            pbase["MYCN"] = 8.0
        else:
            pbase["MYCN"] = 900.0  # neuroblastoma
        lfc = dict.fromkeys(names, 0.0)
        for i, s in enumerate(rna):
            if i:
                for n, d in changes[patient][i - 1].items():
                    lfc[n] += d
            # library size (gene fragments, fusion excluded) ~ U(26k, 32k): the size factor
            raw = {n: pbase[n] * 2 ** lfc[n] for n in names}
            scale = rng.uniform(26000, 32000) / sum(raw.values())
            means[s.sample] = {n: scale * v for n, v in raw.items()}
    return means


def expression_contrasts(means, samples: list[Sample]) -> list[tuple[str, str, str, str, float]]:
    """(patient, gene, pre, post, true log2FC) for consecutive RNA samples, size factors removed."""
    out = []
    for patient in dict.fromkeys(s.patient for s in samples):
        rna = [s.sample for s in samples if s.patient == patient and s.assay == "rna"]
        for pre, post in zip(rna, rna[1:]):
            a, b = means[pre], means[post]
            # size factors cancel for genes without a designed change
            sf = np.median([np.log2(b[n] / a[n]) for n in a])
            for n in a:
                out.append((patient, n, pre, post, round(float(np.log2(b[n] / a[n]) - sf), 3) or 0.0))
    return out
