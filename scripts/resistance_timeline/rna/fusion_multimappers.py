"""Multi-mapping reads as fusion evidence: each reduced to one of its alignments, as Arriba's
``multimappers`` filter does (Arriba 2.5 documentation, "Internal algorithm").

A fusion whose partner has processed pseudogenes (NPM1, for one) or a paralog of identical
sequence is mostly seen through reads that align equally well to the parent gene and to the
copy. STAR reports them only when asked (``--outFilterMultimapNmax``, and for chimeric reads
``--chimMultimapNmax`` > 0, which STAR 2.7.10b writes into the BAM with ``--chimOutType
WithinBAM``): one primary and the others as secondary records, each with ``NH`` (alignments)
and ``HI`` (which one), the chimeric ones with their supplementary segment named in ``SA``;
their MAPQ is 3 or less, so a MAPQ filter alone throws the fusion away, and the primary is the
aligner's arbitrary choice between the copies.

Per read (its name), among the alignments that give fusion evidence:
1. only those within SCORE_RANGE of the best alignment score are kept: STAR's own tolerance
   (``--outFilterMultimapScoreRange`` 1) for alignments it counts as equally good. An
   alignment's score is the highest ``AS`` of its records that carry the evidence (STAR writes
   a pair's score on both mates of a linear pair, each mate's own on a chimeric pair).
   A junction with one base of microhomology scores 1 more on a processed copy, whose exon
   continues with the next exon's base, than on the parent gene, whose exon meets an intron;
2. of those, the one whose gene pair has the most support is chosen, support counted in this
   order: fragments that support the pair with reads aligned once (``unique``); pairs of genes
   that code for protein (a processed pseudogene has no CDS, so an expressed parent gene is
   preferred to its silent copy when the reads cannot tell them apart); fragments of every
   multi-mapping read with an alignment supporting the pair (``total``); then the lowest HI.

Arriba's rule is steps 1 (the best score only) and 2 with the total support alone.
Alignments without fusion evidence (a plain pair inside one gene) are not kept, so a read whose
best alignment is such a pair and whose worse one is chimeric would count for the fusion; STAR
reports only alignments within ``--outFilterMultimapScoreRange`` of the best, so on STAR's BAMs
this does not arise. The chosen alignment's evidence is marked ``multimapping``; it counts as
support at any MAPQ (FusionSettings.mapped_well), the other alignments of the read are dropped.
"""

from collections import defaultdict
from dataclasses import replace

SCORE_RANGE = 1


def _pair(evidence) -> tuple[str, str]:
    return evidence.gene5, evidence.gene3


def resolve(multi_splits, multi_spanning, scores, splits, spanning, index):
    """The evidence of multi-mapping reads, one alignment per read (module docstring).

    ``multi_splits``/``multi_spanning``: [((name, HI), evidence)] of every alignment of the
    multi-mapping reads; ``scores``: {(name, HI): alignment score}; ``splits``/``spanning``: the
    evidence of reads aligned once; ``index``: the GeneIndex the gene ids are from. Returns
    (splits, spanning) of the chosen alignments."""
    unique = defaultdict(set)
    for x in [*splits, *spanning]:
        unique[_pair(x)].add(x.fragment)
    alternatives = defaultdict(lambda: defaultdict(list))  # name -> (HI, score) -> evidence
    total = defaultdict(set)
    for kind, evidence in (("split", multi_splits), ("spanning", multi_spanning)):
        for (name, hi), x in evidence:
            alternatives[name][(hi, scores.get((name, hi), 0))].append((kind, x))
            total[_pair(x)].add(name)
    genes = index.genes

    def rank(pair):
        coding = sum(bool(genes[g].cds) for g in pair)
        return len(unique[pair]), coding, len(total[pair])

    kept_splits, kept_spanning = [], []
    for alts in alternatives.values():
        best = max(score for _, score in alts)
        options = [(hi, score) for hi, score in alts if score >= best - SCORE_RANGE]
        chosen = max(
            sorted(options),
            key=lambda alt: max(rank(_pair(x)) for _, x in alts[alt]),
        )
        for kind, x in alts[chosen]:
            kept = replace(x, multimapping=True)
            (kept_splits if kind == "split" else kept_spanning).append(kept)
    return kept_splits, kept_spanning
