"""README.md's Sizing table is what bench/sizing.py computes from bench/RESULTS.md, so the
two cannot drift apart; and the model's arithmetic on a known input. No tool runs here."""

import importlib

import pytest

from helpers import REPO


@pytest.fixture(scope="module")
def sizing():
    """bench/sizing.py, imported as when run from bench/ (the path restored afterwards)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(REPO / "bench"))
        yield importlib.import_module("sizing")


def test_readme_holds_the_sizing_table_computed_from_the_results(sizing):
    readme = (REPO / "README.md").read_text()
    assert sizing.render() in readme


def test_exome_pairs_from_depth(sizing):
    # 100x over 50 Mb with 2x150 reads: 16.7 M pairs on target, 22.2 M with a quarter off
    # target, 24.7 M with 10% duplicates
    assert sizing.pairs_m(100) == pytest.approx(24.69, abs=0.01)
    assert sizing.pairs_m(800, duplicates=0.3) == pytest.approx(253.97, abs=0.01)


def test_figures_read_from_the_results_sections(sizing):
    measured = sizing.measured((REPO / "bench" / "RESULTS.md").read_text())
    rates = measured["rates"]
    assert {"align_reads", "trim_reads", "align_rna", "call_fusions"} <= set(rates)
    assert rates["align_reads"] > 10 * rates["trim_reads"]  # alignment dominates
    assert 1 <= measured["bwa"] < 10 and 10 < measured["cnv"] < 600
