"""Scattered candidate calling (calling.scatter): calling wall time and end-to-end CPU use.

Usage:
  python bench/scatter.py calling [--patient NB01] [--scatter 1 2 4] [--repeats 3] [--cores 2]
  python bench/scatter.py demo [--snakefile /path/to/Snakefile] [--scatter N] [--cores 2]

``calling``: candidate calling of one demo patient (split_targets, call_candidates per chunk,
normalize_candidates) on the BAMs of a finished demo run (``--results``, default results/),
linked into a fresh directory per run; prints, per scatter value, the median wall time of the
whole snakemake call and of the calling jobs' critical path (the slowest chunk + the gather,
benchmark files' wall seconds), and the CPU seconds of the slowest chunk and of all chunks
(less sensitive to a loaded machine: the slowest chunk's CPU time is the calling wall time
with one core per chunk, the sum its total cost).

``demo``: the whole workflow on the demo cohort from scratch in a fresh directory (the shipped
config/config.yaml of the Snakefile's checkout, sheet and reference paths made absolute;
``--scatter`` overrides calling.scatter, leave it out for a checkout without the key), then
the CPU efficiency: the sum of every job's cpu_time (benchmark files) / (wall time x cores),
the top five rules by wall time and every rule's peak memory (max_rss); and the efficiency
from the kernel's accounting (getrusage of the whole process tree / (wall time x cores)),
with Snakemake's own process's CPU and the jobs' CPU that no benchmark file holds.

Both print the load average before and after each run: the machine may be shared.
"""

import argparse
import csv
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
CALLING_RULES = ("split_targets", "call_candidates", "normalize_candidates")


def children_cpu():
    """User + system CPU seconds of every finished child process tree so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def load():
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


# snakemake run as ``-m snakemake`` would, writing its own process's CPU seconds (user +
# system, its jobs excluded) to main_cpu.txt when it exits
LAUNCHER = (
    "import atexit, resource, runpy\n"
    "def _own():\n"
    "    u = resource.getrusage(resource.RUSAGE_SELF)\n"
    "    open('main_cpu.txt', 'w').write(str(u.ru_utime + u.ru_stime))\n"
    "atexit.register(_own)\n"
    "runpy.run_module('snakemake', run_name='__main__', alter_sys=True)\n"
)


def snakemake(snakefile, root, cores, *args):
    """Run snakemake in ``root``; return its wall seconds (raises on failure)."""
    cmd = [sys.executable, "-c", LAUNCHER, "--snakefile", str(snakefile), "--cores"]
    cmd += [str(cores), "--configfile", str(root / "config.yaml"), *args]
    start = time.monotonic()
    done = subprocess.run(cmd, cwd=root, capture_output=True, text=True)
    wall = time.monotonic() - start
    (root / "snakemake.out").write_text(done.stdout + done.stderr)
    if done.returncode != 0:
        raise SystemExit(f"snakemake failed in {root}:\n{done.stderr[-3000:]}")
    return wall


def demo_config(snakefile, root, scatter):
    """The checkout's demo config with absolute sheet and reference paths, in ``root``."""
    checkout = Path(snakefile).resolve().parent
    config = yaml.safe_load((checkout / "config" / "config.yaml").read_text())
    for key in ("samples", "units", "treatments"):
        config[key] = str(checkout / config[key])
    for key, value in config["reference"].items():
        config["reference"][key] = str(checkout / value)
    if scatter is not None:
        config["calling"]["scatter"] = scatter
    (root / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))


def benchmarks(root):
    """{rule: [benchmark rows]} of a run (benchmarks/<rule>/...tsv)."""
    rows = defaultdict(list)
    for path in sorted((root / "benchmarks").rglob("*.tsv")):
        rule = path.relative_to(root / "benchmarks").parts[0]
        with open(path, newline="") as handle:
            rows[rule] += list(csv.DictReader(handle, delimiter="\t"))
    return rows


def link_calling_inputs(results, root, patient):
    for sub in (Path("reference"), Path("align") / patient):
        (root / "results" / sub).mkdir(parents=True)
    for name in ("genome.fa", "genome.fa.fai", "targets.bed"):
        (root / "results" / "reference" / name).symlink_to(results / "reference" / name)
    for path in sorted((results / "align" / patient).iterdir()):
        (root / "results" / "align" / patient / path.name).symlink_to(path)


def bench_calling(args):
    results = Path(args.results).resolve()
    print(
        "scatter\trepeat\tload_before\tsnakemake_s\tslowest_chunk_s\tchunks_sum_s\tgather_s"
        "\tslowest_chunk_cpu_s\tchunks_cpu_s"
    )
    summary = defaultdict(list)
    for repeat in range(args.repeats):
        for scatter in args.scatter:  # interleaved, so load drifts hit every value alike
            with tempfile.TemporaryDirectory(prefix="scatter_") as tmp:
                root = Path(tmp)
                link_calling_inputs(results, root, args.patient)
                demo_config(REPO / "Snakefile", root, scatter)
                before = load()
                wall = snakemake(
                    REPO / "Snakefile",
                    root,
                    args.cores,
                    "--allowed-rules",
                    *CALLING_RULES,
                    "--",
                    f"results/variants/{args.patient}/candidates.vcf.gz",
                )
                rows = benchmarks(root)
                chunks = [float(r["s"]) for r in rows["call_candidates"]]
                cpus = [float(r["cpu_time"]) for r in rows["call_candidates"]]
                gather = float(rows["normalize_candidates"][0]["s"])
                line = (scatter, repeat, before, wall, max(chunks), sum(chunks), gather)
                line += (max(cpus), sum(cpus))
                print("\t".join(f"{v:.2f}" if isinstance(v, float) else str(v) for v in line))
                summary[scatter].append((wall, max(chunks) + gather, max(cpus), sum(cpus)))
    print(
        "\nscatter\tmedian_snakemake_s\tmedian_critical_path_s\tmedian_slowest_chunk_cpu_s"
        "\tmedian_chunks_cpu_s"
    )
    for scatter, runs in summary.items():
        cols = [statistics.median(r[i] for r in runs) for i in range(4)]
        print(f"{scatter}\t" + "\t".join(f"{c:.2f}" for c in cols))


def bench_demo(args):
    with tempfile.TemporaryDirectory(prefix="demo_", dir=args.workdir) as tmp:
        root = Path(tmp)
        demo_config(args.snakefile, root, args.scatter)
        before, children = load(), children_cpu()
        wall = snakemake(args.snakefile, root, args.cores)
        after, everything = load(), children_cpu() - children
        main_cpu = float((root / "main_cpu.txt").read_text())
        rows = benchmarks(root)
    cpu = sum(float(r["cpu_time"]) for rule in rows.values() for r in rule)
    jobs = sum(len(rule) for rule in rows.values())
    print(f"snakefile\t{args.snakefile}\nscatter\t{args.scatter}\ncores\t{args.cores}")
    print(f"load_before\t{before}\nload_after\t{after}\njobs\t{jobs}")
    print(f"wall_s\t{wall:.1f}\ncpu_s\t{cpu:.1f}\nefficiency\t{cpu / (wall * args.cores):.3f}")
    # the same from the kernel's accounting of the whole process tree: snakemake's own process
    # and every job, including what the benchmark files' 1-second sampling misses
    print(f"all_cpu_s\t{everything:.1f}\nsnakemake_process_cpu_s\t{main_cpu:.1f}")
    print(f"jobs_cpu_not_in_benchmarks_s\t{everything - main_cpu - cpu:.1f}")
    print(f"efficiency_all_cpu\t{everything / (wall * args.cores):.3f}")
    print("\nrule\tjobs\twall_sum_s\tcpu_sum_s\tmax_rss_mb")
    by_time = sorted(rows.items(), key=lambda kv: -sum(float(r["s"]) for r in kv[1]))
    for rule, rule_rows in by_time:
        walls = sum(float(r["s"]) for r in rule_rows)
        cpus = sum(float(r["cpu_time"]) for r in rule_rows)
        rss = max(float(r["max_rss"]) if r["max_rss"] != "-" else 0.0 for r in rule_rows)
        print(f"{rule}\t{len(rule_rows)}\t{walls:.1f}\t{cpus:.1f}\t{rss:.0f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    calling = sub.add_parser("calling")
    calling.add_argument("--patient", default="NB01")
    calling.add_argument("--scatter", type=int, nargs="+", default=[1, 2, 4])
    calling.add_argument("--repeats", type=int, default=3)
    calling.add_argument("--cores", type=int, default=2)
    calling.add_argument("--results", default=str(REPO / "results"))
    demo = sub.add_parser("demo")
    demo.add_argument("--snakefile", default=str(REPO / "Snakefile"))
    demo.add_argument("--scatter", type=int)
    demo.add_argument("--cores", type=int, default=2)
    demo.add_argument("--workdir", default=None, help="parent of the run's temporary folder")
    args = parser.parse_args()
    bench_calling(args) if args.mode == "calling" else bench_demo(args)


if __name__ == "__main__":
    main()
