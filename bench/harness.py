"""Shared pieces of the benchmarks: the machine they ran on, a child process timed with
/usr/bin/time (wall, CPU and peak memory), and the sections of bench/RESULTS.md.

The machine is shared (other jobs run beside the benchmarks), so wall times move with its
load; every figure is therefore also given as CPU time (user + system of the child), and the
goals are ratios of two things measured side by side in one run."""

import datetime
import os
import platform
import re
import shlex
import statistics
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"
TIME = "/usr/bin/time"


@dataclass
class Run:
    """One timed child: wall and CPU seconds, peak resident memory (MB), its stdout."""

    wall: float
    cpu: float
    peak_mb: float
    stdout: str


def timed(cmd, cwd=None, env=None, check=True):
    """Run ``cmd`` (a list) under /usr/bin/time; a Run, or raise with its stderr's tail."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        full = [TIME, "-f", "%e %U %S %M", "-o", report.name, *map(str, cmd)]
        done = subprocess.run(full, cwd=cwd, env=env, capture_output=True, text=True)
        if check and done.returncode:
            tail = "\n".join(done.stderr.splitlines()[-20:])
            raise RuntimeError(f"failed ({done.returncode}): {shlex.join(full)}\n{tail}")
        wall, user, system, peak_kb = report.read().split()[-4:]
    return Run(float(wall), float(user) + float(system), int(peak_kb) / 1024, done.stdout)


def median_run(runs):
    """The medians of several Runs of one command (stdout of the last)."""
    return Run(
        statistics.median(r.wall for r in runs),
        statistics.median(r.cpu for r in runs),
        statistics.median(r.peak_mb for r in runs),
        runs[-1].stdout,
    )


def snakemake_version():
    """The version the benchmarks' snakemake reports."""
    done = subprocess.run(["snakemake", "--version"], capture_output=True, text=True)
    return done.stdout.strip() or "unknown"


def machine():
    """One line: CPU model and count, memory (from /proc), kernel, load, date (UTC)."""
    model, cores = "unknown CPU", os.cpu_count()
    with open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as handle:
        total_kb = int(handle.readline().split()[1])
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"{now}; {cores} × {model}, {total_kb / 2**20:.1f} GB RAM, Linux "
        f"{platform.release()}, Python {platform.python_version()}, snakemake "
        f"{snakemake_version()}; load average {load} (other jobs share the machine)"
    )


# the order of RESULTS.md's sections; others (planning-1000 ...) follow the one they extend
ORDER = (
    "intro",
    "summary",
    "planning",
    "profile",
    "validation",
    "genotyper",
    "deseq2",
    "scaling",
    "cpu-efficiency",
)
SECTION = re.compile(r"<!-- begin (\S+) -->\n.*?<!-- end \1 -->", re.S)


def write_section(name, text, results=RESULTS):
    """Replace the section ``name`` of RESULTS.md (between its markers) or add it, keeping
    the sections in ORDER."""
    old = results.read_text() if results.is_file() else ""
    sections = {m.group(1): m.group(0) for m in SECTION.finditer(old)}
    sections[name] = f"<!-- begin {name} -->\n{text.strip()}\n<!-- end {name} -->"

    def rank(key):
        base = key.split("-")[0] if key not in ORDER else key
        return (ORDER.index(base) if base in ORDER else len(ORDER), key != base, key)

    results.write_text("\n\n".join(sections[k] for k in sorted(sections, key=rank)) + "\n")


def table(header, rows):
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
