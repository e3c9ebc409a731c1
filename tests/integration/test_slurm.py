"""The workflow on a real SLURM scheduler. A single-node cluster on localhost (Debian's munge,
slurmctld, slurmd; tests/slurm_support.py) runs the smallest demo patient's DNA arm through
the shipped profiles/slurm, filled in as a site would (partition, account): every job must
run as a SLURM job, carry the partition and account, and give the local demo run's tables.
A job that runs out of memory is retried with more. Skipped (with the reason) without root or
without the SLURM packages; `bash envs/install.sh test` installs them as root on Debian."""

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from slurm_support import SlurmCluster, site_profile, unavailable_reason

from helpers import REPO

PATIENT = "IMT02"  # the smallest demo patient by reads (19 MB of FASTQ; NB01 53 MB)
TARGETS = [
    f"results/variants/{PATIENT}.variants.tsv",
    f"results/qc/identity/{PATIENT}.identity.tsv",
]
PARTITION, ACCOUNT = "rt_ci", "rt_lab"
# no accounting daemon here: squeue as status command, early first check (MinJobAge 900 s)
TEST_SETTINGS = {
    "slurm-status-command": "squeue",
    "slurm-init-seconds-before-status-checks": 2,
    "slurm-keep-successful-logs": "true",
}
GROUPED = ("annotate_variants", "tabulate_variants")  # profiles/slurm: one job per patient
PATH_KEYS = ("samples", "units", "treatments")


@pytest.fixture(scope="module")
def cluster():
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    cluster = SlurmCluster(partition=PARTITION)
    try:
        yield cluster.start()
    finally:
        cluster.stop()


def site_test_profile(cluster, dest):
    """profiles/slurm as a site fills it in, for this cluster (threads capped to its node)."""
    settings = dict(TEST_SETTINGS, **{"max-threads": cluster.cpus})
    return site_profile(REPO / "profiles" / "slurm", dest, PARTITION, ACCOUNT, **settings)


def snakemake_on(cluster, workdir, *args, limit=900):
    """snakemake against the cluster; `timeout -k` because Snakemake answers SIGTERM by
    waiting for its running jobs."""
    cmd = ["timeout", "-k", "20", str(limit), sys.executable, "-m", "snakemake", *map(str, args)]
    return subprocess.run(
        cmd, cwd=workdir, env=cluster.env, capture_output=True, text=True, timeout=limit + 60
    )


def demo_config(dest, panel):
    """The demo configuration with its paths made absolute, for a run in another folder, with
    ``panel`` as its prebuilt panel of normals."""
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    for key in PATH_KEYS:
        config[key] = str(REPO / config[key])
    config["reference"] = {k: str(REPO / v) for k, v in config["reference"].items()}
    # the demo run's panel of normals, prebuilt: used as given (a cohort build would align
    # every patient's normal on the cluster; its rules run in the demo and scatter tests)
    config["panel_of_normals"] = {"source": str(panel)}
    dest.write_text(yaml.safe_dump(config))
    return dest


def jobs_in_log(log):
    """{snakemake job id: rule} of cluster and of local jobs, and {submission: SLURM job id}
    (a group job is submitted under its group's id)."""
    remote, local = {}, {}
    block = re.compile(r"^\s*(rule|localrule) (\w+):\n(?:.*\n)*?\s+jobid: (\d+)", re.M)
    for kind, rule, jobid in block.findall(log):
        (local if kind == "localrule" else remote)[jobid] = rule
    submitted = dict(re.findall(r"Job (\S+) has been submitted with SLURM jobid (\d+)", log))
    return remote, local, submitted


@pytest.fixture(scope="module")
def slurm_run(cluster, demo_results, tmp_path_factory):
    work = tmp_path_factory.mktemp("slurm_run")
    panel = demo_results / "reference" / "panel_of_normals.tsv.gz"
    profile = site_test_profile(cluster, work / "profile")
    result = snakemake_on(
        cluster,
        work,
        *(
            "--snakefile",
            REPO / "Snakefile",
            "--configfile",
            demo_config(work / "config.yaml", panel),
        ),
        *("--profile", profile, *TARGETS),
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-6000:] + cluster.logs()
    return work, log, cluster.jobs()


def test_every_cluster_job_ran_as_a_completed_slurm_job(slurm_run):
    _, log, slurm_jobs = slurm_run
    remote, local, submitted = jobs_in_log(log)
    assert {"align_reads", "call_candidates", "genotype_timepoints"} <= set(remote.values())
    grouped = {j for j, rule in remote.items() if rule in GROUPED}
    assert set(remote) - grouped <= set(submitted), "every other cluster job is submitted alone"
    groups = [key for key in submitted if not key.isdigit()]
    assert len(groups) == 1 and len(grouped) == len(GROUPED), (groups, grouped)
    assert len(set(submitted.values())) == len(submitted) == len(remote) - len(grouped) + 1
    for key, slurm_id in submitted.items():
        job = slurm_jobs.get(slurm_id)
        assert job and job["state"] == "COMPLETED", (key, remote.get(key), job)
    group_job = slurm_jobs[submitted[groups[0]]]
    assert all(rule in group_job["comment"] for rule in GROUPED), group_job
    # localrules run on the submitting host: no SLURM job of theirs; the identity check is a
    # cluster job (with a SNP panel it counts reads in every BAM)
    assert {"prepare_targets", "split_targets"} <= set(local.values())
    assert "check_sample_identity" in set(remote.values())
    assert not set(local) & set(submitted)


def test_profile_partition_and_account_reached_every_job(slurm_run):
    _, log, slurm_jobs = slurm_run
    _, _, submitted = jobs_in_log(log)
    for slurm_id in submitted.values():
        assert slurm_jobs[slurm_id]["partition"] == PARTITION, slurm_jobs[slurm_id]
        assert slurm_jobs[slurm_id]["account"] == ACCOUNT, slurm_jobs[slurm_id]


def test_slurm_outputs_equal_the_local_run(slurm_run, demo_results):
    """The same tables as the local demo run; the prebuilt panel of normals (the demo's own)
    is read as given: no panel job is planned."""
    work, log = slurm_run[0], slurm_run[1]
    assert "rule pileup_panel_of_normals" not in log and "rule genotype_timepoints" in log
    for target in TARGETS:
        on_slurm = pd.read_csv(work / target, sep="\t")
        local = pd.read_csv(demo_results.parent / target, sep="\t")
        assert len(on_slurm) >= 3, target  # 3 sample pairs; 228 variant rows
        pd.testing.assert_frame_equal(on_slurm, local, check_exact=True, obj=target)


HOG = """\
rule hog:
    output:
        "hog.txt",
    log:
        "hog.log",
    resources:
        mem_mb=lambda wildcards, attempt: 400 * attempt,
        runtime=5,
    shell:
        "python3 -c 'import time; block = b\\"x\\" * (500 * 2**20); time.sleep(6)'"
        " && echo {resources.mem_mb} > {output}"
"""


def test_job_out_of_memory_is_retried_with_more(cluster, tmp_path):
    """500 MB in a 400 MB job: SLURM kills its step for memory; the retry (profile: retries 1)
    asks for 800 MB, as the workflow's memory-hungry rules do (grow_with_attempt)."""
    (tmp_path / "Snakefile").write_text(HOG)
    profile = site_test_profile(cluster, tmp_path / "profile")
    result = snakemake_on(cluster, tmp_path, "--profile", profile, limit=300)
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-4000:] + cluster.logs()
    (first, first_log), (second, _) = re.findall(r"SLURM jobid (\d+) \(log: (\S+)\)\.", log)
    states = cluster.jobs()
    # without accounting the job shows FAILED; its step's end is in the job's log
    assert states[first]["state"] in ("FAILED", "OUT_OF_MEMORY"), states[first]
    assert "exceeded memory limit" in Path(first_log).read_text()
    assert states[second]["state"] == "COMPLETED", states[second]
    assert (tmp_path / "hog.txt").read_text().strip() == "800"


def test_stopped_cluster_leaves_no_config_for_later_snakemake_calls():
    """Snakemake's SLURM plugin runs `scontrol show config` on every call once sinfo is on the
    PATH; a slurm.conf left behind naming a stopped controller would cost each later call
    10 s. The cluster's config reaches only its own processes and goes with it."""
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    cluster = SlurmCluster(partition="rt_probe").start()
    conf = cluster.conf
    cluster.stop()
    assert not conf.exists() and not cluster.root.exists()
    probe = subprocess.run(["scontrol", "show", "config"], capture_output=True, text=True)
    assert probe.returncode != 0 and "configuration" in probe.stderr, probe.stderr
