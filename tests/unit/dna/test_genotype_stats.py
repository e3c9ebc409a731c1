"""Wilson interval bounds (dna/genotype_stats.py) are exact at 0 and at depth alt reads."""

from resistance_timeline.dna import genotype_stats as gs


def test_no_alt_reads_give_an_exact_zero_lower_bound_and_all_alt_an_exact_one():
    for depth in (1, 7, 60, 613, 10_000):
        low, high = gs.wilson_interval(0, depth)
        assert low == 0.0 and 0 < high < 1
        low, high = gs.wilson_interval(depth, depth)
        assert high == 1.0 and 0 < low < 1
