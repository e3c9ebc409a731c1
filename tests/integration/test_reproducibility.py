"""Faults lose nothing and runs are reproducible, on the smallest demo patient (IMT02).

One second run in a working directory of its own serves both tests: it is killed with SIGKILL
(Snakemake and every job it started) once some jobs have finished and others are running, then
resumed exactly as README.md says ("When something goes wrong, and resuming": rerun, which
stops on the directory lock; ``snakemake --unlock``; rerun — the workflow profile sets
rerun-incomplete).
Its tables are then compared byte for byte with the session's uninterrupted demo run.
"""

import time

import pytest
from rerun_support import (
    PATIENT,
    TARGETS,
    differing,
    incomplete_outputs,
    job_reasons,
    make_workdir,
    run,
    start_and_kill,
    table_bytes,
    tables,
)


@pytest.fixture(scope="module")
def resumed(demo_results, tmp_path_factory):
    workdir = make_workdir(tmp_path_factory.mktemp("reproducibility"))
    finished, running, _ = start_and_kill(workdir)
    state = {"workdir": workdir, "finished": finished, "running": running}
    state["left_by_kill"] = {p for p in running if (workdir / p).exists()}
    state["locked"] = run(workdir, "locked", *TARGETS)
    state["unlock"] = run(workdir, "unlock", "--unlock")
    state["no_profile"] = run(workdir, "no_profile", "-n", "--workflow-profile", "none", *TARGETS)
    state["dry_run"] = run(workdir, "dry_run", "-n", *TARGETS)
    state["resume_started"] = time.time()
    state["resume"] = run(workdir, "resume", *TARGETS)
    return state


def test_kill_then_unlock_and_rerun_as_the_readme_says(resumed):
    assert resumed["finished"] >= 5 and resumed["left_by_kill"], "killed mid-run"
    locked = resumed["locked"]
    assert locked.returncode != 0
    assert "Directory cannot be locked" in locked.stderr and "--unlock" in locked.stderr
    assert resumed["unlock"].returncode == 0, resumed["unlock"].stderr[-2000:]
    # without the workflow profile (rerun-incomplete) Snakemake refuses the half-written files
    no_profile = resumed["no_profile"]
    console = no_profile.stdout + no_profile.stderr
    assert no_profile.returncode != 0 and "IncompleteFilesException" in console
    assert "--rerun-incomplete" in console and sorted(resumed["left_by_kill"])[0] in console
    resume = resumed["resume"]
    assert resume.returncode == 0, resume.stderr[-4000:]
    assert "steps (100%) done" in resume.stderr


def test_no_output_of_a_killed_job_survives_as_complete(resumed):
    """Every output the killed jobs had begun is flagged incomplete and redone by the resumed
    run (the dry run after unlocking lists its job, forced although the file is on disk), and
    no marker is left."""
    workdir = resumed["workdir"]
    dry = resumed["dry_run"].stdout + resumed["dry_run"].stderr
    for path in resumed["running"]:
        assert path in dry, f"{path} of a killed job is not redone"
    reasons = job_reasons(dry)
    for path in resumed["left_by_kill"]:  # on disk, yet redone: rerun-incomplete forces it
        assert reasons[path] in ("Forced execution", f"Incomplete output files: {path}"), path
    assert not incomplete_outputs(workdir)
    log = resumed["resume"].stderr
    for path in resumed["left_by_kill"]:
        assert path in log, f"{path}, left by a killed job, was kept as if complete"
        redone = workdir / path
        # lstat: prepare_reference links the FASTA and its index in place, and a redone link
        # is new while the file it points to is not
        assert not redone.exists() or redone.lstat().st_mtime >= resumed["resume_started"]


def test_second_run_tables_are_byte_identical(resumed, demo_results):
    """The patient's variant, CNV, fusion, identity and timeline tables and the cohort's expression
    tables equal the session's demo run's, byte for byte, after removing the VCF headers'
    bcftools command lines (their date: the one run-dependent field left)."""
    ours = resumed["workdir"] / "results"
    names = tables(ours, only=tables(demo_results))
    kinds = {n.split("/")[0] for n in names}
    assert {"variants", "cnv", "fusions", "expression", "timeline", "qc"} <= kinds
    assert all(f"{t.removeprefix('results/')}" in names for t in TARGETS)
    assert len(names) >= 25
    assert differing(ours, demo_results, names) == []
    assert b"Date=" not in table_bytes(ours / f"variants/{PATIENT}.variants.vcf.gz")
