"""A processed pseudogene of RRBP1, IMT01's 5' fusion partner (issue 26, generator version 10).

A processed pseudogene is a spliced mRNA copied back into the genome: its exons joined, no
introns. When a fusion's 5' partner has one (NPM1 in NPM1::ALK, for one), the reads of its
exons, the fusion's junction reads included, align as well to the copy as to the gene (STAR:
NH 2, MAPQ 3), so a caller that trusts only uniquely placed reads loses most of the fusion.
Here RRBP1's spliced exons 5-8 (the transcript up to the fusion junction, the last base of
exon 8) are copied on the plus strand after chr7's last gene, between flanks of random
sequence from a stream of their own ("pseudogene"). The copy is not annotated (no gene in the
GTF or GFF3), so a read placed on it lies in no gene. Like an old retrocopy it has diverged,
but for its last IDENTICAL bases: one base in every SPACING before them is changed (a
transition, fixed positions, no random draw). So the RRBP1 segment of a junction read
counted as split (at most 75 - 20 = 55 bases, fusions: min_anchor) aligns to both places,
unless its mate lies further into RRBP1 and pins the pair there (STAR aligns mates jointly):
on the demo, 13 of the 32 split reads of R0-R2 have two places (NH 2, MAPQ 3), and primary
alignments alone keep 19. A 75-base RNA read that reaches past the identical end differs from
the copy at one base or more (STAR: 2 points, beyond its range of 1) and a 100-base WES read
at three or more (bwa MAPQ above cnv.min_mapq): both stay unique. An identical copy of all
four exons (the first draft) turned RRBP1's WES reads to MAPQ 0: its CNVkit bins lost coverage
unequally in tumour and normal, and IMT02-T0's chr20 read as a copy change (segment_fit 0.2
where the truth has none).

Why RRBP1 and not TNS1: RRBP1::ALK joins chr20 to chr2, so STAR writes its junction reads as
chimeric alignments, whose RRBP1 segment then has two places. TNS1 and ALK lie 33 kb apart on
chr2's minus strand in the demo genome: STAR aligns TNS1::ALK's reads as ordinary spliced
reads (an N gap from TNS1 into ALK), which a copy on another contig cannot match, so they stay
unique (measured on a draft that copied TNS1's exons 7-10: no junction read had two places).

Reads: the copy is not expressed, and every RNA read is as in version 9 (transcripts do not
depend on the genome). No WES read comes from the appended stretch of chr7: it is left out of
the off-target background, as the CH genes' stretches are (Design.base_lengths), so every
WES read is as in version 9 too; only the reference differs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .genome import GENE_PAD, Gene, random_dna

STREAM = "pseudogene"
PARENT, CONTIG, EXONS = "RRBP1", "chr7", (5, 8)
IDENTICAL, SPACING = 60, 12
TRANSITION = dict(zip(b"ACGT", b"GTAC"))


@dataclass(frozen=True)
class Pseudogene:
    """Where the copy of ``parent``'s exons ``exons`` (first, last) lies: [start, end) of
    ``contig``, 0-based; ``span`` is the appended stretch of the contig, [start, end)."""

    parent: str
    exons: tuple[int, int]
    contig: str
    start: int
    end: int
    span: tuple[int, int]

    @property
    def region(self) -> str:
        """'contig:first-last', 1-based inclusive."""
        return f"{self.contig}:{self.start + 1}-{self.end}"


def copied_exons(gene: Gene, first: int, last: int) -> np.ndarray:
    """The gene's spliced transcript from exon ``first`` to exon ``last`` (1-based), sense."""
    a = int(gene.tx_starts[first - 1])
    b = int(gene.tx_starts[last - 1] + gene.exon_lens[last - 1])
    return gene.tx_seq[a:b]


def diverged(seq: np.ndarray) -> np.ndarray:
    """``seq`` with a transition at every SPACING-th base before its last IDENTICAL bases."""
    out = seq.copy()
    for i in range(len(seq) - IDENTICAL - SPACING, -1, -SPACING):
        out[i] = TRANSITION[int(seq[i])]
    return out


def add_pseudogene(rng, contigs: dict[str, np.ndarray], genes: dict[str, Gene]):
    """(contigs with the copy appended to CONTIG between GENE_PAD flanks, Pseudogene)."""
    copy = diverged(copied_exons(genes[PARENT], *EXONS))
    seq = contigs[CONTIG]
    left, right = random_dna(rng, GENE_PAD), random_dna(rng, GENE_PAD)
    contigs = {**contigs, CONTIG: np.concatenate([seq, left, copy, right])}
    start = len(seq) + len(left)
    span = (len(seq), len(contigs[CONTIG]))
    return contigs, Pseudogene(PARENT, EXONS, CONTIG, start, start + len(copy), span)
