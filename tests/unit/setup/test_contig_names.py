"""Contig naming (setup/contig_names.py): the 'chr' prefix told apart from other differences."""

from resistance_timeline.setup.contig_names import differ_by_chr_prefix


def test_chr_prefix_added_or_removed():
    assert differ_by_chr_prefix(["2", "17"], ["chr2", "chr17"])
    assert differ_by_chr_prefix(["chr2"], ["1", "2"])
    assert not differ_by_chr_prefix(["chr2"], ["chr1", "chrX"])
    assert not differ_by_chr_prefix(["scaffold_7"], ["chr7", "7"])
