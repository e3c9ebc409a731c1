"""Weak partners: a kinase fusion whose 5' partner maps ambiguously, rescued by the kinase's own
3'/5' expression imbalance (rna/kinase_imbalance.py).

A 5' partner with pseudogene copies (NPM1, for one) gives split segments of MAPQ 0-1, which
the MAPQ filter removes, and the aligner's primary record may pair the kinase with a copy
instead of the parent gene. When the sample's kinase is imbalanced (its 3' exons far more
expressed than its 5' exons) and no fusion into that kinase passed the filters, the split reads
(anchored by >= min_anchor bases on each side) and spanning pairs into the kinase are collected
at any MAPQ and grouped by 5' partner. The best-supported partner (most distinct fragments;
ties by name) is reported as a ``rescued`` call when that support reaches the usual thresholds
(FusionSettings.enough), with the median MAPQ of its reads and the other partners the same
reads were placed on, most supported first, as its ``alternatives`` (``GENE:fragments``).
"""

from collections import Counter, defaultdict
from statistics import median
from typing import NamedTuple

from resistance_timeline.io.tables import read_tsv


class Rescue(NamedTuple):
    """A rescued fusion: partner gene ids, its evidence at any MAPQ, and what else it hit."""

    gene5: str
    gene3: str
    splits: list
    spanning: list
    mapq: float
    alternatives: tuple  # ((gene id, fragments), ...), most supported first


def imbalanced_kinases(path) -> set[str]:
    """Kinase names with ``imbalance`` true in a sample's kinase imbalance table."""
    return {r["gene"] for r in read_tsv(path) if r["imbalance"] == "true"} if path else set()


def rescue_partners(splits, spanning, kinase_ids, reported3, settings) -> list[Rescue]:
    """Rescues (module docstring) for the kinases ``kinase_ids`` (gene ids of imbalanced
    kinases) without a reported fusion (``reported3``: 3' gene ids of passing calls)."""
    out = []
    for kinase in sorted(set(kinase_ids) - set(reported3)):
        by_partner = defaultdict(lambda: ([], []))
        for s in splits:
            if s.gene3 == kinase and s.anchor >= settings.min_anchor:
                by_partner[s.gene5][0].append(s)
        for sp in spanning:
            if sp.gene3 == kinase:
                by_partner[sp.gene5][1].append(sp)
        support = Counter()
        for partner, (sp_list, span_list) in by_partner.items():
            split_frags = {s.fragment for s in sp_list}
            support[partner] = len(split_frags | {x.fragment for x in span_list})
        ranked = sorted(support, key=lambda p: (-support[p], p))
        if not ranked:
            continue
        best = ranked[0]
        split_list, span_list = by_partner[best]
        n_split = len({s.fragment for s in split_list})
        n_span = len({x.fragment for x in span_list} - {s.fragment for s in split_list})
        if not settings.enough(n_split, n_span):
            continue
        mapq = median([s.mapq for s in split_list] + [x.mapq for x in span_list])
        alternatives = tuple((p, support[p]) for p in ranked[1:])
        out.append(Rescue(best, kinase, split_list, span_list, mapq, alternatives))
    return out
