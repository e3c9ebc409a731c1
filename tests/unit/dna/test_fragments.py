"""Fragment lengths (resistance_timeline.dna.fragments): samtools stats' insert sizes read, and
the median, mode and short fraction of known histograms."""

from resistance_timeline.dna.fragments import median_of, read_insert_sizes, summarize, tabulate

STATS = """# This file was produced by samtools stats
SN\tinsert size average:\t160.0
# Insert sizes. Use `grep ^IS | cut -f 2-` to extract this part.
IS\t0\t7\t0\t0\t7
IS\t120\t2\t2\t0\t0
IS\t145\t5\t5\t0\t0
IS\t146\t0\t0\t0\t0
IS\t167\t10\t10\t0\t0
IS\t260\t3\t3\t0\t0
"""


def test_insert_sizes_skip_zero_sizes_and_empty_bins(tmp_path):
    path = tmp_path / "s.stats.txt"
    path.write_text(STATS)
    assert read_insert_sizes(path) == {120: 2, 145: 5, 167: 10, 260: 3}


def test_median_mode_and_short_fraction_of_a_known_histogram():
    histogram = {120: 2, 145: 5, 167: 10, 260: 3}  # 20 pairs
    assert median_of(histogram) == 167  # the 10th and 11th pairs are at 167
    assert median_of({100: 1, 200: 1}) == 100 and median_of({}) is None
    row = summarize("P-P1", "cfdna", histogram, (100, 150), (100, 250))
    # short: 2 + 5 of the 17 pairs inside 100-250 (the 260 bp pairs are outside the window)
    assert row == {
        "sample_id": "P-P1",
        "material": "cfdna",
        "fragments": 20,
        "median_fragment": 167,
        "mode_fragment": 167,
        "short_fraction": round(7 / 17, 4),
    }


def test_a_sample_without_pairs_has_blank_values(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("SN\tsequences:\t0\n")
    rows, lengths = tabulate(
        [{"sample_id": "X", "material": "tumor"}], [path], (100, 150), (100, 250)
    )
    assert rows[0]["fragments"] == 0 and rows[0]["median_fragment"] == ""
    assert rows[0]["short_fraction"] == "" and lengths == []
