"""The demo's tumour-fraction and clone truth (cohort_sim/clones.py): NB01's remission
samples, every somatic variant in exactly one clone, and the clones' fractions."""

from collections import Counter

from helpers import read_tsv


def test_tumour_fraction_truth(cohort):
    tf = {r["sample_id"]: r for r in read_tsv(cohort / "truth" / "tumour_fraction.tsv")}
    assert len(tf) == 10 and "NB01-N" not in tf
    assert float(tf["NB01-P1A"]["tumour_fraction"]) == 0.0
    assert tf["NB01-P1A"]["somatic_variants"] == "0"
    assert float(tf["NB01-P1B"]["tumour_fraction"]) == 0.005
    assert float(tf["IMT01-T2"]["tumour_fraction"]) == 0.6


def test_every_somatic_variant_has_one_clone(cohort):
    variants = read_tsv(cohort / "truth" / "variants.tsv")
    somatic = {
        (r["patient_id"], r["contig"], r["pos"], r["ref"], r["alt"])
        for r in variants
        if r["origin"] == "somatic"
    }
    clones = read_tsv(cohort / "truth" / "clones.tsv")
    keys = [(r["patient_id"], r["contig"], r["pos"], r["ref"], r["alt"]) for r in clones]
    assert sorted(keys) == sorted(somatic)
    sizes = Counter((r["patient_id"], r["clone"]) for r in clones)
    assert sizes[("NB01", "truncal")] == 16 and sizes[("IMT02", "BG01 p.R70K")] == 4
    assert sizes[("IMT01", "truncal")] == 16 and sizes[("IMT02", "truncal")] == 14
    assert sizes[("IMT01", "ALK p.L1196Q")] == 3 and sizes[("NB01", "NRAS p.Q61K")] == 3
    assert sizes[("NB01", "BG26 p.C40Y")] == 4  # with version 7's BG27 p.R55L (low_vaf)
    # the remission sample's truncal VAF is half its 0.5% tumour fraction
    p1b = {
        float(r["true_vaf"])
        for r in variants
        if r["sample_id"] == "NB01-P1B" and r["origin"] == "somatic" and float(r["true_vaf"])
    }
    assert p1b == {0.0025}


def test_clone_fractions(cohort):
    ccf = {
        (r["clone"], r["sample_id"]): float(r["ccf"])
        for r in read_tsv(cohort / "truth" / "clone_fractions.tsv")
    }
    assert [ccf[("BG01 p.R70K", f"IMT02-T{i}")] for i in range(3)] == [0.48, 0.16, 0.0]
    assert ccf[("truncal", "NB01-P1A")] == 1.0 and ccf[("NRAS p.Q61K", "NB01-P2")] == 0.8
