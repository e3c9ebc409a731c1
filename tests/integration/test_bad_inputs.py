"""Bad inputs as a user meets them on the command line: errors only the data can show stop
that unit's job with the reason in its log while --keep-going finishes the others; hostile
file names in units.tsv reach the tools quoted and run nothing; outputs stay under the
working directory; the jobs run without network (where ``unshare -n`` can take it away)."""

import gzip
import json
import shutil
import subprocess
import sys

import pytest
from setup_support import bad_input

from helpers import REPO

HOSTILE = "we ird'dir $(touch pwned) `touch pwned2`"


def offline(*args, cwd, timeout=600):
    """Snakemake on the project, in a network namespace without network when ``unshare -n``
    works here (root or user namespaces), else as is."""
    cmd = [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile"), *args]
    probe = shutil.which("unshare") and subprocess.run(["unshare", "-n", "true"]).returncode == 0
    prefix = ["unshare", "-n"] if probe else []
    return subprocess.run(
        prefix + cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )


def add_patient(project, patient):
    """A second patient with a normal and a tumour, each one FASTQ unit of 4 pairs."""
    samples = f"{patient}\t{patient}-N\twes\tnormal\t0\tblood\t\n"
    samples += f"{patient}\t{patient}-T0\twes\ttumor\t0\tdiagnosis\t0.5\n"
    units = ""
    for sample in (f"{patient}-N", f"{patient}-T0"):
        units += f"{sample}\tL1\treads/{sample}.R1.fastq.gz\treads/{sample}.R2.fastq.gz\t\n"
        for mate in ("R1", "R2"):
            project.fastq(f"reads/{sample}.{mate}.fastq.gz")
    project.write("samples.tsv", (project.root / "samples.tsv").read_text() + samples)
    project.write("units.tsv", (project.root / "units.tsv").read_text() + units)


def fastp_json(patient, sample):
    return f"results/qc/fastp/{patient}/{sample}.L1.fastp.json"


@bad_input("keep-going-other-patients-finish")
def test_data_error_fails_its_job_and_keep_going_finishes_the_other_patient(project):
    add_patient(project, "P2")
    with gzip.open(project.root / "reads" / "P2-T0.R2.fastq.gz", "wt") as handle:
        for i in (0, 1, 3, 2):  # mates out of step from the third read on
            handle.write(f"@r{i}\n{'ACGT' * 10}\n+\n{'I' * 40}\n")
    targets = [fastp_json("P1", "P1-N"), fastp_json("P2", "P2-N"), fastp_json("P2", "P2-T0")]
    config = str(project.root / "config.yaml")
    result = offline(
        "--configfile", config, "--cores", "2", "--keep-going", *targets, cwd=project.root
    )
    assert result.returncode != 0
    log = (project.root / "logs/check_read_pairs/P2/P2-T0.L1.log").read_text()
    r1, r2 = (project.root / f"reads/P2-T0.{m}.fastq.gz" for m in ("R1", "R2"))
    assert log.startswith(
        f"ERROR: unit L1 of sample P2-T0: read 3 (line 9) is 'r2' in {r1} but 'r3' in {r2}: "
        "the files are not mates of one another"
    )
    assert "read 3 (line 9) is 'r2'" in result.stderr  # the reason on the console too
    assert not (project.root / fastp_json("P2", "P2-T0")).exists()
    assert not (project.root / "results/qc/reads/P2/P2-T0.L1.pairs.tsv").exists()
    for target in targets[:2]:  # the other units, of both patients, were trimmed: 4 pairs each
        report = json.loads((project.root / target).read_text())
        assert report["summary"]["before_filtering"]["total_reads"] == 8, target


def hostile_project(project):
    """The project with its FASTQs, one BAM unit and the reference moved into a folder whose
    name holds a space, quotes, $(...) and backticks."""
    pysam = pytest.importorskip("pysam")
    folder = project.root / HOSTILE
    folder.mkdir()
    for name in ("P1-N.R1.fastq.gz", "P1-N.R2.fastq.gz"):
        (project.root / "reads" / name).rename(folder / name)
    project.edit("units.tsv", "\treads/P1-N.", f"\t{HOSTILE}/P1-N.")
    header = {"HD": {"VN": "1.6"}, "SQ": [{"SN": "chr1", "LN": 200}, {"SN": "chr2", "LN": 200}]}
    with pysam.AlignmentFile(str(folder / "P1-T0.bam"), "wb", header=header) as bam:
        for i in range(3):
            for flag, pos in ((99, 10), (147, 60)):
                read = pysam.AlignedSegment(bam.header)
                read.query_name, read.flag, read.reference_id = f"f{i}", flag, 0
                read.reference_start, read.mapping_quality = pos, 60
                read.cigarstring, read.query_sequence = "40M", "ACGT" * 10
                read.query_qualities = [30] * 40
                read.next_reference_id, read.next_reference_start = 0, 70 - pos
                read.template_length = 90 if flag == 99 else -90
                bam.write(read)
    fastqs = "reads/P1-T0.R1.fastq.gz\treads/P1-T0.R2.fastq.gz\t"
    project.edit("units.tsv", fastqs, f"\t\t{HOSTILE}/P1-T0.bam")
    for name in ("genome.fa", "targets.bed"):
        (project.root / "ref" / name).rename(folder / name)
        project.edit("config.yaml", f"/ref/{name}", f"/{HOSTILE}/{name}")
    project.edit("config.yaml", "fasta: ", 'fasta: "')
    project.edit("config.yaml", "genome.fa\n", 'genome.fa"\n')
    project.edit("config.yaml", "targets: ", 'targets: "')
    project.edit("config.yaml", "targets.bed\n", 'targets.bed"\n')


@bad_input("hostile-file-names")
def test_hostile_paths_reach_the_tools_quoted_and_run_nothing(project):
    hostile_project(project)
    targets = [
        fastp_json("P1", "P1-N"),  # check_read_pairs, trim_reads: FASTQs in the folder
        "results/align/P1/P1-T0.L1.imported.bam",  # prepare_reference, import_dna_bam
        "results/reference/targets.bed",  # prepare_targets
    ]
    config = str(project.root / "config.yaml")
    result = offline("--configfile", config, "--cores", "2", *targets, cwd=project.root)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((project.root / targets[0]).read_text())
    assert report["summary"]["before_filtering"]["total_reads"] == 8
    pysam = pytest.importorskip("pysam")
    with pysam.AlignmentFile(str(project.root / targets[1])) as bam:
        reads = list(bam)
    assert len(reads) == 6 and {r.get_tag("RG") for r in reads} == {"P1-T0.L1"}
    bed = (project.root / targets[2]).read_text().splitlines()
    assert bed == ["chr1\t10\t100\tGENEA", "chr2\t20\t80\tGENEB"]
    for name in ("pwned", "pwned2"):  # nothing in the path was executed, anywhere
        assert not list(project.root.rglob(name)) and not (REPO / name).exists(), name


def test_every_output_of_a_full_dry_run_stays_under_the_working_directory(project):
    hostile_project(project)
    config = str(project.root / "config.yaml")
    result = offline("--configfile", config, "-n", "--forceall", cwd=project.root)
    assert result.returncode == 0, result.stderr[-3000:]
    outputs = [
        path.strip()
        for line in result.stdout.splitlines()
        if line.strip().startswith(("output:", "log:", "benchmark:"))
        for path in line.split(":", 1)[1].split(",")
    ]
    assert len(outputs) > 50
    for path in outputs:
        assert not path.startswith("/") and ".." not in path.split("/"), path
        assert path.split("/")[0] in ("results", "logs", "benchmarks"), path


@bad_input("rna-without-partner")
def test_rna_sample_without_a_pre_post_partner_is_a_warning(project):
    """P1-R0 (day 0) is the pre sample of line 1, but no RNA sample follows: a warning."""
    from setup_support import SCHEMAS

    from resistance_timeline.expression.contrasts import plan_contrasts
    from resistance_timeline.setup.sheets import load_sheets

    sheets = load_sheets(project.config, SCHEMAS)
    rna = [s for s in sheets.samples if s["assay"] == "rna"]
    (warning,) = plan_contrasts(rna, sheets.treatments, "same_drug").warnings()
    assert warning.startswith("RNA sample P1-R0 fits no pre/post contrast")
    config = str(project.root / "config.yaml")
    result = offline("--configfile", config, "-n", cwd=project.root)
    assert result.returncode == 0, result.stderr[-3000:]  # a warning: the run goes ahead
    assert f"resistance-timeline: warning: {warning}" in result.stderr  # before any job


@bad_input("config-not-yaml")
def test_config_that_is_not_yaml(project):
    project.write("config.yaml", (project.root / "config.yaml").read_text() + "reads: [x\n")
    result = offline("--configfile", str(project.root / "config.yaml"), "-n", cwd=project.root)
    out = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Config file is not valid JSON or YAML" in out and "Traceback" not in out


@bad_input("knowledge-base-stops-the-run")
def test_malformed_knowledge_base_stops_the_run_before_any_job(project):
    seed = (REPO / "resources" / "resistance_markers.tsv").read_text().splitlines()
    header = next(line for line in seed if not line.startswith("#"))
    markers = project.write("markers.tsv", header + "\nALK\n")
    text = (project.root / "config.yaml").read_text()
    project.write("config.yaml", text + f"knowledge:\n  sources: [{markers}]\n")
    result = offline("--configfile", str(project.root / "config.yaml"), "-n", cwd=project.root)
    assert result.returncode != 0
    assert (
        "resistance-timeline: the knowledge base is invalid (1 problem(s)); nothing was run."
        in (result.stderr)
    )
    assert f"{markers}, line 2: 1 fields, the header has 9" in result.stderr
    assert "Traceback" not in result.stderr and not (project.root / "results").exists()


def test_every_path_wildcard_is_constrained_to_the_id_pattern():
    """Every wildcard in a rule's paths is one that the Snakefile constrains to the sheets' id
    pattern, and that pattern admits no path or shell character."""
    import re

    import yaml

    snakefile = (REPO / "workflow" / "Snakefile").read_text()
    block = snakefile[snakefile.index("wildcard_constraints:") :].split("\n\n")[0]
    constrained = dict(re.findall(r"^\s+(\w+)=(\w+),", block, re.M))
    assert constrained == {"patient": "ID_PATTERN", "sample": "ID_PATTERN", "unit": "ID_PATTERN"}
    used = set()
    for smk in (REPO / "rules").glob("*.smk"):
        for path in re.findall(r'"((?:results|logs|benchmarks)/[^"]*)"', smk.read_text()):
            used |= set(re.findall(r"{(\w+)}", path))
    # contrast: only filled in, by name; chunk: digits, constrained in the rule that uses it
    assert used - {"contrast", "chunk"} == set(constrained), used
    assert 'chunk=r"\\d+"' in (REPO / "rules" / "dna_variants.smk").read_text()
    schemas = REPO / "config" / "schemas"
    patterns = {
        yaml.safe_load((schemas / f"{sheet}.schema.yaml").read_text())["properties"][key]["pattern"]
        for sheet, key in (
            ("samples", "patient_id"),
            ("samples", "sample_id"),
            ("units", "unit_id"),
        )
    }
    (pattern,) = patterns
    for bad in ("../P1", "P1/T1", "P1 T1", "P1;x", "$(x)", "P1.T1", "P1-Tö", "-P1", "P1\n"):
        assert not re.fullmatch(pattern.strip("^$"), bad), bad
