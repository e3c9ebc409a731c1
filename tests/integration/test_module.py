"""Reuse as a Snakemake module, as README.md shows a lab doing it: the lab's own Snakefile,
config and sample sheets in a folder of its own, the workflow imported with `module`, its
rules renamed with a prefix (rt_*) and its `all` left out, one of its outputs feeding a rule
of the lab. The consuming workflow is dry-run (no network, nothing executed)."""

import subprocess
import sys

import yaml

from helpers import REPO

LAB_SNAKEFILE = """\
configfile: "config/config.yaml"


module resistance_timeline:
    snakefile:
        "@WORKFLOW@"
    config:
        config["resistance_timeline"]


use rule * from resistance_timeline exclude all as rt_*


rule all:
    default_target: True
    input:
        expand("results/lab/{patient}.somatic_genes.txt", patient=["NB01"]),


rule list_somatic_genes:
    input:
        rules.rt_tabulate_variants.output[0],
    output:
        "results/lab/{patient}.somatic_genes.txt",
    log:
        "logs/list_somatic_genes/{patient}.log",
    shell:
        "(awk -F'\\\\t' 'NR > 1 && /somatic/ {{print $9}}' {input} | sort -u > {output}) 2> {log}"
"""


def lab_project(root):
    """The lab's folder: Snakefile, config/config.yaml (the workflow's keys under
    resistance_timeline), and its own copies of the three sheets."""
    (root / "config").mkdir()
    for sheet in ("samples", "treatments"):
        text = (REPO / "config" / "demo" / f"{sheet}.tsv").read_text()
        (root / "config" / f"{sheet}.tsv").write_text(text)
    units = (REPO / "config" / "demo" / "units.tsv").read_text()
    reads = REPO / "resources" / "demo" / "cohort" / "reads"
    units = units.replace("../../resources/demo/cohort/reads", str(reads))
    (root / "config" / "units.tsv").write_text(units)
    settings = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    for sheet in ("samples", "units", "treatments"):
        settings[sheet] = f"config/{sheet}.tsv"
    settings["reference"] = {k: str(REPO / v) for k, v in settings["reference"].items()}
    text = yaml.safe_dump({"resistance_timeline": settings})
    (root / "config" / "config.yaml").write_text(text)
    (root / "Snakefile").write_text(LAB_SNAKEFILE.replace("@WORKFLOW@", str(REPO / "Snakefile")))
    return root


def test_lab_workflow_imports_the_workflow_as_a_module(demo_cohort, tmp_path):
    root = lab_project(tmp_path)
    cmd = [sys.executable, "-m", "snakemake", "-n", "--cores", "1"]
    result = subprocess.run(cmd, cwd=root, capture_output=True, text=True, timeout=300)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-4000:]
    table = out.split("Job stats:", 1)[1].split("\n\n", 1)[0].splitlines()[3:]
    jobs = dict(line.split() for line in table if not line.startswith("total"))
    # NB01's DNA arm only, every imported rule renamed, the lab's rule on top
    assert jobs["list_somatic_genes"] == "1" and jobs["all"] == "1"
    assert jobs["rt_align_reads"] == "6" and jobs["rt_tabulate_variants"] == "1"  # 6 WES units
    assert all(name.startswith("rt_") for name in set(jobs) - {"all", "list_somatic_genes"})
    assert "rt_align_rna" not in jobs  # only what the lab's target needs
    # the lab's own sheets are the ones read, and outputs land in the lab's folder
    assert "results/align/NB01/NB01-T0.bam" in out and str(REPO / "results") not in out
