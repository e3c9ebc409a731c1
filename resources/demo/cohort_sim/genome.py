"""Synthetic mini reference: contigs, gene models, GFF3/GTF/BED writers.

Sequence is random (GC ~0.42, homopolymers capped), so every 31-mer is unique and
reads map unambiguously. Only the *structure* is modelled on GRCh38: real chromosome
names, real strands, real protein lengths, and real residue numbering at the
resistance hotspots (ALK F1174 / L1196 / G1202 ..., NRAS G12 / G13 / Q61).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

BASES = np.frombuffer(b"ACGT", dtype=np.uint8)
COMP = np.frombuffer(bytes.maketrans(b"ACGTN", b"TGCAN"), dtype=np.uint8)
STOPS = {"TAA", "TAG", "TGA"}
SENSE_CODONS = [a + b + c for a in "ACGT" for b in "ACGT" for c in "ACGT" if a + b + c not in STOPS]
CODON_TABLE = dict(
    zip(
        [a + b + c for a in "TCAG" for b in "TCAG" for c in "TCAG"],
        "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG",
    )
)
MAX_HOMOPOLYMER = 5
GENE_PAD = 3000  # flank at contig ends
TARGET_PAD = 25  # exome bait padding around each CDS exon

# ALK: 29 exons; cumulative CDS length (c. end) of each exon. Exon 19 ends at c.3172
# (first base of codon 1058), so exon 20 starts at the 2nd base of codon 1058 as in
# real EML4-ALK breakpoints. C1156/I1171 in exon 22, F1174..G1202 in exon 23, G1269 exon 25.
_ALK_2_19 = [
    118,
    145,
    132,
    160,
    141,
    127,
    173,
    108,
    152,
    139,
    166,
    121,
    147,
    135,
    158,
    114,
    149,
    126,
]
ALK_CDS_ENDS = (
    [3172 - sum(_ALK_2_19)]
    + list(np.cumsum(_ALK_2_19) + 3172 - sum(_ALK_2_19))
    + [3300, 3430, 3514, 3650, 3760, 3880, 4010, 4150, 4290, 4863]
)
ALK_CODONS = {
    1058: "GCT",
    1156: "TGC",
    1171: "ATC",
    1174: "TTC",
    1196: "CTG",
    1198: "CTC",
    1202: "GGC",
    1269: "GGC",
}
NRAS_CODONS = {12: "GGT", 13: "GGT", 61: "CAA"}
FUSION_3P_EXON = 20  # ALK exon joined to the 5' partner

# name: (contig, strand, protein aa, CDS exon count, UTR-only 5' exons, fixed CDS ends or None,
#        fixed codons, fusion exon k)
SEED_GENES = {
    "NRAS": ("chr1", "-", 189, 4, 1, [111, 291, 450, 570], NRAS_CODONS, None),
    "MYCN": ("chr2", "+", 464, 2, 1, None, {}, None),
    "ALK": ("chr2", "-", 1620, 29, 0, ALK_CDS_ENDS, ALK_CODONS, None),
    "TNS1": ("chr2", "-", 1735, 14, 0, None, {}, 10),
    "HHIP": ("chr4", "+", 700, 8, 0, None, {}, None),
    "SMO": ("chr7", "+", 787, 8, 0, None, {}, None),
    "FGFR1": ("chr8", "-", 822, 12, 0, None, {}, None),
    "PTCH1": ("chr9", "-", 1447, 12, 0, None, {}, None),
    "GLI1": ("chr12", "+", 1106, 10, 0, None, {}, None),
    "CDK4": ("chr12", "-", 303, 7, 0, None, {}, None),
    "RRBP1": ("chr20", "-", 1410, 12, 0, None, {}, 8),
}
# Gene order per contig; BG genes are synthetic background genes, copy-neutral except BG11-BG14
# (design.COPY_CHANGES).
CONTIG_LAYOUT = {
    "chr1": ["BG01", "BG02", "NRAS", "BG03", "BG04"],
    "chr2": ["BG05", "MYCN", "BG06", "ALK", "BG07", "BG08", "BG09", "TNS1", "BG10"],
    "chr3": ["BG11", "BG12", "BG13", "BG14"],
    "chr4": ["BG15", "HHIP", "BG16", "BG17"],
    "chr7": ["BG18", "SMO", "BG19", "BG20"],
    "chr8": ["BG21", "BG22", "FGFR1", "BG23", "BG24", "BG25"],
    "chr9": ["BG26", "PTCH1", "BG27", "BG28"],
    "chr12": ["BG29", "BG30", "GLI1", "BG31", "CDK4", "BG32", "BG33", "BG34"],
    "chr17": ["BG35", "BG36", "BG37"],
    "chr20": ["BG38", "RRBP1", "BG39", "BG40"],
}
HOTSPOTS = {"ALK": [1156, 1171, 1174, 1196, 1198, 1202, 1269], "NRAS": [12, 13, 61]}
# Genes of clonal haematopoiesis (version 8, cohort_sim.ch), as SEED_GENES: each is appended
# after the last gene of its real chromosome from a stream of its own, so every base, gene
# and coordinate built from CONTIG_LAYOUT stays what it was. DNMT3A R882 (exon 23 of 23 in
# GRCh38; 12 CDS exons here), PPM1D Q524 in its last exon (6 of 6), where truncating CH
# variants cluster (fixed CDS ends put both residues there).
CH_GENES = {
    "DNMT3A": (
        "chr2",
        "-",
        912,
        12,
        0,
        [230, 460, 690, 920, 1150, 1380, 1610, 1840, 2070, 2300, 2560, 2739],
        {882: "CGC"},
        None,
    ),
    "PPM1D": ("chr17", "+", 605, 6, 0, [560, 700, 830, 950, 1080, 1818], {524: "CAG"}, None),
}


def revcomp(seq: np.ndarray) -> np.ndarray:
    """Reverse complement of a uint8 ASCII DNA array."""
    return COMP[seq[::-1]]


def run_lengths(seq: np.ndarray) -> np.ndarray:
    """Length of the homopolymer run ending at each position."""
    n = len(seq)
    change = np.ones(n, dtype=bool)
    change[1:] = seq[1:] != seq[:-1]
    idx = np.arange(n)
    return idx - np.maximum.accumulate(np.where(change, idx, 0)) + 1


def random_dna(rng: np.random.Generator, n: int, gc: float = 0.42) -> np.ndarray:
    """Random DNA (uint8 ASCII) with the given GC fraction and no run > MAX_HOMOPOLYMER."""
    p = [(1 - gc) / 2, gc / 2, gc / 2, (1 - gc) / 2]
    idx = rng.choice(4, size=n, p=p)
    while True:
        seq = BASES[idx]
        bad = np.nonzero(run_lengths(seq) > MAX_HOMOPOLYMER)[0]
        if len(bad) == 0:
            return seq
        idx[bad] = (idx[bad] + rng.integers(1, 4, size=len(bad))) % 4


def random_cds(rng: np.random.Generator, n_aa: int, fixed: dict[int, str]) -> str:
    """CDS of n_aa sense codons + stop: ATG start, `fixed` codons at 1-based residues, no internal
    stop."""
    codons = ["ATG"]
    for aa in range(2, n_aa + 1):
        if aa in fixed:
            codons.append(fixed[aa])
            continue
        while True:
            c = SENSE_CODONS[rng.integers(len(SENSE_CODONS))]
            tail = "".join(codons[-2:]) + c
            if max(run_lengths(np.frombuffer(tail.encode(), np.uint8))) <= MAX_HOMOPOLYMER:
                codons.append(c)
                break
    codons.append(["TAA", "TAG", "TGA"][rng.integers(3)])
    return "".join(codons)


def translate(cds: str) -> str:
    """Translate a CDS string (stop shown as '*')."""
    return "".join(CODON_TABLE[cds[i : i + 3]] for i in range(0, len(cds) - 2, 3))


@dataclass
class Gene:
    """One gene with one canonical transcript; coordinates 0-based half-open."""

    name: str
    contig: str
    strand: str
    gene_id: str
    tx_id: str
    protein_id: str
    exon_lens: list[int]
    cds_start: int  # transcript offset of the A of ATG
    cds_end: int  # transcript offset one past the stop codon
    tx_seq: np.ndarray
    fusion_exon: int | None = None
    start: int = 0  # genomic span, filled in when placed
    end: int = 0
    exons: list[tuple[int, int]] = field(default_factory=list)  # genomic, transcript order

    @property
    def tx_starts(self) -> np.ndarray:
        """Transcript offset where each exon begins."""
        return np.concatenate([[0], np.cumsum(self.exon_lens)[:-1]])

    @property
    def cds(self) -> str:
        """Coding sequence including stop."""
        return self.tx_seq[self.cds_start : self.cds_end].tobytes().decode()

    def tx_to_genome(self, t: int) -> int:
        """Genomic 0-based position of transcript offset t."""
        i = int(np.searchsorted(self.tx_starts, t, side="right") - 1)
        off = t - int(self.tx_starts[i])
        a, b = self.exons[i]
        return a + off if self.strand == "+" else b - 1 - off

    def genome_to_tx(self, g: int) -> int | None:
        """Transcript offset of genomic position g, or None if intronic/outside."""
        for (a, b), ts in zip(self.exons, self.tx_starts):
            if a <= g < b:
                return int(ts) + (g - a if self.strand == "+" else b - 1 - g)
        return None

    def segments(self, t0: int, t1: int) -> list[tuple[int, int, int]]:
        """Genomic pieces (start, end, exon_number) of transcript interval [t0, t1), transcript
        order."""
        out = []
        for k, ((a, b), ts, ln) in enumerate(zip(self.exons, self.tx_starts, self.exon_lens), 1):
            lo, hi = max(t0, ts), min(t1, ts + ln)
            if lo < hi:
                if self.strand == "+":
                    out.append((a + lo - ts, a + hi - ts, k))
                else:
                    out.append((b - (hi - ts), b - (lo - ts), k))
        return out

    def codon_genomic(self, residue: int) -> list[int]:
        """Genomic positions of the 3 codon bases of a 1-based residue, codon order."""
        t = self.cds_start + 3 * (residue - 1)
        return [self.tx_to_genome(t + i) for i in range(3)]


def _cds_ends(rng, n_cds_bases: int, n_exons: int, fusion_exon: int | None) -> list[int]:
    """Random cumulative CDS exon ends; the fusion exon ends at phase 1 (c. end = 1 mod 3)."""
    while True:
        w = rng.uniform(0.6, 1.4, n_exons)
        ends = np.round(np.cumsum(w) / w.sum() * n_cds_bases).astype(int)
        ends[-1] = n_cds_bases
        if fusion_exon:
            e = ends[fusion_exon - 1]
            ends[fusion_exon - 1] = e - ((e - 1) % 3)
        if np.all(np.diff(np.concatenate([[0], ends])) >= 60) and n_cds_bases - ends[-2] >= 40:
            return [int(x) for x in ends]


def make_gene(rng, name: str, idx: int, spec: tuple | None = None) -> Gene:
    """Design one gene's transcript (UTRs, CDS, exon split) in transcript orientation from
    ``spec`` (as SEED_GENES' entries; without it, SEED_GENES', CH_GENES' or a random
    background gene's)."""
    spec = spec or SEED_GENES.get(name) or CH_GENES.get(name)
    if spec:
        contig, strand, n_aa, n_cds_ex, n_utr_ex, ends, fixed, fusion_exon = spec
    else:
        contig = next(c for c, g in CONTIG_LAYOUT.items() if name in g)
        strand = "+-"[rng.integers(2)]
        n_aa = int(rng.integers(90, 170))
        n_cds_ex, n_utr_ex, ends, fixed, fusion_exon = int(rng.integers(2, 5)), 0, None, {}, None
    cds = random_cds(rng, n_aa, fixed)
    if ends is None:
        ends = _cds_ends(rng, len(cds), n_cds_ex, fusion_exon)
    assert ends[-1] == len(cds), name
    utr5 = random_dna(rng, int(rng.integers(60, 160))).tobytes().decode().replace("ATG", "ACG")
    utr3 = random_dna(rng, int(rng.integers(150, 400))).tobytes().decode()
    cds_lens = list(np.diff(np.concatenate([[0], ends])))
    if n_utr_ex:
        split = len(utr5) // 2
        lens = [split] + [len(utr5) - split + cds_lens[0]] + cds_lens[1:]
    else:
        lens = [len(utr5) + cds_lens[0]] + cds_lens[1:]
    lens[-1] += len(utr3)
    tx = np.frombuffer((utr5 + cds + utr3).encode(), dtype=np.uint8).copy()
    num = f"{idx:011d}"
    return Gene(
        name=name,
        contig=contig,
        strand=strand,
        gene_id=f"ENSGRT{num}",
        tx_id=f"ENSTRT{num}",
        protein_id=f"ENSPRT{num}",
        exon_lens=[int(x) for x in lens],
        cds_start=len(utr5),
        cds_end=len(utr5) + len(cds),
        tx_seq=tx,
        fusion_exon=fusion_exon,
    )


def _lay_out(rng: np.random.Generator, gene: Gene, pos: int, seed: bool) -> np.ndarray:
    """The gene's exons and introns in genome orientation, placed at ``pos`` (sets start, end
    and exons)."""
    pieces, offsets = [], []
    tpos = 0
    for i, ln in enumerate(gene.exon_lens):
        offsets.append(sum(len(p) for p in pieces))
        pieces.append(gene.tx_seq[tpos : tpos + ln])
        tpos += ln
        if i < len(gene.exon_lens) - 1:
            intron = random_dna(rng, int(rng.integers(150, 900 if seed else 500)))
            intron[:2] = np.frombuffer(b"GT", np.uint8)
            intron[-2:] = np.frombuffer(b"AG", np.uint8)
            pieces.append(intron)
    pre = np.concatenate(pieces)
    glen = len(pre)
    gene.start, gene.end = pos, pos + glen
    if gene.strand == "+":
        gene.exons = [(pos + o, pos + o + ln) for o, ln in zip(offsets, gene.exon_lens)]
        return pre
    gene.exons = [(pos + glen - o - ln, pos + glen - o) for o, ln in zip(offsets, gene.exon_lens)]
    return revcomp(pre)


def lay_out_contig(rng, names, first_idx: int, specs=None) -> tuple[np.ndarray, dict[str, Gene]]:
    """(sequence, {name: Gene}) of a contig of ``names``: GENE_PAD of flank, the genes 2-5 kb
    apart (gene ids from ``first_idx``; ``specs``: {name: make_gene spec}), GENE_PAD of flank."""
    parts, pos, genes = [random_dna(rng, GENE_PAD)], GENE_PAD, {}
    for k, name in enumerate(names):
        gene = make_gene(rng, name, first_idx + k, (specs or {}).get(name))
        parts.append(_lay_out(rng, gene, pos, name in SEED_GENES))
        spacer = GENE_PAD if k == len(names) - 1 else int(rng.integers(2000, 5000))
        parts.append(random_dna(rng, spacer))
        pos = gene.end + spacer
        genes[name] = gene
    return np.concatenate(parts), genes


def build_reference(rng: np.random.Generator) -> tuple[dict[str, np.ndarray], dict[str, Gene]]:
    """Build all contigs and genes. Returns ({contig: seq}, {gene name: Gene})."""
    contigs, genes = {}, {}
    for contig, names in CONTIG_LAYOUT.items():
        contigs[contig], more = lay_out_contig(rng, names, len(genes) + 1)
        genes.update(more)
    return contigs, genes


def add_ch_genes(rng: np.random.Generator, contigs: dict[str, np.ndarray], first_idx: int):
    """CH_GENES appended to their contigs (each after the contig's end, then GENE_PAD of
    flank). Returns (extended contigs, {name: Gene}, {contig: length before})."""
    contigs, genes, before = dict(contigs), {}, {}
    for idx, name in enumerate(CH_GENES, start=first_idx):
        gene = make_gene(rng, name, idx)
        seq = contigs[gene.contig]
        before.setdefault(gene.contig, len(seq))
        body = _lay_out(rng, gene, len(seq), True)
        contigs[gene.contig] = np.concatenate([seq, body, random_dna(rng, GENE_PAD)])
        genes[name] = gene
    return contigs, genes, before


def check_gene(contigs: dict[str, np.ndarray], gene: Gene) -> str:
    """Rebuild the CDS from the genome and translate it; raise if it is not a clean ORF."""
    seq = contigs[gene.contig]
    cds = "".join(
        (seq[a:b] if gene.strand == "+" else revcomp(seq[a:b])).tobytes().decode()
        for a, b, _ in gene.segments(gene.cds_start, gene.cds_end)
    )
    prot = translate(cds)
    if not (cds.startswith("ATG") and prot.endswith("*") and "*" not in prot[:-1]):
        raise ValueError(f"{gene.name}: CDS is not a clean ORF")
    return prot[:-1]


def target_intervals(
    genes: dict[str, Gene], pad: int = TARGET_PAD
) -> list[tuple[str, int, int, str]]:
    """Exome targets: every CDS exon +/- pad, merged, sorted by contig layout (then contigs of
    no layout, in gene order) then position."""
    out = []
    for contig in dict.fromkeys([*CONTIG_LAYOUT, *(g.contig for g in genes.values())]):
        iv = sorted(
            (a - pad, b + pad, g.name)
            for g in genes.values()
            if g.contig == contig
            for a, b, _ in g.segments(g.cds_start, g.cds_end)
        )
        merged: list[list] = []
        for a, b, name in iv:
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
                if name not in merged[-1][2].split(","):
                    merged[-1][2] += "," + name
            else:
                merged.append([a, b, name])
        out += [(contig, a, b, n) for a, b, n in merged]
    return out
