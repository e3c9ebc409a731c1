"""The demo cohort as a cBioPortal study (results/cbioportal/): the study's structural rules,
and NB01's NRAS Q61K at every WES timepoint, called at relapse and UNCALLED before it, with
the variants table's read counts."""

import pandas as pd
from cbioportal_rules import check_study, table


def test_demo_study_holds_q61k_at_every_timepoint(demo_results):
    folder = demo_results / "cbioportal"
    found = check_study(folder)
    assert found["study"] == "resistance_timeline_demo"
    assert found["patients"] == ["IMT01", "IMT02", "NB01"] and "NB01-N" not in found["samples"]
    rows = [
        r
        for name in ("data_mutations.txt", "data_mutations_uncalled.txt")
        for r in table(folder / name)[1]
        if r["HGVSp_Short"] == "p.Q61K"
    ]
    status = {r["Tumor_Sample_Barcode"]: r["Mutation_Status"] for r in rows}
    assert status == {
        "NB01-T0": "UNCALLED",
        "NB01-P1A": "UNCALLED",
        "NB01-P1B": "UNCALLED",
        "NB01-P2": "Somatic",
    }
    variants = pd.read_csv(demo_results / "variants" / "NB01.variants.tsv", sep="\t")
    q61k = variants[variants.protein == "p.Q61K"].set_index("sample_id")
    for r in rows:
        sample = r["Tumor_Sample_Barcode"]
        assert int(r["t_alt_count"]) == q61k.loc[sample, "alt_reads"]
        assert int(r["t_depth"]) == q61k.loc[sample, "depth"]
