"""Reading frame of a fusion transcript, and how much of the 5' partner's protein it keeps.

The fusion transcript is the 5' partner's transcript as transcribed up to breakpoint5, then
the 3' partner's from breakpoint3 on. Its frame follows from the CDS phases (GTF column 8) of
the canonical transcripts at each side of the junction, wherever the junction falls:

- exon border or inside an exon (intra-exonic): the codon position of the breakpoint base
  itself, from the phase of the CDS piece holding it;
- inside an intron (the read runs into intronic sequence, which is then part of the fusion
  transcript): on the 5' side, the codon position of the last CDS base before the intron plus
  the intronic bases transcribed up to breakpoint5; on the 3' side, the codon position of the
  first CDS base after the intron minus the intronic bases from breakpoint3 up to it.

With c5 the codon position (0, 1, 2) of breakpoint5 in the 5' frame and c3 that of
breakpoint3 in the 3' frame, the fusion is in frame when (c5 + 1) mod 3 == c3: the base after
the junction takes the codon position the 3' partner's own frame gives it. A side is
non-coding, and ``in_frame`` blank, when its gene has no CDS or the breakpoint lies outside the
CDS span (5' or 3' UTR, or beyond the transcript): the 5' part then carries no reading frame
into the junction (breakpoint5 upstream of the start codon, or past the stop codon), or the 3'
part none out of it.

Positions are 1-based genomic; "transcript order" compares them along the gene's strand. A
project-written rule (no library computes frames of arbitrary junctions from a GTF); the test
cases (tests/unit/rna/test_fusion_frame.py) are computed by hand from small gene models.
"""

from resistance_timeline.io.annotation import Gene


def _tx(gene: Gene, pos: int) -> int:
    """A coordinate that increases along the gene's transcript."""
    return pos if gene.strand == "+" else -pos


def _pieces_tx(gene: Gene):
    """CDS pieces (transcript order) as (first, last) transcript coordinates and the pieces."""
    return [((c.start, c.end) if gene.strand == "+" else (-c.end, -c.start), c) for c in gene.cds]


def _first_base(gene: Gene, c) -> int:
    return c.start if gene.strand == "+" else c.end


def _last_base(gene: Gene, c) -> int:
    return c.end if gene.strand == "+" else c.start


def _codon_position(gene: Gene, pos: int, intronic) -> int | None:
    """Codon position (0-2) of ``pos``: inside a CDS piece the gene's own; between pieces
    ``intronic(pieces, t)`` (t: pos in transcript coordinates); None outside the CDS span."""
    pieces = _pieces_tx(gene)
    t = _tx(gene, pos)
    if not pieces or t < pieces[0][0][0] or t > pieces[-1][0][1]:
        return None
    if any(first <= t <= last for (first, last), _ in pieces):
        return gene.codon_position(pos)
    return intronic(pieces, t)


def codon_position_5p(gene: Gene, pos: int) -> int | None:
    """Codon position (0-2) of breakpoint5 ``pos`` in the 5' frame, intronic bases counted as
    transcribed; None when ``pos`` lies outside the CDS span (module docstring)."""

    def after_previous_piece(pieces, t):
        (_, last), c = [(span, c) for span, c in pieces if span[1] < t][-1]
        return (gene.codon_position(_last_base(gene, c)) + (t - last)) % 3

    return _codon_position(gene, pos, after_previous_piece)


def codon_position_3p(gene: Gene, pos: int) -> int | None:
    """Codon position (0-2) of breakpoint3 ``pos`` in the 3' frame, intronic bases before the
    next CDS piece counted as transcribed; None outside the CDS span."""

    def before_next_piece(pieces, t):
        (first, _), c = next((span, c) for span, c in pieces if span[0] > t)
        return (gene.codon_position(_first_base(gene, c)) - (first - t)) % 3

    return _codon_position(gene, pos, before_next_piece)


def in_frame(gene5: Gene, gene3: Gene, bp5: int, bp3: int) -> bool | None:
    """Whether the 3' partner's reading frame continues across the junction; None when a side
    is non-coding (module docstring)."""
    c5, c3 = codon_position_5p(gene5, bp5), codon_position_3p(gene3, bp3)
    if c5 is None or c3 is None:
        return None
    return (c5 + 1) % 3 == c3


def coding_bases_kept_5p(gene: Gene, pos: int) -> int:
    """CDS bases of the 5' partner at or 5' of breakpoint5 (exonic only): how much of its
    protein the fusion keeps (the whole CDS when ``pos`` lies past the stop codon)."""
    t = _tx(gene, pos)
    kept = 0
    for (first, last), _ in _pieces_tx(gene):
        if first <= t:
            kept += min(last, t) - first + 1
    return kept
