"""Stretches of genes appended after a contig's last gene, or on contigs of their own, from
streams of their own (the CH genes of version 8, ch.py; the arm contigs of version 11,
arms.py), and their reads.

A stretch's reads are drawn per WES sample of its patient (or of every patient), from the
sample's stream ``<sample>:<stream>_region``, and appended to its FASTQs as a gzip member of
their own from another tile range, so every other read stays as it was. Other patients'
libraries have no read in a stretch of one patient (their capture did not reach those genes:
CNVkit calls them from no bin).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .design import tumour_share
from .genome import Gene
from .reads import (
    CENTRE_JITTER,
    TemplateVariant,
    fixed_carriers,
    fragment_lengths,
    fragment_reads,
    mean_fragment,
    ontarget_bases,
    orient_pairs,
    tumour_derived,
    with_duplicates,
)


@dataclass
class Stretch:
    """Appended genes, their targets and bait efficiencies, the appended span of each contig
    ([start, end): its off-target reads), the patient whose libraries have reads there (None:
    every patient's), the
    stream of those reads, their first tile, and the fragments that may carry the stretch's
    variants (reads.TemplateVariant.source: 'blood', not tumour-derived, for CH)."""

    stream: str
    patient: str | None
    genes: dict[str, Gene]
    targets: list[tuple[str, int, int, str]]
    efficiency: np.ndarray
    spans: dict[str, tuple[int, int]]
    first_tile: int
    source: str


def spans_after(before: dict[str, int], contigs) -> dict[str, tuple[int, int]]:
    """{contig: (its length before the stretch, its length now)}."""
    return {c: (start, len(contigs[c])) for c, start in before.items()}


def stretch_reads(design, stretch: Stretch, s, depth, dup, off_rate, rng, read_len, ratio=None):
    """(r1, r2, template keys) of one WES sample's fragments in a stretch: on target at the
    sample's depth (the stretch's efficiency per target), off target at ``off_rate`` fragments
    per base, both times the copy ratio of the contig in this sample (``ratio``: {contig:
    ratio}, 1 where absent); duplicates at ``dup``; plasma fragments tumour-derived with the
    local tumour share of the DNA (design.tumour_share); the patient's variants of the stretch
    (by ``stream``) with fixed carriers among the fragments of ``stretch.source``."""
    ratio = ratio or {}
    mean_frag = mean_fragment(s.material)
    contig_names = list(design.contigs)
    contig, centre = [], []
    for (c, a, b, _), e in zip(stretch.targets, stretch.efficiency):
        r = ratio.get(c, 1.0)
        mean = depth * e * r * (b - a) / ontarget_bases(a, b, mean_frag, read_len) * (1 - dup)
        n = rng.poisson(mean)
        contig.append(np.full(n, contig_names.index(c)))
        centre.append(rng.integers(a - CENTRE_JITTER, b + CENTRE_JITTER + 1, n))
    for c, (start, end) in stretch.spans.items():
        n = rng.poisson(off_rate * ratio.get(c, 1.0) * (end - start))
        contig.append(np.full(n, contig_names.index(c)))
        centre.append(rng.integers(start, end - 1000, n))
    contig, centre = np.concatenate(contig), np.concatenate(centre)
    length = fragment_lengths(rng, len(centre), s.material)
    share = np.full(len(centre), s.purity)
    if ratio:  # the copy-changed contigs' whole lengths
        amps = [(c, 0, len(design.contigs[c]), r) for c, r in ratio.items()]
        share = tumour_share(contig, centre, amps, contig_names, s.purity)
    tumour = tumour_derived(rng, s.material, length, share)
    start = centre - length // 2
    idx = with_duplicates(rng, len(start), dup)
    fwd_all, rev_all, keys = [], [], []
    for ci in np.unique(contig):
        cname = contig_names[ci]
        rows = np.nonzero(contig == ci)[0]
        tv = [
            TemplateVariant(
                v.pos,
                v.ref.encode(),
                v.alt.encode(),
                v.sample_vaf.get(s.sample, 0),
                k,
                stretch.source,
            )
            for k, v in enumerate(design.variants)
            if v.stream == stretch.stream and v.contig == cname and v.patient == s.patient
        ]
        mine = None if tumour is None else tumour[rows]
        carriers = fixed_carriers(rng, start[rows], length[rows], tv, read_len, mine)
        sel = np.nonzero(np.isin(idx, rows))[0]
        local = np.searchsorted(rows, idx[sel])
        f, r = fragment_reads(
            design.contigs[cname],
            start[rows][local],
            length[rows][local],
            carriers[local],
            tv,
            read_len,
        )
        fwd_all.append(f)
        rev_all.append(r)
        keys.append(ci * 10**9 + start[rows][local])
    r1, r2 = orient_pairs(rng, np.concatenate(fwd_all), np.concatenate(rev_all))
    return r1, r2, np.concatenate(keys)
