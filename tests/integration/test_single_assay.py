"""Cohorts of one assay, each described by a complete config file of its own (not an overlay
of the demo's): a WES-only cohort runs without a GTF, an RNA-only one without a capture BED or
GFF3, and each finds its arm's events. Uses one demo patient each, to keep the run short. Each
is a project folder as a lab keeps one: sheets and reads inside it, named by relative paths
(the reference outside, by absolute ones), so a finished project copied elsewhere with its
modification times reruns nothing."""

import csv
import shutil
import subprocess

import pandas as pd
import pytest
from cbioportal_rules import check_study, table

from helpers import REPO, run_snakemake

DEMO = REPO / "config" / "demo"


def subset_sheets(root, samples, demo_cohort):
    """The demo sheets' rows for ``samples`` (and their patients' lines), absolute paths."""

    def rows(name):
        with open(DEMO / name, newline="") as handle:
            return list(csv.DictReader(handle, delimiter="\t"))

    def write(name, table):
        with open(root / name, "w", newline="") as handle:
            writer = csv.DictWriter(handle, list(table[0]), delimiter="\t", lineterminator="\n")
            writer.writeheader()
            writer.writerows(table)

    chosen = [r for r in rows("samples.tsv") if r["sample_id"] in samples]
    patients = {r["patient_id"] for r in chosen}
    units = [r for r in rows("units.tsv") if r["sample_id"] in samples]
    (root / "reads").mkdir()
    for unit in units:  # the reads inside the project, named relative to units.tsv
        for key in ("fq1", "fq2"):
            source = (DEMO / unit[key]).resolve()
            shutil.copy2(source, root / "reads" / source.name)
            unit[key] = f"reads/{source.name}"
    write("samples.tsv", chosen)
    write("units.tsv", units)
    write("treatments.tsv", [r for r in rows("treatments.tsv") if r["patient_id"] in patients])


def write_config(root, demo_cohort, reference_keys):
    ref = demo_cohort / "reference"
    files = {
        "fasta": ref / "genome.fa",
        "gff3": ref / "annotation.gff3",
        "gtf": ref / "annotation.gtf",
        "targets": ref / "targets.bed",
    }
    lines = [  # the sheets by relative paths (the project folder is the working directory)
        "samples: samples.tsv",
        "units: units.tsv",
        "treatments: treatments.tsv",
        "reference:",
        *(f"  {key}: {files[key]}" for key in reference_keys),
        "calling:",
        "  scatter: 2",  # the demo's (the default 16 chunks are for exomes)
    ]
    (root / "config.yaml").write_text("\n".join(lines) + "\n")


def run(root, *args):
    return run_snakemake("--configfile", str(root / "config.yaml"), *args, cwd=root, timeout=1800)


@pytest.fixture(scope="module")
def wes_only(tmp_path_factory, demo_cohort):
    root = tmp_path_factory.mktemp("wes_only")
    subset_sheets(root, {"NB01-N", "NB01-T0", "NB01-P2"}, demo_cohort)
    write_config(root, demo_cohort, ("fasta", "gff3", "targets"))  # no GTF at all
    dry = run(root, "-n")
    result = run(root, "--cores", "2")
    return root, dry, result


@pytest.fixture(scope="module")
def rna_only(tmp_path_factory, demo_cohort):
    root = tmp_path_factory.mktemp("rna_only")
    subset_sheets(root, {"IMT01-R0", "IMT01-R2"}, demo_cohort)
    write_config(root, demo_cohort, ("fasta", "gtf"))  # no capture BED, no GFF3
    dry = run(root, "-n")
    result = run(root, "--cores", "2")
    return root, dry, result


def test_wes_only_cohort_runs_its_arm(wes_only):
    root, dry, result = wes_only
    assert dry.returncode == 0, dry.stderr[-3000:]
    assert "rule genotype_timepoints:" in dry.stdout and "rule align_rna:" not in dry.stdout
    assert result.returncode == 0, result.stderr[-3000:]
    variants = pd.read_csv(root / "results" / "variants" / "NB01.variants.tsv", sep="\t")
    q61k = variants[(variants.protein == "p.Q61K") & (variants.sample_id == "NB01-P2")]
    assert len(q61k) == 1 and q61k.status.iloc[0] == "detected"
    assert 0.05 <= q61k.vaf.iloc[0] <= 0.11  # truth 0.08
    assert not (root / "results" / "expression").exists()
    folder = root / "results" / "cbioportal"
    study = check_study(folder)  # a study of what it has
    assert (folder / "data_mutations.txt").exists() and (folder / "data_cna.txt").exists()
    assert not list(folder.glob("*mrna*")) and not list(folder.glob("*_sv*"))
    assert study["patients"] == ["NB01"]


def test_rna_only_cohort_runs_its_arm(rna_only):
    root, dry, result = rna_only
    assert dry.returncode == 0, dry.stderr[-3000:]
    assert "rule track_fusions:" in dry.stdout and "rule align_reads:" not in dry.stdout
    assert result.returncode == 0, result.stderr[-3000:]
    fusions = pd.read_csv(root / "results" / "fusions" / "IMT01.fusions.tsv", sep="\t")
    rrbp1_alk = fusions[fusions.fusion == "RRBP1::ALK"]
    assert list(rrbp1_alk.sample_id) == ["IMT01-R0", "IMT01-R2"]
    assert (rrbp1_alk.status == "detected").all()
    counts = pd.read_csv(root / "results" / "expression" / "counts.tsv", sep="\t")
    assert list(counts.columns) == ["gene_id", "gene_name", "IMT01-R0", "IMT01-R2"]
    assert not (root / "results" / "variants").exists()
    folder = root / "results" / "cbioportal"
    study = check_study(folder)  # samples, timeline, fusions and expression
    assert study["samples"] == ["IMT01-R0", "IMT01-R2"]
    assert not list(folder.glob("*mutations*")) and not list(folder.glob("*cna*"))
    _, sv = table(folder / "data_sv.txt")
    assert [(r["Sample_Id"], r["Site1_Hugo_Symbol"]) for r in sv] == [
        ("IMT01-R0", "RRBP1"),
        ("IMT01-R2", "RRBP1"),
    ]
    assert (folder / "data_mrna_seq_zscores.txt").exists()


def test_a_copied_project_reruns_nothing(wes_only, tmp_path):
    """A finished project folder copied (``cp -a``: modification times kept) and run again
    from its new place: every recorded input path is the same (relative inside the project,
    the FASTA's link in results/reference/ too), so nothing runs."""
    root, _, result = wes_only
    assert result.returncode == 0, result.stderr[-3000:]
    copy = tmp_path / "moved"
    subprocess.run(["cp", "-a", str(root), str(copy)], check=True)
    assert not (copy / "units.tsv").read_text().count(str(root))
    dry = run(copy, "-n")
    assert dry.returncode == 0, dry.stderr[-3000:]
    assert "Nothing to be done" in dry.stdout + dry.stderr, (dry.stdout + dry.stderr)[-3000:]


def test_config_without_treatments_is_named(tmp_path, demo_cohort):
    subset_sheets(tmp_path, {"IMT01-R0"}, demo_cohort)
    write_config(tmp_path, demo_cohort, ("fasta", "gtf"))
    config = tmp_path / "config.yaml"
    config.write_text(
        "".join(line for line in config.read_text().splitlines(True) if "treatments" not in line)
    )
    result = run(tmp_path, "-n")
    assert result.returncode != 0
    assert f"{config}: required key 'treatments' is missing" in result.stderr
    assert "config/demo" not in result.stderr and "Traceback" not in result.stderr


def test_rna_cohort_without_gtf_names_the_assay(tmp_path, demo_cohort):
    subset_sheets(tmp_path, {"IMT01-R0"}, demo_cohort)
    write_config(tmp_path, demo_cohort, ("fasta", "gff3", "targets"))
    result = run(tmp_path, "-n")
    assert result.returncode != 0
    assert "key 'reference: gtf': not set, but the cohort's 1 RNA sample(s)" in result.stderr
    assert "Traceback" not in result.stderr
