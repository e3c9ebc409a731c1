"""Per-sample simulation (WES and RNA-Seq) from a cohort Design.

Each sample draws from its own generator, seeded from (seed, sample id), so a sample's
files do not depend on which other samples are generated or in which order.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import arms as A
from . import ch as H
from . import clones as C
from . import design as D
from . import low_vaf as L
from . import pseudogene as P
from . import variants as V
from .genome import (
    FUSION_3P_EXON,
    HOTSPOTS,
    Gene,
    build_reference,
    revcomp,
    target_intervals,
)
from .reads import (
    CENTRE_JITTER,
    TemplateVariant,
    draw_carriers,
    fixed_carriers,
    fragment_lengths,
    fragment_reads,
    fragment_summary,
    mean_fragment,
    ontarget_bases,
    orient_pairs,
    trim_tumour_fragments,
    with_duplicates,
    write_pairs,
)
from .stretches import Stretch, stretch_reads

DNA_READ_LEN, RNA_READ_LEN = 100, 75
DEPTH = {"normal": 80, "tumor": 160, "cfdna": 500}  # mean on-target depth incl. duplicates
DUPLICATE_RATE = {"normal": 0.08, "tumor": 0.08, "cfdna": 0.15}
OFF_TARGET = 0.03  # fraction of fragments landing anywhere in the genome
HOTSPOT_MIN_EFFICIENCY = 1.3  # bait efficiency floor at hotspot exons (keeps >=140x after dedup)
POLY_A = np.frombuffer(b"A" * 40, np.uint8)


def stable_key(text: str) -> int:
    """32-bit integer from a string, independent of Python's hash seed."""
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "little")


def make_rng(seed: int, name: str) -> np.random.Generator:
    """Generator for one named stream (sample id, 'genome', ...)."""
    return np.random.Generator(
        np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(stable_key(name),)))
    )


@dataclass
class Design:
    """Everything that is true about the cohort."""

    seed: int
    samples: list[D.Sample]
    contigs: dict[str, np.ndarray]
    genes: dict[str, Gene]
    targets: list[tuple[str, int, int, str]]
    efficiency: np.ndarray
    variants: list[V.Variant]
    fusions: list[D.Fusion]
    expression: dict[str, dict[str, float]]
    dispersion: dict[str, float]
    # the CH genes appended after their contig's last gene (ch.py)
    ch: Stretch
    # RRBP1's processed copy appended after chr7's last gene (pseudogene.py)
    pseudogene: P.Pseudogene
    # NB01's arm-level copy changes, contigs of their own after the last one (arms.py)
    arms: Stretch

    def sample(self, sample_id: str) -> D.Sample:
        return next(s for s in self.samples if s.sample == sample_id)

    @property
    def all_genes(self) -> dict[str, Gene]:
        """Every gene of the reference, the CH and arm genes included."""
        return {**self.genes, **self.ch.genes, **self.arms.genes}

    @property
    def base_lengths(self) -> dict[str, int]:
        """Each contig the CH genes or the pseudogene extend, its length before them (0 for
        the arm contigs)."""
        lengths = {c: start for c, (start, _) in [*self.ch.spans.items(), *self.arms.spans.items()]}
        return {**lengths, self.pseudogene.contig: self.pseudogene.span[0]}


def build_design(seed: int, samples_tsv: Path, units_tsv: Path) -> Design:
    """Reference, capture efficiencies, variants, fusions and expression truth."""
    samples = D.read_sheets(samples_tsv, units_tsv)
    contigs, genes = build_reference(make_rng(seed, "genome"))
    targets = target_intervals(genes)
    rng = make_rng(seed, "design")
    eff = rng.lognormal(0.0, 0.35, len(targets))
    for name, residues in HOTSPOTS.items():
        g = genes[name]
        for r in residues:
            p = g.codon_genomic(r)[0]
            for i, (c, a, b, _) in enumerate(targets):
                if c == g.contig and a <= p < b:
                    eff[i] = max(eff[i], HOTSPOT_MIN_EFFICIENCY)
    lengths = np.array([b - a for _, a, b, _ in targets])
    eff = eff / np.average(eff, weights=lengths)
    variants = V.design_variants(rng, contigs, genes, samples)
    expression = D.design_expression(rng, genes, samples)
    dispersion = dict(zip(genes, rng.uniform(0.01, 0.02, len(genes))))
    # own stream, appended: every variant designed above keeps its position and truth
    variants += V.design_loh_snps(make_rng(seed, "loh_snps"), contigs, genes, variants)
    variants += C.design_clone_variants(make_rng(seed, C.STREAM), contigs, genes, samples, variants)
    variants += L.design_low_vaf_variants(contigs, genes, samples, variants)  # no random draw
    rngs = make_rng(seed, "ch_genes"), make_rng(seed, "ch_design")
    contigs, ch, ch_variants = H.design_ch(
        *rngs, contigs, len(genes) + 1, samples, HOTSPOT_MIN_EFFICIENCY
    )
    variants += ch_variants
    contigs, pseudogene = P.add_pseudogene(make_rng(seed, P.STREAM), contigs, genes)
    rngs = make_rng(seed, "arm_genes"), make_rng(seed, "arm_design")
    contigs, arms = A.design_arms(*rngs, contigs, len(genes) + len(ch.genes) + 1)
    return Design(
        seed,
        samples,
        contigs,
        genes,
        targets,
        eff,
        variants,
        D.design_fusions(genes),
        expression,
        dispersion,
        ch,
        pseudogene,
        arms,
    )


def simulate_wes(design: Design, sample_id: str, outdir: Path) -> dict:
    """Capture-sequencing read pairs for one WES sample; returns pairs per unit."""
    s = design.sample(sample_id)
    rng = make_rng(design.seed, sample_id)
    depth = D.SAMPLE_DEPTH.get(sample_id, DEPTH[s.material])
    dup = DUPLICATE_RATE[s.material]
    mean_frag = mean_fragment(s.material)
    amps = D.copy_segments(s, design.genes)
    contig_names = list(design.contigs)
    frag_contig, frag_centre = [], []
    for (c, a, b, _), e in zip(design.targets, design.efficiency):
        ratio = next((r for ac, aa, ab, r in amps if ac == c and aa <= a and b <= ab), 1.0)
        expect = (
            depth * e * ratio * (b - a) / ontarget_bases(a, b, mean_frag, DNA_READ_LEN) * (1 - dup)
        )
        n = rng.poisson(expect)
        frag_contig.append(np.full(n, contig_names.index(c)))
        frag_centre.append(rng.integers(a - CENTRE_JITTER, b + CENTRE_JITTER + 1, n))
    n_on = sum(len(x) for x in frag_centre)
    # off-target background, thinned so copy-changed segments get proportionally more or less
    # the CH genes' stretch of a contig has reads of its own (ch.region_reads)
    sizes = np.array([design.base_lengths.get(c, len(design.contigs[c])) for c in contig_names])
    n_off = int(n_on * OFF_TARGET / (1 - OFF_TARGET))
    oc = rng.choice(len(sizes), size=2 * n_off, p=sizes / sizes.sum())
    op = (rng.random(2 * n_off) * (sizes[oc] - 2000)).astype(np.int64) + 1000
    w = np.ones(len(op))
    for ac, aa, ab, r in amps:
        w[(oc == contig_names.index(ac)) & (op >= aa) & (op < ab)] = r
    keep = rng.random(len(op)) < w / w.max()
    oc, op = oc[keep][:n_off], op[keep][:n_off]
    contig = np.concatenate(frag_contig + [oc])
    centre = np.concatenate(frag_centre + [op])
    length = fragment_lengths(rng, len(centre), s.material)
    # plasma: tumour-derived fragments are shorter (trim_tumour_fragments, own stream)
    share = D.tumour_share(contig, centre, amps, contig_names, s.purity)
    origin = make_rng(design.seed, f"{sample_id}:fragment_origin")
    drawn, tumour = [], []
    start = centre - length // 2
    # PCR duplicates: copies of random fragments (with the same alleles)
    idx = with_duplicates(rng, len(start), dup)
    fwd_all, rev_all, keys = [], [], []
    for ci, cname in enumerate(contig_names):
        rows = np.nonzero(contig == ci)[0]
        if not len(rows):  # the arm contigs: reads of their own below
            continue
        tv, fixed = [], []
        for k, v in enumerate(design.variants):
            if v.contig == cname and v.patient == s.patient and v.stream != H.STREAM:
                vaf = V.true_vaf(v, s, design.genes)
                source = "tumour" if v.origin == "somatic" else "any"
                t = TemplateVariant(v.pos, v.ref.encode(), v.alt.encode(), vaf, k, source)
                (fixed if v.fixed_count else tv).append(t)
        carriers = draw_carriers(rng, start[rows], length[rows], tv)
        if fixed:  # their own stream: every other read stays as it was without them
            own = make_rng(design.seed, f"{sample_id}:{cname}:fixed_count")
            extra = fixed_carriers(own, start[rows], length[rows], fixed, DNA_READ_LEN)
            tv, carriers = tv + fixed, np.hstack([carriers, extra])
        here, span = start[rows], length[rows]
        if s.material == "cfdna":
            here, span, mine = trim_tumour_fragments(origin, here, span, carriers, tv, share[rows])
            tumour.append(mine)
        drawn.append(span)
        sel = np.nonzero(np.isin(idx, rows))[0]
        local = np.searchsorted(rows, idx[sel])
        f, r = fragment_reads(
            design.contigs[cname], here[local], span[local], carriers[local], tv, DNA_READ_LEN
        )
        fwd_all.append(f)
        rev_all.append(r)
        keys.append(ci * 10**9 + here[local])
    r1, r2 = orient_pairs(rng, np.concatenate(fwd_all), np.concatenate(rev_all))
    summary = fragment_summary(np.concatenate(drawn), np.concatenate(tumour) if tumour else None)
    pairs = write_pairs(rng, r1, r2, np.concatenate(keys), outdir, sample_id, s.units)
    # the CH genes' and the arm contigs' reads, each from a stream of their own
    for stretch, ratio in ((design.ch, None), (design.arms, A.ratios(s))):
        if stretch.patient not in (None, s.patient):
            continue
        own = make_rng(design.seed, f"{sample_id}:{stretch.stream}_region")
        args = (depth, dup, n_off / sizes.sum(), own, DNA_READ_LEN, ratio)
        reads = stretch_reads(design, stretch, s, *args)
        more = write_pairs(own, *reads, outdir, sample_id, s.units, stretch.first_tile)
        pairs = {u: n + more[u] for u, n in pairs.items()}
    return {"pairs": pairs, "fragments": summary}


def _tx_variants(
    design: Design, gene: Gene, s: D.Sample, matched: D.Sample, purity: float
) -> list[TemplateVariant]:
    """Patient variants inside a gene's exons, in transcript coordinates, with RNA allele
    fractions."""
    out = []
    for k, v in enumerate(design.variants):
        if v.patient != s.patient or v.contig != gene.contig or not gene.start <= v.pos < gene.end:
            continue
        if v.fixed_count:  # low_vaf's alleles are of the DNA libraries only
            continue
        ref, alt = v.ref.encode(), v.alt.encode()
        if gene.strand == "+":
            t = gene.genome_to_tx(v.pos)
        else:
            ref = revcomp(np.frombuffer(ref, np.uint8)).tobytes()
            alt = revcomp(np.frombuffer(alt, np.uint8)).tobytes()
            t = gene.genome_to_tx(v.pos + len(v.ref) - 1 if v.ref else v.pos - 1)
        if t is None:
            continue
        out.append(
            TemplateVariant(t, ref, alt, V.true_vaf(v, matched, design.genes, purity=purity), k)
        )
    return out


def _matched_wes(design: Design, s: D.Sample) -> tuple[D.Sample, float]:
    """The patient's tumour WES sample closest in time (for clone fractions) and RNA purity
    (diagnosis)."""
    wes = [
        x
        for x in design.samples
        if x.patient == s.patient and x.assay == "wes" and x.material != "normal"
    ]
    matched = min(wes, key=lambda x: abs(x.day - s.day))
    return matched, wes[0].purity


def _fragments_on(rng, tx_len: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    length = np.clip(rng.normal(200, 30, n), 100, tx_len).astype(np.int64)
    start = (rng.random(n) * (tx_len - length + 1)).astype(np.int64)
    return start, length


def draw_counts(
    rng, means: dict[str, float], dispersion: dict[str, float], lo=37500, hi=51000
) -> dict[str, int]:
    """Gamma-Poisson (negative binomial) fragment counts per gene; a draw whose library falls
    outside [lo, hi] fragments is redrawn so every sample stays in the advertised size range."""
    while True:
        counts = {
            n: int(rng.poisson(mu * rng.gamma(1 / dispersion[n], dispersion[n])))
            for n, mu in means.items()
        }
        if lo <= sum(counts.values()) <= hi:
            return counts


def simulate_rna(design: Design, sample_id: str, outdir: Path) -> dict:
    """Reverse-stranded RNA-Seq pairs (read 1 antisense). Returns pairs per unit, gene counts,
    fusion evidence."""
    s = design.sample(sample_id)
    rng = make_rng(design.seed, sample_id)
    matched, purity = _matched_wes(design, s)
    clone_rng = make_rng(design.seed, f"{sample_id}:clone_variants")
    counts = draw_counts(rng, design.expression[sample_id], design.dispersion)
    fwd_all, rev_all, keys = [], [], []
    for gi, (name, gene) in enumerate(design.genes.items()):
        n = counts[name]
        template = np.concatenate([gene.tx_seq, POLY_A])
        start, length = _fragments_on(rng, len(gene.tx_seq), n)
        tv = _tx_variants(design, gene, s, matched, purity)
        carriers = _rna_carriers(design, rng, clone_rng, start, length, tv)
        f, r = fragment_reads(template, start, length, carriers, tv, RNA_READ_LEN)
        fwd_all.append(f)
        rev_all.append(r)
        keys.append(gi * 10**7 + start)
    fusion = {}
    for fu in design.fusions:
        if fu.patient != s.patient:
            continue
        start, length, split, spanning = _fusion_fragments(rng, fu)
        tv = _fusion_variants(design, fu, matched)
        template = np.concatenate([fu.seq, POLY_A])
        f, r = fragment_reads(
            template, start, length, draw_carriers(rng, start, length, tv), tv, RNA_READ_LEN
        )
        fwd_all.append(f)
        rev_all.append(r)
        keys.append(10**9 + start)
        fusion = {
            "fusion": f"{fu.gene5}::ALK",
            "fragments": len(start),
            "split_reads": split,
            "spanning_pairs": spanning,
        }
    fwd, rev = np.concatenate(fwd_all), np.concatenate(rev_all)
    # TruSeq stranded: read 1 antisense
    pairs = write_pairs(rng, rev, fwd, np.concatenate(keys), outdir, sample_id, s.units)
    return {"pairs": pairs, "counts": counts, "fusion": fusion}


def _rna_carriers(design: Design, rng, clone_rng, start, length, tv) -> np.ndarray:
    """Which fragments carry each variant's alt allele. The clone passengers of generator
    version 5 (cohort_sim/clones.py) draw from a stream of their own, so the draws of every
    earlier variant, and so the RNA reads of version 4, stay as they were."""
    late = np.array([design.variants[t.key].stream == C.STREAM for t in tv], dtype=bool)
    out = np.zeros((len(start), len(tv)), dtype=bool)
    early_idx, late_idx = np.nonzero(~late)[0], np.nonzero(late)[0]
    out[:, early_idx] = draw_carriers(rng, start, length, [tv[k] for k in early_idx])
    out[:, late_idx] = draw_carriers(clone_rng, start, length, [tv[k] for k in late_idx])
    return out


def _fusion_fragments(rng, fu: D.Fusion):
    """30-50 junction-containing fragments plus fragments from the rest of the fusion transcript."""
    n_j = int(rng.integers(30, 51))
    tx_len = len(fu.seq)
    n_body = int(round(n_j * (tx_len - 400) / 200))
    js, jl = [], []
    while len(js) < n_j:  # fragments containing the junction (>= 1 base each side)
        st, ln = _fragments_on(rng, tx_len, 1)
        if st[0] < fu.junction < st[0] + ln[0]:
            js.append(st[0])
            jl.append(ln[0])
    bs, bl = _fragments_on(rng, tx_len, 3 * n_body)
    keep = ~((bs < fu.junction) & (bs + bl > fu.junction))
    bs, bl = bs[keep][:n_body], bl[keep][:n_body]
    js, jl = np.array(js), np.array(jl)
    crosses = lambda a: (a < fu.junction) & (a + RNA_READ_LEN > fu.junction)  # noqa: E731
    split_mask = crosses(js) | crosses(js + jl - RNA_READ_LEN)
    spanning = (
        (~split_mask) & (js + RNA_READ_LEN <= fu.junction) & (js + jl - RNA_READ_LEN >= fu.junction)
    )
    return (
        np.concatenate([js, bs]),
        np.concatenate([jl, bl]),
        int(split_mask.sum()),
        int(spanning.sum()),
    )


def _fusion_variants(design: Design, fu: D.Fusion, matched: D.Sample) -> list[TemplateVariant]:
    """Variants on the fusion allele: somatic at their clone fraction, germline het on haplotype 0
    only."""
    alk, g5 = design.genes["ALK"], design.genes[fu.gene5]
    a0 = int(alk.tx_starts[FUSION_3P_EXON - 1])
    out = []
    for gene, shift, lo in ((g5, 0, 0), (alk, fu.junction - a0, a0)):
        s = D.Sample(fu.patient, "", "rna", "tumor", 0, "", 1.0)
        for tv in _tx_variants(design, gene, s, matched, 1.0):
            if (tv.tpos < fu.junction) if gene is g5 else (tv.tpos >= lo):
                v = design.variants[tv.key]
                af = (
                    v.ccf.get(matched.sample, 0.0)
                    if v.origin == "somatic"
                    else float(v.zygosity == "hom" or v.haplotype == 0)
                )
                out.append(TemplateVariant(tv.tpos + shift, tv.ref, tv.alt, af, tv.key))
    return out
