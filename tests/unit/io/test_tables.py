"""The shared table writer: fixed significant digits, float noise written as 0, p-values kept."""

import numpy as np
import pytest

from resistance_timeline.io.tables import format_float, read_tsv, write_rows, write_tsv


@pytest.mark.parametrize(
    "value, text",
    [
        (0.023529400676488876, "0.0235294"),  # a float32 VAF read from the VCF
        (1 / 3, "0.333333"),
        (2.0, "2"),
        (-0.0, "0"),
        (817.3201, "817.32"),
        (1234567.8, "1234570"),  # large values: no exponent
        (4.46279e-05, "4.46279e-05"),
        (-2.02013456, "-2.02013"),
        (float("nan"), ""),
        (float("inf"), "inf"),
        (np.float32(0.0163), "0.0163"),
        (np.float64(-1e-7), "-1e-07"),
    ],
)
def test_format_float(value, text):
    assert format_float(value) == text


def test_round_trip_within_six_significant_digits():
    rng = np.random.default_rng(7)
    for value in rng.lognormal(0, 6, 500) * rng.choice([-1, 1], 500):
        assert float(format_float(value)) == pytest.approx(value, rel=5e-6)


def test_noise_where_zero_is_meant(tmp_path):
    """A Wilson lower bound at 0 alt reads (6.939e-18 in a demo run), a centred score of
    exactly-equal values and a negative zero are all written 0; a p-value of 1e-30 is not."""
    path = tmp_path / "t.tsv"
    rows = [
        {"vaf_low": 6.938893903907228e-18, "score": -1.3877787807814457e-17, "pvalue": 1e-30},
        {"vaf_low": 0.0163, "score": 0.75, "pvalue": 0.5},
        {"vaf_low": 0.2, "score": -0.0, "pvalue": float("nan")},
    ]
    write_tsv(rows, path, ["vaf_low", "score", "pvalue"])
    assert path.read_text() == (
        "vaf_low\tscore\tpvalue\n0\t0\t1e-30\n0.0163\t0.75\t0.5\n0.2\t0\t\n"
    )


def test_small_values_kept_when_the_column_is_small(tmp_path):
    """The threshold is relative: a column of small detection limits keeps them."""
    path = tmp_path / "t.tsv"
    write_tsv([{"x": 3e-6}, {"x": 1.5e-6}], path, ["x"])
    assert [r["x"] for r in read_tsv(path)] == ["3e-06", "1.5e-06"]


def test_ints_text_none_and_columns(tmp_path):
    path = tmp_path / "t.tsv"
    write_tsv([{"a": 3, "b": None, "c": "x y"}, {"a": np.int64(4), "c": "z"}], path, list("abc"))
    assert path.read_text() == "a\tb\tc\n3\t\tx y\n4\t\tz\n"
    with pytest.raises(ValueError, match=r"row keys \['d'\]"):
        write_tsv([{"a": 1, "d": 2}], path, ["a"])
    write_tsv([{"a": 1, "d": 2}], path, ["a"], ignore_extra=True)
    assert path.read_text() == "a\n1\n"


def test_write_rows_positional(tmp_path):
    path = tmp_path / "counts.tsv"
    write_rows([["g1", "A", 5, 0], ["g2", "B", 12, 7]], path, ["gene_id", "gene_name", "S1", "S2"])
    assert path.read_text() == "gene_id\tgene_name\tS1\tS2\ng1\tA\t5\t0\ng2\tB\t12\t7\n"


def test_background_p_keeps_small_values(tmp_path):
    """The variants table's background_p is a p-value: 1e-20 beside 1.0 is a result, not noise."""
    path = tmp_path / "p.tsv"
    write_tsv([{"background_p": 1e-20}, {"background_p": 1.0}], path, ["background_p"])
    assert path.read_text() == "background_p\n1e-20\n1\n"
