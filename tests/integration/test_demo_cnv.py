"""Copy number on the demo cohort, checked against its truth: NB01's CDK4 and FGFR1
amplification appears in the relapse cfDNA only (20% tumour DNA: the purity-adjusted copy
number must reach the amplification threshold), IMT01's one-copy loss with LOH appears in its
later tumours only, and no other gene of any sample is called anything but neutral."""

import csv

import pandas as pd
import pytest

from helpers import REPO

PATIENTS = ("IMT01", "IMT02", "NB01")


@pytest.fixture(scope="module")
def genes(demo_results):
    tables = [pd.read_csv(demo_results / "cnv" / f"{p}.genes.tsv", sep="\t") for p in PATIENTS]
    return pd.concat(tables, ignore_index=True).set_index(["sample_id", "gene"])


@pytest.fixture(scope="module")
def changed(truth):
    t = truth["cnv"]
    return t[t.tumour_copy_number != 2]


def test_every_tumour_and_cfdna_sample_has_every_target_gene(genes, demo_cohort):
    with open(demo_cohort / "reference" / "targets.bed") as handle:
        targets = {line.split("\t")[3].strip() for line in handle if line.strip()}
    with open(REPO / "config" / "demo" / "samples.tsv") as handle:
        samples = [
            r["sample_id"]
            for r in csv.DictReader(handle, delimiter="\t")
            if r["assay"] == "wes" and r["material"] != "normal"
        ]
    assert not genes.index.duplicated().any()
    assert set(genes.index) == {(s, g) for s in samples for g in targets}
    assert (genes.reference.str.startswith("matched:")).all()


@pytest.mark.parametrize("gene", ["CDK4", "FGFR1"])
def test_nb01_amplification_only_in_relapse_cfdna(genes, changed, gene):
    truth = changed.set_index(["sample_id", "gene"]).loc[("NB01-P2", gene)]
    relapse = genes.loc[("NB01-P2", gene)]
    assert relapse.call == "amplification"
    assert relapse.copy_number_basis == "purity_0.2"
    assert abs(relapse.log2_ratio - truth.expected_log2) <= 0.2  # raw log2 about 0.68
    assert relapse.log2_low > 0 and relapse.excludes_neutral
    assert 0.6 * truth.tumour_copy_number <= relapse.copy_number <= 1.4 * truth.tumour_copy_number
    assert relapse.bins >= 3
    diagnosis = genes.loc[("NB01-T0", gene)]
    assert diagnosis.call == "neutral" and abs(diagnosis.log2_ratio) < 0.25


def test_loss_with_loh_where_the_truth_has_it(genes, changed):
    losses = changed[changed.tumour_copy_number == 1]
    assert len(losses) >= 2, "the demo truth should hold a one-copy loss"
    for row in losses.itertuples():
        got = genes.loc[(row.sample_id, row.gene)]
        assert got.call == "loss", (row.sample_id, row.gene, got.log2_ratio)
        # the demo reads this loss at log2 -0.28 to -0.35 (truth -0.51): CNVkit's bin
        # corrections, fitted on a 300-bin genome, take up part of it; the call stands
        assert got.log2_high < 0 and got.log2_ratio <= -0.25
        assert got.copy_number <= 1.5
        assert got.loh is True or got.loh == "true", (row.sample_id, row.gene, got.baf)
        assert got.baf >= 0.62 and got.het_snps >= 3
    earlier = {(s, g) for s, g in genes.index if g in set(losses.gene)} - set(
        zip(losses.sample_id, losses.gene)
    )
    patient = losses.patient_id.iloc[0]
    for sample, gene in sorted(earlier):
        if sample.startswith(patient):
            got = genes.loc[(sample, gene)]
            assert got.call == "neutral", (sample, gene)
            assert got.loh is False or got.loh in ("false", "") or pd.isna(got.loh)


def test_no_change_called_where_the_truth_has_none(genes, changed):
    """Every other gene is neutral (NB01-P2's arm-level changes too: -0.15 and +0.14 are
    within the gene-level noise floor, cnv.min_abs_log2), but for the CH genes appended to
    the demo genome for NB01 in the other patients: their libraries have no read there (demo
    version 9), so CNVkit dropped the bins and the gene is a not_called row with 0 bins, not
    missing."""
    expected = set(zip(changed.sample_id, changed.gene))
    appended = {"DNMT3A", "PPM1D"}
    uncovered = [s.startswith("IMT") and g in appended for s, g in genes.index]
    assert (genes[uncovered].call == "not_called").all() and (genes[uncovered].bins == 0).all()
    assert sum(uncovered) == 6 * len(appended)  # six IMT tumour samples
    genes = genes[[not u for u in uncovered]]
    others = genes[[key not in expected for key in genes.index]]
    assert (others.call == "neutral").all(), others[others.call != "neutral"][
        ["call", "log2_ratio", "log2_low", "log2_high", "copy_number", "bins"]
    ]


def test_figures_are_drawn(demo_results):
    for patient in PATIENTS:
        for ext in ("png", "svg"):
            figure = demo_results / "cnv" / f"{patient}.copy_number.{ext}"
            assert figure.stat().st_size > 2000, figure
    scatter = demo_results / "cnv" / "NB01" / "NB01-P2.scatter.png"
    assert scatter.read_bytes()[:4] == b"\x89PNG" and scatter.stat().st_size > 10_000
