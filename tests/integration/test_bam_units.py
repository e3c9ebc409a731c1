"""Units given as aligned BAMs instead of FASTQ: a patient whose normal and relapse tumour
exomes and one RNA sample come as BAMs (taken from the demo run) goes through variant calling
and fusion detection without realignment, under the sheet's sample names. A second patient is
a deliberate sample swap (one person's normal, another's tumour): the identity check flags it."""

import shutil

import pandas as pd
import pysam
import pytest

from helpers import REPO, run_snakemake

COHORT = REPO / "resources" / "demo" / "cohort"


@pytest.fixture(scope="module")
def bam_project(demo_results, tmp_path_factory):
    root = tmp_path_factory.mktemp("bam_units")
    (root / "in").mkdir()
    for source, name in (
        ("align/IMT01/IMT01-N.bam", "normal.bam"),
        ("align/IMT01/IMT01-T2.bam", "relapse.bam"),
        ("rna/IMT01/IMT01-R0.bam", "rna.bam"),
        ("align/IMT02/IMT02-T0.bam", "other_person.bam"),
    ):
        shutil.copy(demo_results / source, root / "in" / name)
    (root / "samples.tsv").write_text(
        "patient_id\tsample_id\tassay\tmaterial\tday\ttimepoint\tpurity\n"
        "PX\tPX-N\twes\tnormal\t0\tblood\t\n"
        "PX\tPX-T2\twes\ttumor\t300\trelapse\t0.6\n"
        "PX\tPX-R0\trna\ttumor\t0\tdiagnosis\t\n"
        "SWAP\tSWAP-N\twes\tnormal\t0\tblood\t\n"
        "SWAP\tSWAP-T0\twes\ttumor\t0\tdiagnosis\t0.5\n"
    )
    (root / "units.tsv").write_text(
        "sample_id\tunit_id\tfq1\tfq2\tbam\n"
        "PX-N\tB1\t\t\tin/normal.bam\n"
        "PX-T2\tB1\t\t\tin/relapse.bam\n"
        "PX-R0\tB1\t\t\tin/rna.bam\n"
        "SWAP-N\tB1\t\t\tin/normal.bam\n"
        "SWAP-T0\tB1\t\t\tin/other_person.bam\n"
    )
    (root / "treatments.tsv").write_text(
        "patient_id\tline\tdrug\tstart_day\tend_day\tbest_response\nPX\t1\talectinib\t130\t300\tPR\n"
    )
    ref = COHORT / "reference"
    (root / "config.yaml").write_text(
        f"samples: {root}/samples.tsv\nunits: {root}/units.tsv\n"
        f"treatments: {root}/treatments.tsv\n"
        "knowledge:\n  shipped_sources: [resources/resistance_markers.tsv]\n"
        f"reference:\n  fasta: {ref}/genome.fa\n  gff3: {ref}/annotation.gff3\n"
        f"  gtf: {ref}/annotation.gtf\n  targets: {ref}/targets.bed\n"
        "calling:\n  scatter: 2\n"  # the demo's (the default 16 chunks are for exomes)
    )
    result = run_snakemake("--configfile", str(root / "config.yaml"), "--cores", "2", cwd=root)
    assert result.returncode == 0, result.stderr[-4000:]
    (root / "console.txt").write_text(result.stdout + result.stderr)
    return root / "results"


def test_no_realignment_and_sheet_sample_names(bam_project):
    log = "\n".join(p.name for p in (bam_project.parent / "logs").iterdir())
    assert "align_reads" not in log and "align_rna" not in log and "build_star_index" not in log
    with pysam.AlignmentFile(str(bam_project / "align/PX/PX-T2.bam")) as bam:
        read_groups = {rg["ID"]: rg["SM"] for rg in bam.header.to_dict()["RG"]}
        assert read_groups.get("PX-T2.B1") == "PX-T2"
        assert next(bam.fetch("chr2", 24500, 24600)).get_tag("RG") == "PX-T2.B1"


def test_variants_from_bam_units(bam_project):
    table = pd.read_csv(bam_project / "variants/PX.variants.tsv", sep="\t")
    hit = table[(table.protein == "p.L1196Q")].set_index("sample_id")
    assert hit.loc["PX-T2", "status"] == "detected" and hit.loc["PX-T2", "origin"] == "somatic"
    assert hit.loc["PX-N", "status"] == "not_detected"


def test_fusion_and_counts_from_rna_bam_unit(bam_project, demo_results):
    fusions = pd.read_csv(bam_project / "fusions/PX.fusions.tsv", sep="\t")
    assert list(fusions.fusion) == ["RRBP1::ALK"] and fusions.status.iloc[0] == "detected"
    ours = pd.read_csv(bam_project / "expression/counts.tsv", sep="\t").set_index("gene_id")
    star = pd.read_csv(demo_results / "expression/counts.tsv", sep="\t").set_index("gene_id")
    assert ours["PX-R0"].corr(star["IMT01-R0"], method="spearman") > 0.99
    assert abs(ours["PX-R0"].sum() - star["IMT01-R0"].sum()) <= 0.02 * star["IMT01-R0"].sum()


def test_multiqc_shows_the_duplicates_of_every_imported_bam(bam_project):
    """Imported BAMs are duplicate-marked here (RNA too: samtools markdup's statistics), and
    MultiQC, with no FASTQ or STAR log of the RNA sample to read, shows them."""
    stats = bam_project / "qc" / "multiqc" / "multiqc_report_data" / "multiqc_general_stats.txt"
    table = pd.read_csv(stats, sep="\t").set_index("Sample")
    fraction = table["samtools_markdup-duplicate_fraction"].dropna()
    assert set(fraction.index) == {"PX-N", "PX-T2", "PX-R0", "SWAP-N", "SWAP-T0"}
    assert (bam_project / "qc" / "markdup_rna" / "PX" / "PX-R0.markdup.txt").is_file()
    assert 0 < fraction["PX-R0"] < 100


def test_sample_swap_is_flagged(bam_project):
    table = pd.read_csv(bam_project / "qc/identity/SWAP.identity.tsv", sep="\t")
    pair = table.iloc[0]
    assert (pair.sample_a, pair.sample_b, pair.verdict) == ("SWAP-N", "SWAP-T0", "LIKELY_SWAP")
    assert pair.sites >= 10 and pair.concordance < 0.6
    console = (bam_project.parent / "console.txt").read_text()
    assert "WARNING: SWAP-N and SWAP-T0 share only" in console and "likely a sample swap" in console
    same = pd.read_csv(bam_project / "qc/identity/PX.identity.tsv", sep="\t")
    assert (same.verdict == "same_individual").all()


def test_an_rna_only_cohort_of_one_imported_bam_runs_to_the_report(demo_results, tmp_path):
    """The smallest RNA cohort a lab brings: one RNA sample as a BAM, no FASTQ, no WES, run
    to the end and to the report. MultiQC reads its duplicate-marking statistics (it used to
    be planned with no input, and the run ended in a MissingOutputException)."""
    shutil.copy(demo_results / "rna/IMT01/IMT01-R0.bam", tmp_path / "rna.bam")
    (tmp_path / "samples.tsv").write_text(
        "patient_id\tsample_id\tassay\tmaterial\tday\ttimepoint\tpurity\n"
        "PR\tPR-R0\trna\ttumor\t0\tdiagnosis\t\n"
    )
    (tmp_path / "units.tsv").write_text(
        "sample_id\tunit_id\tfq1\tfq2\tbam\nPR-R0\tB1\t\t\trna.bam\n"
    )
    (tmp_path / "treatments.tsv").write_text(
        "patient_id\tline\tdrug\tstart_day\tend_day\tbest_response\nPR\t1\talectinib\t10\t\tPR\n"
    )
    ref = COHORT / "reference"
    (tmp_path / "config.yaml").write_text(
        "samples: samples.tsv\nunits: units.tsv\ntreatments: treatments.tsv\n"
        f"reference:\n  fasta: {ref}/genome.fa\n  gtf: {ref}/annotation.gtf\n"
    )
    result = run_snakemake("--configfile", "config.yaml", "--cores", "2", cwd=tmp_path)
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    results = tmp_path / "results"
    stats = results / "qc" / "multiqc" / "multiqc_report_data" / "multiqc_general_stats.txt"
    table = pd.read_csv(stats, sep="\t").set_index("Sample")
    assert list(table["samtools_markdup-duplicate_fraction"].dropna().index) == ["PR-R0"]
    fusions = pd.read_csv(results / "fusions/PR.fusions.tsv", sep="\t")
    assert list(fusions.fusion) == ["RRBP1::ALK"] and fusions.status.iloc[0] == "detected"
    events = pd.read_csv(results / "timeline/PR.events.tsv", sep="\t")
    assert "RRBP1::ALK" in set(events.event)
    report = run_snakemake("--configfile", "config.yaml", "--report", "report.html", cwd=tmp_path)
    assert report.returncode == 0, report.stderr[-3000:]
    assert "(WARNING/" not in report.stderr and "(ERROR/" not in report.stderr, report.stderr
    assert (tmp_path / "report.html").stat().st_size > 100_000
