"""Gene-level copy number from CNVkit bins and segments (resistance_timeline.cnv.gene_calls):
purity adjustment, the call rules, one row per gene of the targets."""

import math

import pytest

from resistance_timeline.cnv.gene_calls import (
    Bin,
    CallSettings,
    Segment,
    call_segment,
    genes_of,
    log2_of,
    read_bins,
    read_segments,
    read_target_genes,
    sample_gene_rows,
    segment_of,
    tumour_copies,
)
from resistance_timeline.setup.config import schema_defaults

SETTINGS = CallSettings.from_params(schema_defaults("cnv"))


@pytest.mark.parametrize("purity, copies", [(0.2, 8), (0.6, 1), (0.6, 0), (1.0, 3), (0.5, 2)])
def test_purity_adjustment_inverts_the_mixture(purity, copies):
    estimate, basis = tumour_copies(log2_of(copies, purity), purity)
    assert estimate == pytest.approx(copies, abs=1e-9)
    assert basis == f"purity_{purity:g}"


def test_nb01_relapse_amplicon_reaches_amplification_only_after_adjustment():
    """CDK4 at 8 copies in 20% tumour DNA: log2 0.68, 3.2 copies unadjusted (a gain only)."""
    log2 = log2_of(8, 0.2)
    assert log2 == pytest.approx(0.678, abs=1e-3)
    raw, basis = tumour_copies(log2, None)
    assert basis == "unadjusted" and raw == pytest.approx(3.2)
    seg = Segment("chr12", 0, 9000, log2, log2 - 0.15, log2 + 0.2, 8)
    assert call_segment(seg, raw, SETTINGS)[0] == "gain"
    assert call_segment(seg, tumour_copies(log2, 0.2)[0], SETTINGS) == ("amplification", True)


def segment(log2, low, high, bins=10):
    return Segment("chr1", 0, 1000, log2, low, high, bins)


@pytest.mark.parametrize(
    "log2, low, high, bins, copies, expected",
    [
        (-0.515, -0.6, -0.4, 10, 1.0, "loss"),  # one-copy loss at 60% purity
        (-2.0, -2.5, -1.6, 10, 0.2, "deep_loss"),
        (0.4, 0.3, 0.5, 10, 3.0, "gain"),
        (0.9, 0.7, 1.1, 10, 9.0, "amplification"),
        (0.9, 0.7, 1.1, 2, 9.0, "not_called"),  # a call never rests on too few bins
        (0.9, -0.1, 1.9, 10, 9.0, "neutral"),  # interval includes 0
        (-0.14, -0.24, -0.05, 21, 1.07, "neutral"),  # excludes 0 but under the noise floor
        (0.3, 0.2, 0.4, 10, 2.3, "neutral"),  # shifted, yet below the gain threshold
    ],
)
def test_call_rules(log2, low, high, bins, copies, expected):
    call, excludes = call_segment(segment(log2, low, high, bins), copies, SETTINGS)
    assert call == expected
    assert excludes == (low > 0 or high < 0)


def test_single_bin_calls_when_the_config_allows():
    lenient = CallSettings.from_params({**schema_defaults("cnv"), "min_bins": 1})
    assert call_segment(segment(0.9, 0.7, 1.1, 1), 9.0, lenient)[0] == "amplification"


def test_gene_takes_the_segment_holding_most_of_its_bins():
    bins = [Bin("chr8", s, s + 100, ("FGFR1",), 0.0) for s in range(0, 1200, 100)]
    segs = [
        Segment("chr8", 0, 300, 0.0, -0.1, 0.1, 3),
        Segment("chr8", 300, 1000, 0.65, 0.5, 0.8, 7),
        Segment("chr8", 1000, 1200, 0.0, -0.1, 0.1, 2),
    ]
    assert segment_of(bins, segs).log2 == 0.65
    assert segment_of([Bin("chr9", 0, 10, ("X",), 0)], segs) is None


def test_every_gene_of_the_targets_gets_a_row(tmp_path):
    cnr = tmp_path / "S.cnr"
    cnr.write_text(
        "chromosome\tstart\tend\tgene\tlog2\tdepth\tweight\n"
        "chr1\t0\t100\tGENEA\t0.01\t100\t1\n"
        "chr1\t100\t200\tGENEA\t-0.02\t100\t1\n"
        "chr1\t200\t5000\tAntitarget\t0.1\t3\t0.5\n"
        "chr1\t5000\t5100\tGENEB,GENEC\t0.7\t300\t1\n"
        "chr2\t0\t100\tGENED\t0.0\t100\t1\n"
    )
    cns = tmp_path / "S.cns"
    cns.write_text(
        "chromosome\tstart\tend\tgene\tlog2\tdepth\tprobes\tweight\tci_lo\tci_hi\n"
        "chr1\t0\t5100\tGENEA\t0.05\t100\t4\t3\t-0.05\t0.12\n"
    )
    bins, segments = read_bins(cnr), read_segments(cns)
    assert list(genes_of(bins)) == ["GENEA", "GENEB", "GENEC", "GENED"]
    sample = {"sample_id": "S", "day": 10, "material": "tumor", "purity": None}
    rows = sample_gene_rows(sample, bins, segments, [], "matched:N", SETTINGS)
    assert [r["gene"] for r in rows] == ["GENEA", "GENEB", "GENEC", "GENED"]
    assert rows[0]["call"] == "neutral" and rows[0]["bins"] == 4
    assert rows[0]["copy_number_basis"] == "unadjusted"
    assert rows[0]["copy_number"] == round(2 * 2**0.05, 2)
    assert rows[3]["call"] == "not_called" and rows[3]["bins"] == 0  # no segment covers it
    assert rows[0]["baf"] == "" and rows[0]["loh"] == "" and rows[0]["het_snps"] == 0
    assert all(r["reference"] == "matched:N" for r in rows)
    assert not math.isnan(rows[0]["log2_low"])


def test_a_gene_whose_bins_cnvkit_dropped_is_not_called_not_missing(tmp_path):
    # the targets hold GENEX between GENEA and GENEB; no coverage in the sample or its
    # reference, so CNVkit's fix dropped its bins from the .cnr: a row all the same
    targets = tmp_path / "targets.bed"
    targets.write_text(
        "chr1\t0\t100\tGENEA\nchr1\t100\t200\tGENEA\nchr1\t300\t400\tGENEX\n"
        "chr1\t5000\t5100\tGENEB,GENEC\nchr2\t0\t100\tGENED\n"
    )
    genes = read_target_genes(targets)
    assert genes == ["GENEA", "GENEX", "GENEB", "GENEC", "GENED"]
    cnr = tmp_path / "S.cnr"
    cnr.write_text(
        "chromosome\tstart\tend\tgene\tlog2\tdepth\tweight\n"
        "chr1\t0\t100\tGENEA\t0.01\t100\t1\n"
        "chr1\t100\t200\tGENEA\t-0.02\t100\t1\n"
        "chr1\t5000\t5100\tGENEB,GENEC\t0.0\t300\t1\n"
    )
    cns = tmp_path / "S.cns"
    cns.write_text(
        "chromosome\tstart\tend\tgene\tlog2\tdepth\tprobes\tweight\tci_lo\tci_hi\n"
        "chr1\t0\t5100\tGENEA\t0.0\t100\t3\t3\t-0.05\t0.05\n"
    )
    sample = {"sample_id": "S", "day": 10, "material": "tumor", "purity": None}
    rows = sample_gene_rows(
        sample, read_bins(cnr), read_segments(cns), [], "matched:N", SETTINGS, genes
    )
    assert [r["gene"] for r in rows] == genes
    calls = {r["gene"]: (r["call"], r["bins"]) for r in rows}
    assert calls["GENEX"] == calls["GENED"] == ("not_called", 0)
    assert calls["GENEA"] == ("neutral", 3)
