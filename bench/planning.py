"""Planning scale (issue 17, item 1): ``snakemake -n --quiet`` of this workflow on synthetic
cohorts of 20, 200 and 1,000 patients against a two-rule floor Snakefile with the same number
of jobs, side by side in one run; and the parse a cluster job pays (one job in remote mode).

Every size runs first once from a fresh working directory (the sheets' file checks read every
FASTQ then, and remember what they found); the timed repeats after it are interleaved
(workflow, floor, baseline), so load from other jobs hits all alike. Ratios are of CPU time
(user + system), which the machine's other jobs disturb far less than wall time."""

import json
import os
import pstats
import re
import shutil
import subprocess
import sys
from pathlib import Path

from cohorts import write_cohort, write_floor, write_matched_floor
from harness import ROOT, median_run, table, timed

SIZES, QUICK_SIZES = (20, 200, 1000), (20, 200)
# the job a cluster job runs for patient 1 (its inputs, the raw FASTQs, exist)
JOB_RULE, JOB_WILDCARDS = "trim_reads", "patient=P0001,sample=P0001-N,unit=L1"


def workflow_cmd(snakefile, cohort, extra=()):
    """The dry-run of ``snakefile`` on a cohort folder (working directory cohort/run)."""
    return [
        "snakemake",
        "-s",
        snakefile,
        "-d",
        cohort / "run",
        "--configfile",
        cohort / "config.yaml",
        "-n",
        "--quiet",
        "rules",
        *extra,
    ]


def floor_cmd(floor, workdir, jobs, extra=()):
    """The dry-run of the floor Snakefile with ``jobs`` jobs."""
    return [
        "snakemake",
        "-s",
        floor,
        "-d",
        workdir / "floor-run",
        "--config",
        f"jobs={jobs}",
        "-n",
        "--quiet",
        "rules",
        *extra,
    ]


def matched_floor_cmd(floor, workdir, jobs):
    """The dry-run of the matched floor: ``jobs`` jobs of about this workflow's files per job
    (10: inputs, outputs, log, benchmark; cohorts.MATCHED_FLOOR)."""
    return [
        "snakemake",
        "-s",
        floor,
        "-d",
        workdir / "floor-matched-run",
        "--config",
        f"jobs={jobs}",
        "inputs=10",
        "outputs=3",
        "-n",
        "--quiet",
        "rules",
    ]


def remote_job(rule, wildcards):
    """The arguments Snakemake gives a job it submits to a cluster (remote mode)."""
    return ["--target-jobs", f"{rule}:{wildcards}", "--allowed-rules", rule, "--mode", "remote"]


def job_count(stdout):
    """The 'total' of the dry-run's job table."""
    found = re.search(r"^total\s+(\d+)", stdout, re.M)
    if not found:
        raise RuntimeError(f"no job count in the dry-run's output:\n{stdout[-2000:]}")
    return int(found.group(1))


def baseline_checkout(rev, workdir):
    """The workflow as of git revision ``rev``, unpacked under workdir (its Snakefile)."""
    target = workdir / f"baseline-{rev}"
    if not (target / "Snakefile").is_file():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "-C", ROOT, "archive", rev], check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", target], input=archive, check=True)
    return target / "Snakefile"


def fresh_run(cohort):
    """Forget what earlier runs left in the cohort's working directory."""
    shutil.rmtree(cohort / "run", ignore_errors=True)


def measure(workdir, sizes, repeats, baseline=None, on_size=None, first_run=True):
    """Time every size; returns a dict of results (see report). ``on_size(result)`` is
    called after each size with the results so far (to write them as they come)."""
    snakefile = ROOT / "Snakefile"
    floor, matched = write_floor(workdir), write_matched_floor(workdir)
    variants = {"workflow": snakefile}
    if baseline:
        variants[f"baseline {baseline}"] = baseline_checkout(baseline, workdir)
    out = {"sizes": [], "variants": list(variants)}
    for n in sizes:
        cohort = workdir / f"cohort{n}"
        print(f"planning: {n} patients ({cohort})", file=sys.stderr)
        write_cohort(cohort, n)
        fresh_run(cohort)
        # the first run reads every FASTQ (file checks) and remembers it for the later runs;
        # without it the timed run below is that first run (cheaper on a loaded machine)
        first = timed(workflow_cmd(snakefile, cohort)) if first_run else None
        runs = {name: [] for name in [*variants, "floor", "matched floor"]}
        if not first:  # the first timed repeat of the workflow
            runs["workflow"].append(timed(workflow_cmd(snakefile, cohort)))
        jobs = job_count((first or runs["workflow"][0]).stdout)
        job_runs = {name: [] for name in [*variants, "floor"]}
        for repeat in range(repeats):
            for name, path in variants.items():
                if len(runs[name]) <= repeat:
                    runs[name].append(timed(workflow_cmd(path, cohort)))
            runs["floor"].append(timed(floor_cmd(floor, workdir, jobs)))
            runs["matched floor"].append(timed(matched_floor_cmd(matched, workdir, jobs)))
            for name, path in variants.items():
                extra = remote_job(JOB_RULE, JOB_WILDCARDS)
                job_runs[name].append(timed(workflow_cmd(path, cohort, extra)))
            job_runs["floor"].append(
                timed(floor_cmd(floor, workdir, jobs, remote_job("make", "i=0")))
            )
        for name in variants:
            counted = job_count(runs[name][-1].stdout)
            if counted != jobs:
                raise RuntimeError(f"{name}: {counted} jobs, the workflow {jobs}")
        out["sizes"].append(
            {
                "patients": n,
                "samples": 8 * n,
                "jobs": jobs,
                "first": first,
                "runs": {k: median_run(v) for k, v in runs.items()},
                "job": {k: median_run(v) for k, v in job_runs.items()},
            }
        )
        if on_size:
            on_size(out)
    return out


def profile(workdir, patients=200, top=12):
    """cProfile of the dry-run at ``patients`` patients: the workflow's own functions (rules/,
    scripts/) by cumulative time, and the whole run's time."""
    cohort = workdir / f"cohort{patients}"
    write_cohort(cohort, patients)
    stats_path = workdir / f"planning{patients}.prof"
    cmd = [str(c) for c in workflow_cmd(ROOT / "Snakefile", cohort)]
    snakemake = shutil.which("snakemake")
    subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", stats_path, snakemake, *cmd[1:]],
        check=True,
        capture_output=True,
    )
    stats = pstats.Stats(str(stats_path))
    total = max(v[3] for v in stats.stats.values())
    own = []
    for (path, line, name), (_, calls, _, cum, _) in stats.stats.items():
        if path.startswith(str(ROOT)) and "/.venv/" not in path and name != "<module>":
            own.append((cum, calls, f"{Path(path).relative_to(ROOT)}:{line}({name})"))
    own.sort(reverse=True)
    return total, own[:top]


def cell(run):
    """CPU s, wall s and peak MB of a Run in one table cell."""
    return f"{run.cpu:.1f} / {run.wall:.1f} / {run.peak_mb:.0f}"


def report(result):
    """The Markdown section of RESULTS.md."""
    variants = result["variants"]
    names = [*variants, "floor", "matched floor"]
    header = ["patients", "samples", "jobs", "first run (file checks)"]
    header += [f"{name}: CPU s / wall s / peak MB" for name in names]
    header += [f"{v} / floor (CPU)" for v in variants]
    header += ["workflow / floor (wall)", "workflow / matched floor (CPU)", "workflow CPU ms/job"]
    rows = []
    for s in result["sizes"]:
        r, w = s["runs"], s["runs"]["workflow"]
        first = cell(s["first"]) if s["first"] else "— (the timed run is the first)"
        row = [s["patients"], f"{s['samples']:,}", f"{s['jobs']:,}", first]
        row += [cell(r[name]) for name in names]
        row += [f"**{r[v].cpu / r['floor'].cpu:.2f}×**" for v in variants]
        row += [f"{w.wall / r['floor'].wall:.2f}×", f"{w.cpu / r['matched floor'].cpu:.2f}×"]
        row += [f"{1000 * w.cpu / s['jobs']:.2f}"]
        rows.append(row)
    job_header = ["patients"]
    job_header += [f"{name}: CPU s / wall s / peak MB" for name in [*variants, "floor"]]
    job_header += [f"{v} / floor (CPU)" for v in variants]
    job_rows = []
    for s in result["sizes"]:
        j = s["job"]
        row = [s["patients"]]
        row += [cell(j[name]) for name in [*variants, "floor"]]
        row += [f"{j[v].cpu / j['floor'].cpu:.2f}×" for v in variants]
        job_rows.append(row)
    text = [
        table(header, rows),
        "",
        "Parse of one cluster job (`--target-jobs "
        f"{JOB_RULE}:{JOB_WILDCARDS} --allowed-rules {JOB_RULE} --mode remote -n`; the "
        "floor: `--target-jobs make:i=0`):",
        "",
        table(job_header, job_rows),
    ]
    return "\n".join(text)


def validation_row(cohort, n):
    """In a child process (the package on PYTHONPATH): CPU seconds of load_sheets on one
    cohort with the file checks and nothing remembered (a first run), with the facts
    remembered (every later run), without file checks, as a cluster job reads them (neither
    file checks nor validation: ``validate=False``), and of the Cohort index built from the
    sheets."""
    import time

    import yaml

    from resistance_timeline.setup.cohort import Cohort
    from resistance_timeline.setup.config import load_config
    from resistance_timeline.setup.sheets import load_sheets

    config = yaml.safe_load((cohort / "config.yaml").read_text())
    load_config(config, [str(cohort / "config.yaml")], None)
    store = cohort / "validation-facts.json"
    store.unlink(missing_ok=True)
    row = [n, f"{8 * n:,}"]
    for check, facts, validate in (
        (True, store, True),
        (True, store, True),
        (False, None, True),
        (False, None, False),
    ):
        start = time.process_time()
        sheets = load_sheets(
            config, ROOT / "config" / "schemas", check, facts and str(facts), validate=validate
        )
        row.append(f"{time.process_time() - start:.2f}")
    start = time.process_time()
    Cohort(sheets)
    row.append(f"{time.process_time() - start:.3f}")
    return row


def validation(workdir, sizes):
    """The sheets' validation and the Cohort index at each size (validation_row)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "scripts"))
    rows = []
    for n in sizes:
        cohort = workdir / f"cohort{n}"
        write_cohort(cohort, n)
        child = timed([sys.executable, __file__, "--validation", cohort, n], env=env)
        rows.append(json.loads(child.stdout))
    header = [
        "patients",
        "samples",
        "CPU s: file checks, first run",
        "file checks, remembered",
        "no file checks",
        "a cluster job (no file checks, no validation)",
        "Cohort index",
    ]
    return table(header, rows)


if __name__ == "__main__" and sys.argv[1:2] == ["--validation"]:
    print(json.dumps(validation_row(Path(sys.argv[2]), int(sys.argv[3]))))
