"""Reuse as a Snakemake module, as README.md shows a lab doing it: the lab's own Snakefile,
config and sample sheets in a folder of its own, the workflow imported with `module`, its
rules renamed with a prefix (rt_*), one of its outputs feeding a rule of the lab. From a local
clone, dry-run; from a git source with a tag, as snakedeploy writes it (`github(...)`, served
offline from a bare clone put in Snakemake's source cache), run to the end."""

import gzip
import os
import shutil
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
    # NB01's DNA arm, every imported rule renamed, the lab's rule on top
    assert jobs["list_somatic_genes"] == "1" and jobs["all"] == "1"
    # NB01's 6 WES units and the other patients' normals (the panel of normals piles them up)
    assert jobs["rt_align_reads"] == "8" and jobs["rt_tabulate_variants"] == "1"
    assert jobs["rt_pileup_panel_of_normals"] == "2" and jobs["rt_build_panel_of_normals"] == "1"
    assert all(name.startswith("rt_") for name in set(jobs) - {"all", "list_somatic_genes"})
    assert "rt_align_rna" not in jobs  # only what the lab's target needs
    # the lab's own sheets are the ones read, and outputs land in the lab's folder
    assert "results/align/NB01/NB01-T0.bam" in out and str(REPO / "results") not in out


PREFIXED_SNAKEFILE = """\
configfile: "config/config.yaml"


module resistance_timeline:
    snakefile:
        github("rt-lab/resistance-timeline", path="workflow/Snakefile", tag="@TAG@")
    config:
        config["resistance_timeline"]
    prefix:
        "rt"


use rule * from resistance_timeline as rt_*


rule all:
    default_target: True
    input:
        rules.rt_all.input,
        "results/lab/NB01.somatic_genes.txt",


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
SAMPLES = ("NB01-N", "NB01-P2", "NB01-R0", "NB01-R2")  # the smallest patient, fewer samples
TAG = "v0.0.0-test"


def git(*args, cwd):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def source_cache_with_release(cache):
    """Snakemake's source cache (under XDG_CACHE_HOME ``cache``) holding a bare clone of
    github.com/rt-lab/resistance-timeline whose tag TAG is this working tree's files (tracked
    and new, not the ignored ones): github() then reads it as a fetched repository, offline."""
    source = cache.parent / "release"
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split("\0")
    for name in filter(None, listed):
        if (REPO / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, source / name)
    git("init", "-q", cwd=source)
    git("add", "-A", cwd=source)
    git("-c", "user.name=lab", "-c", "user.email=lab@example.org", "commit", "-qm", "r", cwd=source)
    git("tag", TAG, cwd=source)
    hosted = cache / "snakemake/snakemake/source-cache/snakemake-git-cache/github.com/rt-lab"
    hosted.mkdir(parents=True)
    git("clone", "-q", "--bare", str(source), "resistance-timeline", cwd=hosted)


def prefixed_project(root):
    """A lab folder with its own sheets (NB01's normal, relapse cfDNA and two RNA samples),
    reads and reference inside it by relative paths, importing the whole workflow under
    ``prefix: "rt"`` with its ``all`` and one rule of the lab on top."""
    demo = REPO / "resources" / "demo" / "cohort"
    for folder in ("config", "reads", "ref"):
        (root / folder).mkdir()
    for name in ("genome.fa", "annotation.gff3", "annotation.gtf", "targets.bed"):
        shutil.copy2(demo / "reference" / name, root / "ref" / name)
    rows = (REPO / "config" / "demo" / "samples.tsv").read_text().splitlines()
    keep = [rows[0]] + [r for r in rows[1:] if r.split("\t")[1] in SAMPLES]
    (root / "config" / "samples.tsv").write_text("\n".join(keep) + "\n")
    rows = (REPO / "config" / "demo" / "treatments.tsv").read_text().splitlines()
    keep = [rows[0]] + [r for r in rows[1:] if r.startswith("NB01\t")]
    (root / "config" / "treatments.tsv").write_text("\n".join(keep) + "\n")
    units = ["sample_id\tunit_id\tfq1\tfq2\tbam"]
    for sample in SAMPLES:
        mates = [f"{sample}.L1.R{m}.fastq.gz" for m in (1, 2)]
        for mate in mates:
            shutil.copy2(demo / "reads" / mate, root / "reads" / mate)
        units.append(f"{sample}\tL1\t../reads/{mates[0]}\t../reads/{mates[1]}\t")
    (root / "config" / "units.tsv").write_text("\n".join(units) + "\n")
    settings = {
        **{sheet: f"config/{sheet}.tsv" for sheet in ("samples", "units", "treatments")},
        "reference": {
            "fasta": "ref/genome.fa",
            "gff3": "ref/annotation.gff3",
            "gtf": "ref/annotation.gtf",
            "targets": "ref/targets.bed",
        },
        "calling": {"scatter": 2},
    }
    text = yaml.safe_dump({"resistance_timeline": settings})
    (root / "config" / "config.yaml").write_text(text)
    (root / "Snakefile").write_text(PREFIXED_SNAKEFILE.replace("@TAG@", TAG))
    return root


def test_lab_workflow_runs_the_tagged_workflow_from_git_under_a_prefix(demo_cohort, tmp_path):
    """The whole workflow run as a module from a tagged git source with ``prefix: "rt"``: the
    rules and rule scripts come from Snakemake's source cache, the package, schemas and shipped
    tables from a checkout of the tag's commit in the lab's .snakemake/ (nothing is read from
    this clone: no PYTHONPATH is given); every output, log and benchmark lands under rt/
    exactly once (input functions keep Snakemake's mark of a prefixed path; the lab's reads,
    sheets and reference, and the shipped knowledge, are never prefixed), and the lab's rule
    reads rules.rt_tabulate_variants' output."""
    (tmp_path / "lab").mkdir()
    root = prefixed_project(tmp_path / "lab")
    source_cache_with_release(tmp_path / "cache")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    cmd = [sys.executable, "-m", "snakemake", "--cores", "2"]
    result = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=1800)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-4000:]
    assert not any(f"{REPO / folder}/" in out for folder in ("scripts", "config", "resources"))
    checkouts = list((root / ".snakemake" / "resistance-timeline" / "source").iterdir())
    assert len(checkouts) == 1
    assert sorted(p.name for p in checkouts[0].iterdir()) == [
        *("CITATION.cff", "config", "envs", "resources", "scripts"),
    ]
    # the version recorded: the tag the lab named and its commit
    version = f"{TAG} ({checkouts[0].name[:12]})"
    rows = (root / "rt" / "results" / "versions.tsv").read_text().splitlines()
    assert rows[1].split("\t")[:3] == ["resistance-timeline", "workflow", version]
    vcf = gzip.open(root / "rt" / "results" / "variants" / "NB01.variants.vcf.gz", "rt").read()
    assert f"##resistance-timelineVersion={version}\n" in vcf
    assert "KeyError" not in out  # 'cohort' is no patient of the per-patient rules
    assert "localrules directive" not in out  # local rules keep being local when renamed
    assert sorted(p.name for p in root.iterdir() if p.name != ".snakemake") == [
        *("Snakefile", "config", "logs", "reads", "ref", "results", "rt"),
    ]
    assert [p.name for p in (root / "results").iterdir()] == ["lab"]
    assert [p.name for p in (root / "logs").iterdir()] == ["list_somatic_genes"]
    assert sorted(p.name for p in (root / "rt").iterdir()) == ["benchmarks", "logs", "results"]
    assert not list((root / "rt").rglob("rt"))  # never rt/rt/...
    for path in (
        "results/variants/NB01.variants.tsv",
        "results/cnv/NB01.genes.tsv",
        "results/expression/counts.tsv",
        "results/timeline/NB01.events.tsv",
        "results/cbioportal/meta_study.txt",
        "results/qc/multiqc/multiqc_report.html",
        "logs/build_timeline/NB01.log",
        "benchmarks/build_timeline/NB01.tsv",
    ):
        assert (root / "rt" / path).is_file(), path
    genes = (root / "results" / "lab" / "NB01.somatic_genes.txt").read_text().split()
    assert "NRAS" in genes  # Q61K in the relapse cfDNA
    again = subprocess.run([*cmd, "-n"], cwd=root, env=env, capture_output=True, text=True)
    assert "Nothing to be done" in again.stdout + again.stderr
