"""DNA arm on the demo cohort, checked against its truth: the resistance mutations appear when
the drug stops working, "absent before" is backed by depth, and nothing else is called."""

import pandas as pd
import pytest

PATIENTS = ("IMT01", "IMT02", "NB01")
KEY = ["sample_id", "contig", "pos", "ref", "alt"]


@pytest.fixture(scope="module")
def variants(demo_results):
    tables = [
        pd.read_csv(demo_results / "variants" / f"{p}.variants.tsv", sep="\t", dtype={"pos": int})
        for p in PATIENTS
    ]
    return pd.concat(tables, ignore_index=True)


def row(variants, sample, gene, protein):
    found = variants[
        (variants.sample_id == sample) & (variants.gene == gene) & (variants.protein == protein)
    ]
    assert len(found) == 1, f"{gene} {protein} in {sample}: {len(found)} rows"
    return found.iloc[0]


def true_vaf(truth, sample, gene, protein):
    t = truth["variants"]
    return float(
        t[(t.sample_id == sample) & (t.gene == gene) & (t.protein == protein)].true_vaf.iloc[0]
    )


def test_columns_are_the_public_interface(variants):
    assert list(variants.columns) == [
        "patient_id",
        "sample_id",
        "day",
        "material",
        "contig",
        "pos",
        "ref",
        "alt",
        "gene",
        "consequence",
        "protein",
        "transcript",
        "ref_reads",
        "alt_reads",
        "depth",
        "vaf",
        "vaf_low",
        "vaf_high",
        "detection_limit",
        "background_vaf",
        "background_p",
        "alt_median_fragment",
        "ref_median_fragment",
        "status",
        "origin",
        "resistance",
        "knowledge_version",
    ]


def test_alk_l1196q_appears_at_alectinib_relapse(variants, truth):
    relapse = row(variants, "IMT01-T2", "ALK", "p.L1196Q")
    assert relapse.status == "detected" and relapse.origin == "somatic"
    assert abs(relapse.vaf - true_vaf(truth, "IMT01-T2", "ALK", "p.L1196Q")) <= 0.07
    assert relapse.vaf_low < relapse.vaf < relapse.vaf_high
    assert relapse.consequence == "missense" and relapse.day == 300
    assert "alectinib: resistance" in relapse.resistance
    assert "ceritinib: response" in relapse.resistance
    for earlier in ("IMT01-T0", "IMT01-T1"):
        before = row(variants, earlier, "ALK", "p.L1196Q")
        assert before.status == "not_detected", earlier
        assert before.detection_limit < 0.05, (earlier, before.detection_limit)
    assert row(variants, "IMT01-N", "ALK", "p.L1196Q").status == "not_detected"


def test_nb01_f1174l_throughout_and_nras_q61k_only_at_relapse(variants, truth):
    for sample in ("NB01-T0", "NB01-P2"):
        f1174l = row(variants, sample, "ALK", "p.F1174L")
        assert f1174l.status == "detected", sample
        assert abs(f1174l.vaf - true_vaf(truth, sample, "ALK", "p.F1174L")) <= 0.05
    q61k = row(variants, "NB01-P2", "NRAS", "p.Q61K")
    assert q61k.status == "detected" and q61k.material == "cfdna" and q61k.origin == "somatic"
    assert abs(q61k.vaf - true_vaf(truth, "NB01-P2", "NRAS", "p.Q61K")) <= 0.03
    assert "lorlatinib: resistance" in q61k.resistance
    for sample in ("NB01-N", "NB01-T0"):
        assert row(variants, sample, "NRAS", "p.Q61K").status == "not_detected", sample


def test_every_true_somatic_variant_found_at_its_timepoints(variants, truth):
    t = truth["variants"]
    somatic = t[t.origin == "somatic"].merge(variants, on=KEY, how="left")
    assert somatic.status.notna().all(), somatic[somatic.status.isna()][KEY]
    present = somatic[somatic.true_vaf >= 0.03]
    missed = present[present.status != "detected"]
    assert missed.empty, missed[KEY + ["true_vaf", "vaf", "status"]]
    assert (present.origin_y == "somatic").all(), present[present.origin_y != "somatic"][KEY]
    absent = somatic[somatic.true_vaf == 0]
    called = absent[absent.status == "detected"]
    assert called.empty, called[KEY + ["vaf"]]


def test_no_somatic_call_outside_the_truth_above_vaf_005(variants, truth):
    calls = variants[
        (variants.origin == "somatic") & (variants.status == "detected") & (variants.vaf > 0.05)
    ]
    known = truth["variants"][KEY]
    extra = calls.merge(known, on=KEY, how="left", indicator=True)
    extra = extra[extra._merge == "left_only"]
    assert extra.empty, extra[KEY + ["vaf", "alt_reads", "depth"]]


def test_germline_snps_labelled_germline(variants, truth):
    t = truth["variants"]
    germline = t[t.origin == "germline"].merge(variants, on=KEY, how="left")
    assert germline.origin_y.notna().all(), "germline SNPs missing from the table"
    assert (germline.origin_y == "germline").all(), germline[germline.origin_y != "germline"][KEY]


def test_subclone_lost_under_therapy(variants, truth):
    t = truth["variants"]
    sub = t[(t.patient_id == "IMT02") & (t.origin == "somatic")]
    shrinking = sub.groupby(["contig", "pos"]).true_vaf.agg(list)
    lost = [k for k, v in shrinking.items() if v[1] > 0.08 and v[-1] == 0]  # N, T0, T1, T2
    assert lost, "the truth should hold a subclone lost by T2"
    contig, pos = lost[0]
    tracked = variants[(variants.contig == contig) & (variants.pos == pos)].set_index("sample_id")
    assert tracked.loc["IMT02-T0", "status"] == "detected"
    assert tracked.loc["IMT02-T2", "status"] == "not_detected"
    assert tracked.loc["IMT02-T2", "detection_limit"] < 0.05


def test_identity_check_finds_no_swap(demo_results):
    for patient in PATIENTS:
        table = pd.read_csv(demo_results / "qc" / "identity" / f"{patient}.identity.tsv", sep="\t")
        assert len(table) >= 3
        assert (table.verdict == "same_individual").all(), table
        assert (table.lod >= 5).all(), table  # far above identity.min_lod (2)
        log = demo_results.parent / "logs" / "check_sample_identity" / f"{patient}.log"
        assert "shipped SNP panel not used" in log.read_text()  # the demo's genome is no GRCh38


def test_vcf_carries_the_detection_limit(demo_results):
    import pysam

    with pysam.VariantFile(str(demo_results / "variants" / "IMT01.variants.vcf.gz")) as vcf:
        assert {"AD", "DP", "AF", "AFLO", "AFHI", "DL", "BP", "ST"} <= set(vcf.header.formats)
        assert {"BCSQ", "ORIGIN", "BGVAF"} <= set(vcf.header.info)
        assert "##resistance-timelinePanelOfNormals=panel_of_normals.tsv.gz (3 normals)" in str(
            vcf.header
        )
        assert list(vcf.header.samples) == ["IMT01-N", "IMT01-T0", "IMT01-T1", "IMT01-T2"]


def test_maf_holds_each_somatic_detection_with_the_tables_counts(demo_results, variants):
    mafs = {
        p: pd.read_csv(demo_results / "variants" / f"{p}.maf", sep="\t", comment="#", dtype=str)
        for p in PATIENTS
    }
    nb01 = mafs["NB01"]
    q61k = nb01[(nb01.HGVSp_Short == "p.Q61K")]
    assert list(q61k.Tumor_Sample_Barcode) == ["NB01-P2"]  # detected at relapse only
    table = row(variants, "NB01-P2", "NRAS", "p.Q61K")
    normal = row(variants, "NB01-N", "NRAS", "p.Q61K")
    q = q61k.iloc[0]
    assert (q.Hugo_Symbol, q.Variant_Classification, q.Variant_Type) == (
        "NRAS",
        "Missense_Mutation",
        "SNP",
    )
    assert int(q.Start_Position) == int(q.End_Position) == table.pos
    assert (int(q.t_alt_count), int(q.t_depth)) == (table.alt_reads, table.depth)
    assert (q.Matched_Norm_Sample_Barcode, int(q.n_depth)) == ("NB01-N", normal.depth)
    somatic = variants[
        (variants.origin == "somatic")
        & (variants.status == "detected")
        & (variants.material != "normal")
    ]
    assert sum(len(m) for m in mafs.values()) == len(somatic)
    cohort = pd.read_csv(demo_results / "variants" / "cohort.maf", sep="\t", comment="#")
    assert len(cohort) == len(somatic)
    deletion = mafs["IMT01"][mafs["IMT01"].HGVSp_Short == "p.A5del"].iloc[0]
    assert (deletion.Start_Position, deletion.End_Position, deletion.Tumor_Seq_Allele2) == (
        "3122",
        "3124",
        "-",
    )


def test_every_wes_sample_has_a_fragment_profile_as_simulated(demo_results, truth):
    """Medians, modes and short fractions (100-150 over 100-250 bp) as the simulator drew the
    fragments (truth/fragments.tsv: capture libraries N(220, 40) >= 120 bp; plasma N(167, 18),
    tumour-derived fragments N(145, 15): resources/demo/cohort_sim/reads.py); the
    tumour-rich relapse plasma has the shortest fragments."""
    samples = pd.read_csv(demo_results / "timeline" / "cohort.samples.tsv", sep="\t")
    wes = samples[samples.assay == "wes"]
    drawn = truth["fragments"].set_index("sample_id")
    for patient, expected in wes.groupby("patient_id"):
        path = demo_results / "qc" / "fragments" / f"{patient}.fragments.tsv"
        table = pd.read_csv(path, sep="\t").set_index("sample_id")
        assert sorted(table.index) == sorted(expected.sample_id)
        for suffix in ("tsv", "png", "svg"):  # the distribution and its figure
            path = demo_results / "qc" / "fragments" / f"{patient}.fragment_lengths.{suffix}"
            assert path.stat().st_size > 1000, path
        for sample_id, row in table.iterrows():
            sim = drawn.loc[sample_id]
            assert row.fragments > 0.9 * sim.fragments, sample_id
            assert abs(row.median_fragment - sim["median"]) <= 3, sample_id
            assert row.short_fraction == pytest.approx(sim.short_fraction, abs=0.01), sample_id
            if row.material == "cfdna":  # the blood's peak (a broad capture peak is noisy)
                assert abs(row.mode_fragment - 167) <= 8, sample_id
    nb01 = pd.read_csv(demo_results / "qc" / "fragments" / "NB01.fragments.tsv", sep="\t")
    plasma = nb01[nb01.material == "cfdna"].set_index("sample_id")
    assert plasma.short_fraction["NB01-P2"] > plasma.short_fraction["NB01-P1A"] + 0.08
    assert plasma.median_fragment["NB01-P2"] < plasma.median_fragment["NB01-P1A"] - 3
    assert drawn.tumour_derived["NB01-P2"] > 0.2  # its tumour fraction, more where amplified


def test_variant_fragment_lengths_follow_the_simulated_libraries(variants):
    """Per variant and sample, the median fragment length of alt and of ref fragments: the
    capture libraries' N(220, 40) for both; in plasma a somatic variant's alt fragments are
    tumour-derived, N(145, 15), shorter than its ref fragments (mostly blood-derived, N(167,
    18)), while the alt fragments of a germline SNP or of clonal haematopoiesis (DNMT3A
    p.R882H, blood-derived) are not: the known way to tell a tumour's variant from a blood
    cell's in plasma."""
    counted = variants[(variants.alt_reads >= 20) & (variants.ref_reads >= 20)]
    assert len(counted) > 50
    # a site's median of 20-60 fragments varies by about 1.25 sd / sqrt(n): 3-4 bp in
    # plasma, 7-11 bp in the capture libraries
    for material, centre, spread in (("tumor", 220, 25), ("normal", 220, 25)):
        rows = counted[counted.material == material]
        assert len(rows) >= 5, material
        for column in ("ref_median_fragment", "alt_median_fragment"):
            assert (rows[column] - centre).abs().max() <= spread, (material, column)
            assert (rows[column] - centre).abs().median() <= spread / 3, (material, column)
    plasma = counted[counted.material == "cfdna"]
    somatic, germline = plasma[plasma.origin == "somatic"], plasma[plasma.origin == "germline"]
    assert len(somatic) >= 10 and len(germline) >= 5
    assert ((somatic.alt_median_fragment - 145).abs() <= 12).all()
    assert (somatic.alt_median_fragment - 145).abs().median() <= 4
    assert ((plasma.ref_median_fragment - 165).abs() <= 12).all()
    # a germline allele is in tumour and blood DNA alike (shorter where the tumour's DNA
    # dominates: CDK4's amplicon in the relapse plasma)
    assert ((germline.alt_median_fragment - germline.ref_median_fragment).abs() <= 10).all()
    assert (somatic.ref_median_fragment - somatic.alt_median_fragment).median() >= 12
    ch = variants[(variants.protein == "p.R882H") & (variants.material == "cfdna")]
    nras = row(variants, "NB01-P2", "NRAS", "p.Q61K")
    assert len(ch) == 3 and (ch.alt_median_fragment >= 155).all(), ch.alt_median_fragment
    assert nras.alt_median_fragment <= 155


def test_panel_of_normals_holds_the_cohorts_normals_and_their_alleles(demo_results):
    """The demo's panel: its three blood normals; a germline SNP of NB01's normal is a row with
    NB01-N among its carriers at about half its reads."""
    from resistance_timeline.dna.panel_of_normals import Panel, read_header

    path = str(demo_results / "reference" / "panel_of_normals.tsv.gz")
    assert read_header(path)["normals"] == ["IMT01-N", "IMT02-N", "NB01-N"]
    with Panel(path) as panel:
        rows = [r for contig in ("chr1", "chr2", "chr12") for r in panel.rows(contig, 0, 10**6)]
    assert len(rows) > 50
    assert all(r.alt_reads >= 2 and r.alt_reads <= r.depth for r in rows)
    assert all(sum(a for a, _ in r.carriers.values()) == r.alt_reads for r in rows)
    germline = [r for r in rows if any(a / d > 0.3 for a, d in r.carriers.values())]
    assert germline, "no germline SNP of a demo normal in the panel"


def test_every_row_has_its_background_and_true_calls_beat_it(variants, truth):
    """Every row carries the site's background VAF (the floor, 1e-4, where the panel has no row
    for the allele) and, with reads, its background p; every detected true somatic variant
    beats its background by far."""
    assert variants.background_vaf.notna().all()
    assert (variants.background_vaf >= 1e-4).all() and (variants.background_vaf < 0.01).all()
    covered = variants[variants.depth > 0]
    assert covered.background_p.notna().all()
    assert variants[variants.depth.fillna(0) == 0].background_p.isna().all()
    detected = variants[(variants.origin == "somatic") & (variants.status == "detected")]
    assert len(detected) > 20 and (detected.background_p < 1e-6).all()
    nras = row(variants, "NB01-P2", "NRAS", "p.Q61K")
    assert nras.status == "detected" and nras.background_p < 1e-10


def test_sticky_artefact_is_a_panel_artefact_and_the_real_low_vaf_variant_is_detected(
    variants, truth
):
    """The demo's sticky error (truth origin panel_artefact: 1% of the fragments of every
    sample, normals included) is panel_artefact wherever it is a candidate; NB01's real
    BG26-clone variant at 2.5% in the relapse plasma only, at a site no normal shows, stays
    detected and somatic."""
    t = truth["variants"]
    art = t[(t.origin == "panel_artefact") & (t.sample_id == "NB01-P2")].iloc[0]
    real = t[(t.gene == "BG27") & (t.protein == "p.R55L") & (t.sample_id == "NB01-P2")].iloc[0]
    assert art.true_vaf == pytest.approx(0.01) and real.true_vaf == pytest.approx(0.025)
    at = variants[(variants.contig == art.contig) & (variants.pos == art.pos)]
    assert set(at.alt) == {art.alt} and set(at.origin) == {"panel_artefact"}
    assert "NB01" in set(at.patient_id)
    p2 = at[at.sample_id == "NB01-P2"].iloc[0]
    assert p2.alt_reads >= 4 and p2.vaf >= 0.005  # the material's thresholds alone: met
    assert p2.background_vaf > 5e-4  # two other normals show it
    own = at[at.sample_id == "NB01-N"].iloc[0]
    assert own.alt_reads == 1 and own.status == "not_detected"
    found = row(variants, "NB01-P2", "BG27", "p.R55L")
    assert found.origin == "somatic" and found.status == "detected"
    assert abs(found.vaf - 0.025) < 0.015 and found.background_vaf == pytest.approx(1e-4)
    assert found.background_p < 1e-12 and found.background_p < p2.background_p
    earlier = variants[
        (variants.gene == "BG27")
        & (variants.protein == "p.R55L")
        & variants.sample_id.isin(["NB01-T0", "NB01-P1A", "NB01-P1B"])
    ]
    assert (earlier.status != "detected").all()


def test_clonal_haematopoiesis_is_told_apart_from_the_tumour(variants, truth):
    """NB01's two CH clones (generator version 8): DNMT3A p.R882H, which the blood normal
    carries at 3% (TEMPEST: normal VAF >= 2%), is clonal_hematopoiesis; PPM1D p.Q524*, with no
    alt read in the normal and 2% in the relapse plasma only, in a CH gene, is
    possible_clonal_hematopoiesis. Neither is somatic in any sample, and each is measured at
    its true VAF where the truth has it."""
    for gene, protein, origin in (
        ("DNMT3A", "p.R882H", "clonal_hematopoiesis"),
        ("PPM1D", "p.Q524*", "possible_clonal_hematopoiesis"),
    ):
        rows = variants[(variants.gene == gene) & (variants.protein == protein)]
        assert set(rows.patient_id) == {"NB01"} and len(rows) == 5, (gene, len(rows))
        assert set(rows.origin) == {origin}, (gene, set(rows.origin))
        for r in rows.itertuples():
            expected = true_vaf(truth, r.sample_id, gene, protein)
            if expected == 0:
                assert r.alt_reads == 0 and r.status != "detected", (gene, r.sample_id)
            else:
                assert abs(r.vaf - expected) < 0.02, (gene, r.sample_id, r.vaf, expected)
    dnmt3a = variants[variants.protein == "p.R882H"].set_index("sample_id")
    assert dnmt3a.loc["NB01-N"].vaf >= 0.02
    for plasma in ("NB01-P1A", "NB01-P1B", "NB01-P2"):
        assert dnmt3a.loc[plasma].status == "detected", plasma
    ppm1d = variants[variants.protein == "p.Q524*"].set_index("sample_id")
    assert ppm1d.loc["NB01-P2"].status == "detected" and ppm1d.loc["NB01-P2"].vaf < 0.05
    assert ppm1d.loc["NB01-P2"].consequence == "stop_gained"


def test_without_the_panel_the_sticky_artefact_would_be_somatic(demo_results, truth, tmp_path):
    """The same candidates, BAMs and thresholds without a panel of normals (``source: none``):
    the sticky error in NB01's plasma reads as a somatic variant, as it did before the panel."""
    from resistance_timeline.dna.genotyper import genotype_timepoints
    from resistance_timeline.setup.config import schema_defaults

    t = truth["variants"]
    art = t[(t.origin == "panel_artefact") & (t.sample_id == "NB01-P2")].iloc[0]
    ids = ["NB01-N", "NB01-T0", "NB01-P1A", "NB01-P1B", "NB01-P2"]
    materials = ["normal", "tumor", "cfdna", "cfdna", "cfdna"]
    samples = [{"sample_id": s, "material": m} for s, m in zip(ids, materials, strict=True)]
    bams = [str(demo_results / "align" / "NB01" / f"{s}.bam") for s in ids]
    out = str(tmp_path / "nopanel.vcf.gz")
    thr = schema_defaults("genotyping")
    candidates = str(demo_results / "variants" / "NB01" / "candidates.vcf.gz")
    fasta = str(demo_results / "reference" / "genome.fa")
    genotype_timepoints(candidates, bams, fasta, samples, thr, out)
    import pysam

    with pysam.VariantFile(out) as vcf:
        (rec,) = [r for r in vcf.fetch(art.contig, art.pos - 1, art.pos) if r.pos == art.pos]
    assert rec.info["ORIGIN"] == "somatic" and rec.samples["NB01-P2"]["ST"] == "detected"
