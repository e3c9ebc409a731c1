"""Cohort design: the samples and their true copy number, fusions and expression.

Everything here is cheap and deterministic given the seed; read simulation (reads.py)
only samples from it. The small variants are designed in variants.py.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .genome import FUSION_3P_EXON, Gene, translate

AA3 = dict(
    zip(
        "ARNDCQEGHILKMFPSTWYV",
        "Ala Arg Asn Asp Cys Gln Glu Gly His Ile Leu Lys Met Phe Pro Ser Thr Trp Tyr Val".split(),
    )
)
AMPLIFIED_COPIES = 8  # tumour-cell copies of CDK4 / FGFR1 in NB01 relapse
AMPLICON_FLANK = 1000  # copy-changed segment = span of its genes +/- this
# True tumour fraction of samples whose sheet leaves `purity` blank (unknown to the user, as a
# plasma sample's ctDNA fraction usually is): NB01's remission cfDNA, tumour-free at day 250
# and with 0.5% ctDNA at day 420 (no single variant detectable; pooling finds it)
UNREPORTED_TUMOUR_FRACTION = {"NB01-P1A": 0.0, "NB01-P1B": 0.005}
# on-target depth of samples sequenced shallower than their material's default (simulate.DEPTH)
SAMPLE_DEPTH = {"NB01-P1A": 120, "NB01-P1B": 250}


@dataclass(frozen=True)
class CopyChange:
    """A designed tumour copy change of a segment: its genes' span +/- AMPLICON_FLANK."""

    patient: str
    samples: tuple[str, ...]  # the samples whose tumour cells carry it
    genes: tuple[str, ...]  # consecutive genes of one contig
    copies: tuple[int, int]  # tumour-cell copies of haplotype 0, of haplotype 1

    @property
    def kind(self) -> str:
        return "amplification" if sum(self.copies) > 2 else "loss"


COPY_CHANGES = (
    CopyChange("NB01", ("NB01-P2",), ("CDK4",), (AMPLIFIED_COPIES - 1, 1)),
    CopyChange("NB01", ("NB01-P2",), ("FGFR1",), (AMPLIFIED_COPIES - 1, 1)),
    # one-copy loss with LOH (haplotype 1 lost) of chr3's background genes after crizotinib:
    # the whole gene region, so the demo's few bins per gene still make a segment CBS can find
    CopyChange("IMT01", ("IMT01-T1", "IMT01-T2"), ("BG11", "BG12", "BG13", "BG14"), (1, 0)),
)


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


def read_sheets(samples_tsv: Path, units_tsv: Path) -> list[Sample]:
    """Samples (sheet order) with their unit ids."""
    with open(samples_tsv) as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    with open(units_tsv) as fh:
        units = list(csv.DictReader(fh, delimiter="\t"))
    out = []
    for r in rows:
        s = Sample(
            r["patient_id"],
            r["sample_id"],
            r["assay"],
            r["material"],
            int(r["day"]),
            r["timepoint"],
            float(r["purity"])
            if r["purity"]
            else UNREPORTED_TUMOUR_FRACTION.get(r["sample_id"], 0.0),
        )
        s.units = [u["unit_id"] for u in units if u["sample_id"] == s.sample]
        out.append(s)
    return out


def copy_state(gene_name: str, sample: Sample) -> tuple[int, int]:
    """(tumour copies of haplotype 0, of haplotype 1) for a gene in a sample's tumour cells."""
    for ch in COPY_CHANGES:
        if sample.sample in ch.samples and gene_name in ch.genes:
            return ch.copies
    return 1, 1


def copy_ratio(copies: tuple[int, int], purity: float) -> float:
    """Expected copy ratio to a diploid genome: purity-weighted mean copies / 2."""
    return ((1 - purity) * 2 + purity * sum(copies)) / 2


def segment(ch: CopyChange, genes: dict[str, Gene]) -> tuple[str, int, int]:
    """(contig, start, end) of a copy change, 0-based half-open."""
    gs = [genes[n] for n in ch.genes]
    assert len({g.contig for g in gs}) == 1, ch
    start, end = min(g.start for g in gs), max(g.end for g in gs)
    return gs[0].contig, start - AMPLICON_FLANK, end + AMPLICON_FLANK


def copy_segments(sample: Sample, genes: dict[str, Gene]) -> list[tuple[str, int, int, float]]:
    """(contig, start, end, expected copy ratio) of every copy-changed segment in a sample; the
    ratio scales on- and off-target read depth there."""
    return [
        (*segment(ch, genes), copy_ratio(ch.copies, sample.purity))
        for ch in COPY_CHANGES
        if sample.sample in ch.samples
    ]


def tumour_share(contig, centre, amps, contig_names, purity: float) -> np.ndarray:
    """The tumour-derived share of the DNA at each fragment (contig index, centre): 1 − (1 − p)
    / r, r the copy ratio of the segment it lies in (``amps``: copy_segments), p where none."""
    ratio = np.ones(len(centre))
    for ac, aa, ab, r in amps:
        ratio[(contig == contig_names.index(ac)) & (centre >= aa) & (centre < ab)] = r
    return np.clip(1 - (1 - purity) / ratio, 0.0, 1.0)


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
        cds = (
            seq[g.cds_start : g.cds_start + (j - g.cds_start) + (alk.cds_end - a0)]
            .tobytes()
            .decode()
        )
        prot = translate(cds)
        assert prot.endswith("*") and "*" not in prot[:-1], f"{name}::ALK not in frame"
        out.append(Fusion(patient, name, k, seq, j))
    return out


def design_expression(
    rng, genes: dict[str, Gene], samples: list[Sample]
) -> dict[str, dict[str, float]]:
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
        "IMT01": [
            {"PTCH1": -2.2, "GLI1": 1.0, "HHIP": -0.8, "BG12": 1.5},
            {"PTCH1": -2.2, "GLI1": 0.6, "BG27": -1.5},
        ],
        "IMT02": [
            {"PTCH1": -2.3, "GLI1": 1.2, "HHIP": -0.7, "BG33": -1.5},
            {"PTCH1": -2.1, "GLI1": 0.5, "BG05": 1.5},
        ],
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
            # library size (gene fragments, fusion excluded) ~ U(39k, 48k): the size factor
            raw = {n: pbase[n] * 2 ** lfc[n] for n in names}
            scale = rng.uniform(39000, 48000) / sum(raw.values())
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
                out.append(
                    (patient, n, pre, post, round(float(np.log2(b[n] / a[n]) - sf), 3) or 0.0)
                )
    return out
