"""The demo cohort as a cBioPortal study (results/cbioportal/): the study's structural rules,
NB01's NRAS Q61K at every WES timepoint (called at relapse, UNCALLED before it, with the
variants table's read counts), CDK4 and FGFR1 amplified in the relapse cfDNA, the ALK fusions
of every RNA sample, PTCH1 falling after each drug, the acquired events on their day and drug,
and the tumour fractions of results/clones/."""

import pandas as pd
import pytest
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


def rows_of(folder, name):
    return table(folder / name)[1]


def test_demo_study_holds_copy_number_fusions_expression_and_changes(demo_results):
    folder = demo_results / "cbioportal"
    cna = {r["Hugo_Symbol"]: r for r in rows_of(folder, "data_cna.txt")}
    for gene in ("CDK4", "FGFR1"):  # amplified in the relapse cfDNA only (seed 2)
        assert [cna[gene][s] for s in ("NB01-T0", "NB01-P1A", "NB01-P1B", "NB01-P2")] == [
            *("0", "0", "0", "2")
        ]
    genes = pd.read_csv(demo_results / "cnv" / "NB01.genes.tsv", sep="\t")
    cdk4 = genes[(genes.gene == "CDK4") & (genes.sample_id == "NB01-P2")].log2_ratio.iloc[0]
    log2 = {r["Hugo_Symbol"]: r for r in rows_of(folder, "data_log2_cna.txt")}
    assert float(log2["CDK4"]["NB01-P2"]) == pytest.approx(cdk4)
    segments = [r for r in rows_of(folder, "data_cna_hg38_seg.seg") if r["ID"] == "NB01-P2"]
    assert segments and all(not r["chrom"].startswith("chr") for r in segments)
    sv = rows_of(folder, "data_sv.txt")
    assert {(r["Sample_Id"], r["Site1_Hugo_Symbol"], r["Site2_Hugo_Symbol"]) for r in sv} == {
        *((f"IMT01-R{i}", "RRBP1", "ALK") for i in range(3)),
        *((f"IMT02-R{i}", "TNS1", "ALK") for i in range(3)),
    }
    assert {r["Site2_Effect_On_Frame"] for r in sv} == {"In_frame"}
    z = {r["Hugo_Symbol"]: r for r in rows_of(folder, "data_mrna_seq_zscores.txt")}
    for patient in ("IMT01", "IMT02"):  # PTCH1 falls after each drug (seed 1)
        values = [float(z["PTCH1"][f"{patient}-R{i}"]) for i in range(3)]
        assert values == sorted(values, reverse=True), values
    status = {
        (r["PATIENT_ID"], r["GENE"], r["EVENT"]): r
        for r in rows_of(folder, "data_timeline_status.txt")
    }
    q61k = status[("NB01", "NRAS", "p.Q61K")]
    assert (q61k["START_DATE"], q61k["CHANGE"], q61k["DRUG"]) == ("500", "acquired", "lorlatinib")
    l1196q = status[("IMT01", "ALK", "p.L1196Q")]
    assert (l1196q["START_DATE"], l1196q["DRUG"]) == ("300", "alectinib")
    assert "known resistance to alectinib" in l1196q["KNOWLEDGE"]
    assert l1196q["KNOWLEDGE_VERSION"].startswith("seed 2026-12-01; curated 2026-12-06; ")
    fractions = pd.read_csv(demo_results / "clones" / "NB01.tumour_fraction.tsv", sep="\t")
    samples = {r["SAMPLE_ID"]: r for r in rows_of(folder, "data_clinical_sample.txt")}
    for r in fractions.itertuples():
        assert float(samples[r.sample_id]["TUMOR_FRACTION"]) == pytest.approx(r.tumour_fraction)
