"""A second run of the smallest demo patient in a working directory of its own, killed with
SIGKILL half-way and resumed as the README says; the tables of two runs, compared as bytes.

Used by tests/integration/test_reproducibility.py. The working directory links ``config`` and
``resources`` of the repository, so the default configuration runs unchanged there (the demo
sheets, the demo reference); only IMT02's tables (and the cohort's expression tables they
depend on) are asked for.
"""

import base64
import gzip
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

from helpers import REPO

PATIENT = "IMT02"  # the smallest demo patient by reads (19 MB of FASTQ; NB01 53 MB)
TARGETS = [
    f"results/variants/{PATIENT}.variants.tsv",
    f"results/cnv/{PATIENT}.genes.tsv",
    f"results/fusions/{PATIENT}.fusions.tsv",
    f"results/fusions/{PATIENT}.kinase_imbalance.tsv",
    f"results/expression/{PATIENT}.contrasts.tsv",
    f"results/timeline/{PATIENT}.events.tsv",
    f"results/qc/identity/{PATIENT}.identity.tsv",
]
TABLE_SUFFIXES = (".tsv", ".cnr", ".cns", ".vcf.gz")
# Run-dependent fields left in the tables: bcftools writes its command line with the date into
# VCF headers (##bcftools/csqCommand=...; Date=..., ##bcftools_normCommand=...), freebayes the
# day (##fileDate=) into the candidates' header, the genotyper the workflow's version (a rerun
# under another commit says so).
RUN_DEPENDENT = re.compile(
    rb"^(##bcftools[_/]\w+Command=|##fileDate=|##resistance-timelineVersion=).*$", re.MULTILINE
)
# freebayes' QUAL is not reproducible from run to run on the same inputs (freebayes#728; seen
# here at QUAL ~1e-13: 8.49816e-14 against 8.47403e-14, every other field equal). Nothing
# downstream reads it (the genotyper decides from read counts), so the candidates' QUAL
# column is left out of the comparison; every later table is compared whole.
CANDIDATE_QUAL = re.compile(
    rb"^((?:[^#\t][^\t]*)\t[^\t]+\t[^\t]+\t[^\t]+\t[^\t]+\t)[^\t]+", re.MULTILINE
)


def snakemake_command(workdir: Path, *args):
    return [
        sys.executable,
        *("-m", "snakemake", "--snakefile", str(REPO / "Snakefile")),
        *("--directory", str(workdir), "--cores", "2", *args),
    ]


def make_workdir(root: Path) -> Path:
    """An empty working directory that sees the repository's config/ and resources/."""
    workdir = root / "run"
    workdir.mkdir()
    for name in ("config", "resources"):
        (workdir / name).symlink_to(REPO / name)
    return workdir


def run(workdir: Path, name, *args, timeout=1800):
    """One snakemake call (the way a user types it, in ``workdir``); its console output is
    also kept in ``workdir/<name>.log``."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    cmd = snakemake_command(workdir, *args)
    result = subprocess.run(
        cmd, cwd=workdir, capture_output=True, text=True, timeout=timeout, env=env
    )
    (workdir / f"{name}.log").write_text(result.stdout + result.stderr)
    return result


def incomplete_outputs(workdir: Path) -> list[str]:
    """Outputs Snakemake has marked as being written (.snakemake/incomplete/<base64 path>)."""
    folder = workdir / ".snakemake" / "incomplete"
    if not folder.exists():
        return []
    paths = []
    for marker in folder.rglob("*"):
        if marker.is_file() and marker.name != "migration_underway":
            parts = marker.relative_to(folder).parts  # long names are split into @-parts
            encoded = "".join(p.removeprefix("@") for p in parts)
            paths.append(base64.urlsafe_b64decode(encoded).decode())
    return sorted(paths)


def start_and_kill(workdir: Path, min_finished=5, timeout=1200):
    """Start a run, wait until ``min_finished`` jobs have finished while others are running
    and at least one of them has begun writing its output (a half-written file that would
    look finished), then SIGKILL Snakemake and every process it started. Returns (finished
    jobs, outputs of the jobs that were running, the run's log)."""
    log = workdir / "killed_run.log"
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    with open(log, "w") as handle:
        proc = subprocess.Popen(
            snakemake_command(workdir, *TARGETS),
            cwd=workdir,
            stdout=handle,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    deadline = time.monotonic() + timeout
    snakemake = psutil.Process(proc.pid)
    try:
        while True:
            assert proc.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline, "the run did not get far enough in time"
            if ready_to_kill(workdir, log, min_finished):
                # Snakemake itself is stopped while the state is read again: a job that ends
                # between the look and the kill would otherwise take its incomplete marker
                # with it (Snakemake removes the marker), leaving no half-written file.
                snakemake.suspend()
                if ready_to_kill(workdir, log, min_finished):
                    break
                snakemake.resume()
            time.sleep(0.2)
    finally:
        kill_tree(proc.pid)
    proc.wait(timeout=60)
    text = log.read_text()
    return text.count("Finished jobid"), incomplete_outputs(workdir), text


def ready_to_kill(workdir: Path, log: Path, min_finished: int) -> bool:
    """Enough jobs have finished, and a running job's output is already on disk."""
    finished = log.read_text().count("Finished jobid")
    running = incomplete_outputs(workdir)
    return finished >= min_finished and any((workdir / p).exists() for p in running)


def kill_tree(pid):
    """SIGKILL a process and all its descendants (children first collected, then killed
    together, as a node failure or the OOM killer would)."""
    try:
        parent = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return
    procs = [parent, *parent.children(recursive=True)]
    for p in procs:
        try:
            p.send_signal(signal.SIGKILL)
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(procs, timeout=30)


def tables(results: Path, only=None) -> list[str]:
    """Result tables under ``results`` (paths relative to it), or those of ``only`` present."""
    found = sorted(
        str(p.relative_to(results))
        for p in results.rglob("*")
        if p.is_file() and p.name.endswith(TABLE_SUFFIXES)
    )
    return [f for f in found if only is None or f in only]


def table_bytes(path: Path) -> bytes:
    """A table's bytes, decompressed for .gz, with RUN_DEPENDENT lines removed (and the
    freebayes candidates' QUAL column, CANDIDATE_QUAL)."""
    data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    if path.name == "candidates.vcf.gz":
        data = CANDIDATE_QUAL.sub(rb"\1.", data)
    return RUN_DEPENDENT.sub(b"", data)


def differing(ours: Path, theirs: Path, names) -> list[str]:
    """Names of the tables whose bytes differ between two results folders."""
    return [n for n in names if table_bytes(ours / n) != table_bytes(theirs / n)]


def job_reasons(console: str) -> dict[str, str]:
    """Output path -> the "reason:" Snakemake printed for the job that makes it."""
    reasons, outputs = {}, []
    for line in console.splitlines():
        line = line.strip()
        if line.startswith("output:"):
            outputs = [p.strip() for p in line.removeprefix("output:").split(",")]
        elif line.startswith("reason:"):
            reasons.update(dict.fromkeys(outputs, line.removeprefix("reason:").strip()))
            outputs = []
    return reasons
