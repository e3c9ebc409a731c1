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

``reading_frame`` gives Arriba's three values: ``stop-codon`` where the fused transcript, read
in the 5' partner's frame from the first codon that is not the 5' partner's own (a codon
holding transcribed intronic bases, or the codon across the junction), meets a stop codon
before the 3' partner's own codons begin (in frame, the 3' part's intronic bases count too):
the 3' partner is then not translated, whatever the frame. Otherwise ``in-frame`` or
``out-of-frame`` as ``in_frame`` says.

Positions are 1-based genomic; "transcript order" compares them along the gene's strand. A
project-written rule (no library computes frames of arbitrary junctions from a GTF); the test
cases (tests/unit/rna/test_fusion_frame.py) are computed by hand from small gene models.
"""

from resistance_timeline.io.annotation import COMPLEMENT, Gene


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


STOPS = frozenset({"TAA", "TAG", "TGA"})


def _exonic(gene: Gene):
    """The canonical transcript's exonic positions, in transcript order."""
    for e in gene.exons:
        span = range(e.start, e.end + 1)
        yield from (span if gene.strand == "+" else reversed(span))


def _part5(gene: Gene, bp5: int) -> list[int]:
    """Positions of the fusion transcript's 5' part from the 5' partner's first CDS base to
    breakpoint5: its exonic bases, and the intronic bases it reads into when bp5 is intronic."""
    t5 = _tx(gene, bp5)
    first_piece = _pieces_tx(gene)[0][1]
    # from the first codon start (an incomplete CDS's first piece may begin mid-codon)
    first_cds = _tx(gene, _first_base(gene, first_piece)) + first_piece.phase
    out = [p for p in _exonic(gene) if first_cds <= _tx(gene, p) <= t5]
    last = _tx(gene, out[-1]) if out else first_cds - 1
    step = 1 if gene.strand == "+" else -1
    return out + [step * t for t in range(last + 1, t5 + 1)]  # intronic, transcribed


def _part3(gene: Gene, bp3: int) -> list[int]:
    """Positions of the 3' part from breakpoint3 up to (not including) the first base that
    starts a codon of the 3' partner's own CDS: from there on, an in-frame fusion reads the
    partner's own codons (intronic bases first when bp3 is intronic)."""
    t3 = _tx(gene, bp3)
    exonic = [p for p in _exonic(gene) if _tx(gene, p) >= t3]
    step = 1 if gene.strand == "+" else -1
    first = _tx(gene, exonic[0]) if exonic else t3
    out = [step * t for t in range(t3, first)] + exonic  # intronic bases first, if any
    for i, p in enumerate(out):
        if gene.codon_position(p) == 0:
            return out[:i]
    return out


def _bases(fasta, gene: Gene, positions) -> str:
    """The transcribed bases at ``positions`` (the gene's strand)."""
    if not positions:
        return ""
    lo, hi = min(positions), max(positions)
    region = fasta.fetch(gene.contig, lo - 1, hi).upper()
    seq = "".join(region[p - lo] for p in positions)
    return seq.translate(COMPLEMENT) if gene.strand == "-" else seq


def reading_frame(fasta, gene5: Gene, gene3: Gene, bp5: int, bp3: int) -> str:
    """``in-frame``, ``out-of-frame`` or ``stop-codon`` (Arriba's values): the fused transcript,
    read in the 5' partner's frame, meets a stop codon before the 3' partner's own coding
    sequence — in intronic bases the 5' part reads into, in the codon that spans the
    junction, or (in frame) in intronic bases of the 3' part before its CDS resumes — so the
    3' partner is not translated, whatever the frame. Blank when a side is non-coding; without
    a FASTA (``fasta`` None) only in-frame / out-of-frame."""
    frame = in_frame(gene5, gene3, bp5, bp3)
    if frame is None:
        return ""
    if fasta is not None:
        part5 = _part5(gene5, bp5)
        # the 5' partner's own codons (wholly in its CDS) are its protein, not the fusion's:
        # read from the first codon holding a transcribed intronic base, or the junction's
        native = next((i for i, p in enumerate(part5) if gene5.codon_position(p) is None), None)
        first = (len(part5) if native is None else native) // 3 * 3
        seq5 = _bases(fasta, gene5, part5[first:])
        seq3 = _bases(fasta, gene3, _part3(gene3, bp3))
        # out of frame, only the codon across the junction is the fusion's own
        fused = seq5 + (seq3 if frame else seq3[: (-len(seq5)) % 3])
        for start in range(0, len(fused) - 2, 3):
            if fused[start : start + 3] in STOPS:
                return "stop-codon"
    return "in-frame" if frame else "out-of-frame"
