"""Two alleles at low VAF in NB01's relapse plasma, for the panel of normals (issue 30).

- A sticky sequencing error: the same G>T at one site of BG17 in every WES sample of every
  patient, normals included, on 1% of the fragments, as a recurrent artefact of the chemistry
  would be. One Variant per patient, origin ``panel_artefact`` in the truth. At NB01's 500x
  relapse plasma that is 4-5 alt reads, and one read in an 80x normal (below the normal's
  detection): called somatic there without a panel of normals. (At 1,000x the same reads are
  a 0.5% artefact.)
- A real variant of NB01's BG26 ``p.C40Y`` subclone (cellular fraction 0.25 in the relapse
  plasma only, tumour fraction 0.2): VAF 2.5% there, at a site no normal shows: it must stay
  detected. It joins an existing clone, so the clone truth (and the clustering's task) keeps
  its shape; a clone of its own at 1% would be one variant the clustering cannot place.

Both are ``fixed_count``: the simulator gives exactly ceil(VAF x the fragments whose reads
cover the site) carrier fragments, from streams of their own, so every other read of the
cohort is what it was before they were added, and their counts do not hang on chance.
"""

from __future__ import annotations

from .genome import Gene
from .variants import Variant, protein_change

ARTEFACT_GENE, ARTEFACT_REF, ARTEFACT_ALT, ARTEFACT_VAF = "BG17", "G", "T", 0.01
REAL_GENE, REAL_REF, REAL_ALT = "BG27", "C", "A"
REAL_PATIENT, REAL_CLONE = "NB01", ("BG26", "p.C40Y")  # the clone it joins
MIN_SPACING = 150  # bp from any other designed variant


def _site(gene: Gene, seq, want: str, taken: list[tuple[str, int]]) -> int:
    """Genomic position of the CDS base nearest the CDS middle that reads ``want`` (genome
    orientation), away from exon ends and from every other variant."""
    middle = (gene.cds_start + gene.cds_end) // 2
    for step in range(gene.cds_end - gene.cds_start):
        for t in (middle + step, middle - step):
            if not gene.cds_start + 3 <= t < gene.cds_end - 3:
                continue
            g = gene.tx_to_genome(t)
            exon = next((a, b) for a, b in gene.exons if a <= g < b)
            if min(g - exon[0], exon[1] - 1 - g) < 30 or chr(seq[g]) != want:
                continue
            if all(c != gene.contig or abs(p - g) > MIN_SPACING for c, p in taken):
                return g
    raise ValueError(f"no {want} site in {gene.name}")


def design_low_vaf_variants(contigs, genes, samples, variants: list[Variant]) -> list[Variant]:
    """The artefact (one Variant per patient with WES) and NB01's real low-VAF variant."""
    taken = [(v.contig, v.pos) for v in variants]
    out = []
    art = genes[ARTEFACT_GENE]
    pos = _site(art, contigs[art.contig], ARTEFACT_REF, taken)
    protein = protein_change(art, pos, ARTEFACT_REF, ARTEFACT_ALT)
    patients = sorted({s.patient for s in samples if s.assay == "wes"})
    for patient in patients:
        out.append(
            Variant(
                patient,
                art.contig,
                pos,
                ARTEFACT_REF,
                ARTEFACT_ALT,
                art.name,
                protein,
                "panel_artefact",
                fixed_count=True,
                fixed_vaf=ARTEFACT_VAF,
            )
        )
    if REAL_PATIENT in patients:
        real = genes[REAL_GENE]
        pos = _site(real, contigs[real.contig], REAL_REF, taken + [(art.contig, out[0].pos)])
        clone = next(
            v for v in variants if v.patient == REAL_PATIENT and (v.gene, v.protein) == REAL_CLONE
        )
        ccf = dict(clone.ccf)
        out.append(
            Variant(
                REAL_PATIENT,
                real.contig,
                pos,
                REAL_REF,
                REAL_ALT,
                real.name,
                protein_change(real, pos, REAL_REF, REAL_ALT),
                "somatic",
                ccf=ccf,
                stream="low_vaf",
                fixed_count=True,
            )
        )
    return out
