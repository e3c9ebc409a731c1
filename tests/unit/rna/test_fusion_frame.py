"""Reading frame of fusions at every kind of junction (rna/fusion_frame.py), against answers
computed by hand from small gene models.

Gene A (+): exons 101-200, 301-400, 501-600; CDS 151-200 (phase 0), 301-400 (phase 1),
501-560 (phase 0). Codon positions: 151 → 0, 200 → 1 (its 50th CDS base), 301 → 2,
350 → (2 + 49) % 3 = 0, 400 → 2.
Gene B (+): exons 1101-1200, 1301-1400; CDS 1132-1200 (phase 0), 1301-1400 (phase 0):
1150 → 0, 1151 → 1, 1200 → 2, 1301 → 0.
Gene C (−): exons 901-1000 then 701-800 (transcript order); CDS 901-970 (first base 970,
phase 0), 701-800 (first base 800, phase 2): 901 → 69 % 3 = 0, 800 → 1.
Gene N (+): exons 2001-2100, no CDS (non-coding).
In frame when (c5 + 1) % 3 == c3.
"""

import pytest

from resistance_timeline.io.annotation import CDS, Exon, Gene, GeneIndex
from resistance_timeline.rna.fusion_evidence import Split
from resistance_timeline.rna.fusion_frame import (
    codon_position_3p,
    codon_position_5p,
    in_frame,
    reading_frame,
)
from resistance_timeline.rna.fusions import FusionSettings, Reference, build_candidates
from resistance_timeline.setup.config import schema_defaults


def gene(name, strand, exons, cds):
    lo, hi = min(a for a, _ in exons), max(b for _, b in exons)
    exon_rows = [Exon(a, b, i) for i, (a, b) in enumerate(exons, 1)]
    return Gene(name, name, "c1", strand, lo, hi, f"t{name}", exon_rows, [CDS(*c) for c in cds])


A = gene(
    "A", "+", [(101, 200), (301, 400), (501, 600)], [(151, 200, 0), (301, 400, 1), (501, 560, 0)]
)
B = gene("B", "+", [(1101, 1200), (1301, 1400)], [(1132, 1200, 0), (1301, 1400, 0)])
C = gene("C", "-", [(901, 1000), (701, 800)], [(901, 970, 0), (701, 800, 2)])
N = gene("N", "+", [(2001, 2100)], [])


def test_codon_positions_from_the_phases():
    assert [codon_position_5p(A, p) for p in (151, 200, 301, 350, 400)] == [0, 1, 2, 0, 2]
    assert [codon_position_3p(B, p) for p in (1150, 1151, 1200, 1301)] == [0, 1, 2, 0]
    assert [codon_position_5p(C, p) for p in (970, 901, 800)] == [0, 0, 1]


@pytest.mark.parametrize(
    "g5, bp5, g3, bp3, expected",
    [
        # exon borders: A exon 2 end (2 → next 0) :: B exon 2 start (0)
        (A, 400, B, 1301, True),
        (A, 200, B, 1301, False),  # A exon 1 end: next base 2, B gives 0
        # intra-exonic: A 350 (0 → next 1) :: B 1151 (1) / 1150 (0)
        (A, 350, B, 1151, True),
        (A, 350, B, 1150, False),
        # intronic 5': 50 bases of A's intron 1 after 200 (1): (1 + 50) % 3 = 0 → next 1
        (A, 250, B, 1151, True),
        (A, 251, B, 1151, False),  # 51 intronic bases: 1 → next 2
        # intronic 3': 51 bases of B's intron before 1301 (0): (0 - 51) % 3 = 0
        (A, 400, B, 1250, True),
        (A, 400, B, 1251, False),  # 50 bases: (0 - 50) % 3 = 1
        # minus strand 5': C exon 1 end 901 (0 → next 1); intronic 850: (0 + 51) % 3 = 0
        (C, 901, B, 1151, True),
        (C, 850, B, 1151, True),
        (C, 849, B, 1151, False),
        # minus strand 3': 50 intronic bases 850..801 before 800 (1): (1 - 50) % 3 = 2
        (A, 200, C, 850, True),
        (A, 350, C, 850, False),
        (A, 350, C, 800, True),  # exon border: next 1, C's exon 2 starts at 1
    ],
)
def test_frame_at_every_junction_kind(g5, bp5, g3, bp3, expected):
    assert in_frame(g5, g3, bp5, bp3) is expected


@pytest.mark.parametrize(
    "g5, bp5, g3, bp3",
    [
        (A, 120, B, 1151),  # 5' UTR of the 5' partner: no frame carried into the junction
        (A, 580, B, 1151),  # past A's stop codon
        (A, 700, B, 1151),  # beyond A's transcript
        (A, 350, B, 1110),  # 5' UTR of the 3' partner
        (N, 2050, B, 1151),  # non-coding 5' partner
        (A, 350, N, 2050),  # non-coding 3' partner
    ],
)
def test_frame_blank_only_when_a_side_is_non_coding(g5, bp5, g3, bp3):
    assert in_frame(g5, g3, bp5, bp3) is None


def test_candidate_rows_give_the_frame_of_intronic_and_intra_exonic_junctions():
    settings = FusionSettings.from_params(schema_defaults("fusions"))
    reference = Reference(GeneIndex({g.gene_id: g for g in (A, B, C)}))

    def row(bp5, bp3):
        splits = [Split(f"f{i}", "A", "B", bp5, bp3, 30, 60) for i in range(3)]
        (r,) = build_candidates(splits, [], settings, reference, "S")
        return r["exon5"], r["exon3"], r["in_frame"]

    assert row(400, 1301) == ("2", "2", "true")
    assert row(250, 1151) == ("", "", "true")  # intronic 5', intra-exonic 3'
    assert row(350, 1250) == ("", "", "false")  # intronic 3'
    assert row(120, 1151) == ("", "", "")


class Genome:
    """A FASTA of one contig c1, all C (codons CCC, never a stop) but the bases planted."""

    def __init__(self, planted):
        seq = ["C"] * 2500
        for pos, bases in planted.items():
            for i, b in enumerate(bases):
                seq[pos - 1 + i] = b
        self.seq = "".join(seq)

    def fetch(self, contig, start, end):
        assert contig == "c1"
        return self.seq[start:end]


@pytest.mark.parametrize(
    "g5, bp5, g3, bp3, planted, expected",
    [
        (A, 400, B, 1301, {}, "in-frame"),
        (A, 200, B, 1301, {}, "out-of-frame"),
        # 5' part reads 50 intronic bases after 200; TAA at 211-213 is in A's frame (151 + 3k + 60)
        (A, 250, B, 1151, {211: "TAA"}, "stop-codon"),
        (A, 250, B, 1151, {212: "TAA"}, "in-frame"),  # the same bases out of A's frame
        # a stop in A's own CDS (a synthetic or mis-annotated genome) is A's protein, not read
        (A, 250, B, 1151, {160: "TAA"}, "in-frame"),
        # the codon across the junction: A 350 (codon position 0) + B 1151, 1152
        (A, 350, B, 1151, {350: "T", 1151: "AA"}, "stop-codon"),
        (A, 350, B, 1151, {350: "T", 1151: "AC"}, "in-frame"),
        # 3' part reads 51 intronic bases 1250-1300 before B's CDS resumes at 1301 (in frame)
        (A, 400, B, 1250, {1262: "TGA"}, "stop-codon"),
        (A, 400, B, 1250, {1263: "TGA"}, "in-frame"),
        # out of frame anyway: the 3' part's own stops do not make it a stop-codon fusion
        (A, 400, B, 1251, {1262: "TGA"}, "out-of-frame"),
        # minus-strand 5' partner: C's base 901 read as its complement (genome A -> T) + B
        (C, 901, B, 1151, {901: "A", 1151: "AG"}, "stop-codon"),
        (C, 901, B, 1151, {}, "in-frame"),
        (A, 400, N, 2050, {}, ""),  # non-coding 3' partner: no frame
    ],
)
def test_reading_frame_at_hand_worked_junctions(g5, bp5, g3, bp3, planted, expected):
    assert reading_frame(Genome(planted), g5, g3, bp5, bp3) == expected


def test_reading_frame_without_a_fasta_is_the_frame_alone():
    assert reading_frame(None, A, B, 250, 1151) == "in-frame"
    assert reading_frame(None, A, B, 200, 1301) == "out-of-frame"
