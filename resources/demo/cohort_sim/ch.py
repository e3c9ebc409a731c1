"""Clonal haematopoiesis in NB01's blood (issue 27, generator version 8).

Two genes of clonal haematopoiesis (CH), DNMT3A on chr2 and PPM1D on chr17 (genome.CH_GENES),
are appended after the last gene of their chromosome, and NB01 carries a CH clone in each:

- DNMT3A p.R882H, the commonest CH hotspot: 3% of the blood normal's fragments, 3-4% of every
  plasma sample's (cfDNA is mostly blood-derived), none of the tumour biopsy's. The normal
  carries it, so its origin is ``clonal_hematopoiesis`` (TEMPEST: normal VAF >= 2%).
- PPM1D p.Q524*, a truncation in the last exon, where CH truncations cluster; PPM1D clones
  grow under therapy, so it looks acquired on the drug: no alt read in the normal or the
  biopsy, none in the remission plasma, 2% of the relapse plasma's fragments. Without the
  normal's support, origin ``possible_clonal_hematopoiesis``: seen only in plasma, in a CH
  gene.

Both are ``fixed_count`` (exactly ceil(VAF x covering fragments) carriers, as low_vaf's), and
in plasma their carriers are blood-derived fragments (of blood-derived length).
Everything here draws from streams of its own (the genes: "ch_genes"; capture efficiencies:
"ch_design"; each sample's reads: "<sample>:ch_region", stretches.stretch_reads), and the
genes' reads are appended to each WES FASTQ of NB01 from another tile range (since version 9
NB01's only: other patients' libraries have no read there), so every base, gene and variant of
version 7 is unchanged, and so is every read outside the appended stretch of chr2 and chr17
(but for version 8's shorter tumour-derived plasma fragments: reads.trim_tumour_fragments).
The genes are not expressed (no RNA reads).
"""

from __future__ import annotations

import numpy as np

from .genome import Gene, add_ch_genes, target_intervals
from .stretches import Stretch, spans_after
from .variants import Variant, codon_change, protein_change

STREAM = "ch"
PATIENT = "NB01"
# gene, residue, codon base (0-2), new base (transcript strand), truth origin, VAF per sample
CH_VARIANTS = (
    (
        "DNMT3A",
        882,
        1,
        "A",
        "clonal_hematopoiesis",
        {"NB01-N": 0.03, "NB01-P1A": 0.035, "NB01-P1B": 0.04, "NB01-P2": 0.035},
    ),
    ("PPM1D", 524, 0, "T", "possible_clonal_hematopoiesis", {"NB01-P2": 0.02}),
)


def design_ch(gene_rng, design_rng, contigs, first_idx: int, samples, min_hotspot_efficiency):
    """(extended contigs, Stretch, variants): the CH genes appended (genome.add_ch_genes, gene
    ids from ``first_idx``), a lognormal bait efficiency per target (mean 1 over their bases,
    at least ``min_hotspot_efficiency`` where a CH variant lies, as the ALK and NRAS
    hotspots'), and the variants."""
    contigs, genes, base_lengths = add_ch_genes(gene_rng, contigs, first_idx)
    targets = target_intervals(genes)
    eff = design_rng.lognormal(0.0, 0.35, len(targets))
    eff = eff / np.average(eff, weights=[b - a for _, a, b, _ in targets])
    variants = design_ch_variants(contigs, genes, samples)  # no random draw
    for i, (c, a, b, _) in enumerate(targets):
        if any(v.contig == c and a <= v.pos < b for v in variants):
            eff[i] = max(eff[i], min_hotspot_efficiency)
    spans = spans_after(base_lengths, contigs)
    stretch = Stretch(STREAM, PATIENT, genes, targets, eff, spans, 2101, source="blood")
    return contigs, stretch, variants


def design_ch_variants(contigs, ch_genes: dict[str, Gene], samples) -> list[Variant]:
    """NB01's two CH variants (none if the cohort has no NB01 WES sample)."""
    if not any(s.patient == PATIENT and s.assay == "wes" for s in samples):
        return []
    out = []
    for name, residue, k, new, origin, vafs in CH_VARIANTS:
        g = ch_genes[name]
        pos, ref, alt = codon_change(contigs, g, residue, k, new)
        protein = protein_change(g, pos, ref, alt)
        out.append(
            Variant(
                PATIENT,
                g.contig,
                pos,
                ref,
                alt,
                name,
                protein,
                origin,
                stream=STREAM,
                fixed_count=True,
                sample_vaf=dict(vafs),
            )
        )
    return out
