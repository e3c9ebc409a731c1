"""Run the benchmarks and write their sections of bench/RESULTS.md (see bench/README.md).

    python bench/run.py [--quick] [--workdir DIR] [--repeats N] [--baseline REV] [names ...]

names: planning, genotyper, deseq2, scaling, real_depth, cnv_exome, bwa_genome_size,
panel_of_normals (default: all). Each benchmark replaces its own section of RESULTS.md and
leaves the others as they are. Benchmarks are not tests: nothing here runs in CI
(tests/unit/bench only checks that this module loads and --help works)."""

import argparse
import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

# the modules beside this one are importable: Python puts a script's folder first on its path
from harness import RESULTS, ROOT, machine, table, write_section

NAMES = (
    "planning",
    "profile",
    "validation",
    "genotyper",
    "deseq2",
    "scaling",
    "real_depth",
    "cnv_exome",
    "bwa_genome_size",
    "panel_of_normals",
)
GOALS = {
    "planning": "at most 1.5× the floor at every size, growing linearly with the jobs",
    "profile": "input functions never scan all samples or the file system per job",
    "validation": "grows linearly with the number of samples (units, FASTQs)",
    "genotyper": "at most 1.0× `bcftools mpileup -a AD` on the same sites and BAMs",
    "deseq2": "at most 1.0× R DESeq2 on airway",
    "scaling": "linear in samples; peak memory under 1 GB at 16 samples × 100,000 sites",
    "real_depth": "whole workflow at most 1.5x the aligner floor (bwa mem | sort + markdup; STAR)"
    " in CPU",
    "cnv_exome": "the CNVkit steps per sample at a real exome's bin count, for the Sizing section",
    "bwa_genome_size": "a measured lower bound of bwa mem's per-read cost on a human-sized index",
    "panel_of_normals": "the panel's build at real target size in bounded memory (issue 30):"
    " CPU linear in targets × normals, peak memory flat",
}


def reproduce(args, name):
    """The command that reproduces one section."""
    parts = ["python", "bench/run.py", *(["--quick"] if args.quick else [])]
    if args.repeats:
        parts += ["--repeats", str(args.repeats)]
    if args.baseline and name == "planning":
        parts += ["--baseline", args.baseline]
    if args.sizes and name in SIZED:
        parts += ["--sizes", *map(str, args.sizes)]
    if not args.first_run and name == "planning":
        parts.append("--no-first-run")
    return shlex.join([*parts, name])


def heading(args, name, title):
    """A section's heading, goal, machine and command."""
    return (
        f"## {title}\n\nGoal: {GOALS[name]}.\n\nMeasured {machine()}.\n\n"
        f"Reproduce: `{reproduce(args, name)}`\n\n"
    )


def run_planning(args, workdir):
    import planning

    sizes = args.sizes or (planning.QUICK_SIZES if args.quick else planning.SIZES)
    title = heading(args, "planning", "Planning scale (dry-run against the floor)")
    section = section_name(args, "planning")

    def so_far(result):  # a long run leaves the sizes it finished in RESULTS.md
        if not args.no_write:
            write_section(section, title + planning.report(result))

    result = planning.measure(
        workdir / "planning", sizes, args.repeats or 2, args.baseline, so_far, args.first_run
    )
    return title + planning.report(result)


def run_profile(args, workdir):
    import planning

    total, own = planning.profile(workdir / "planning")
    return heading(args, "profile", "Where the 200-patient dry-run's time goes") + (
        f"cProfile of `snakemake -n --quiet rules` on the 200-patient cohort ({total:.1f} s "
        "under the profiler): the workflow's own functions (rules/, scripts/) by cumulative "
        "time; everything else is Snakemake's.\n\n"
        + table(
            ["cumulative s", "calls", "function"],
            [(f"{c:.2f}", f"{n:,}", f"`{f}`") for c, n, f in own],
        )
    )


def section_name(args, name):
    """A run on other sizes than the default writes its own section (planning-1000 ...)."""
    return f"{name}-{'-'.join(map(str, args.sizes))}" if args.sizes else name


def run_validation(args, workdir):
    import planning

    sizes = args.sizes or (planning.QUICK_SIZES if args.quick else planning.SIZES)
    return heading(args, "validation", "Parse-time validation of the sheets and input files") + (
        "`setup.sheets.load_sheets` on the planning cohorts (two FASTQs per sample), CPU "
        "seconds in one process; the first run reads every FASTQ (gzip check), later runs "
        "only stat them (setup.input_files.FileFacts):\n\n"
        + planning.validation(workdir / "planning", sizes)
    )


def run_script(cmd):
    """stdout of one of the bench scripts (run from the repository root)."""
    print("+ " + shlex.join(cmd), file=sys.stderr)
    done = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True)
    return done.stdout


def run_genotyper(args, workdir):
    repeats = str(args.repeats or (1 if args.quick else 5))
    rows = []
    for threads in ("1", "2"):
        out = run_script(
            [
                sys.executable,
                "bench/genotyper_vs_bcftools.py",
                "--workdir",
                str(workdir / "genotyper"),
                "--repeats",
                repeats,
                "--threads",
                threads,
            ]
        )
        header, values = out.strip().splitlines()[-2:]
        rows.append(dict(zip(header.split("\t"), values.split("\t"), strict=True)))
    cols = list(rows[0])
    text = table(["threads", *cols], [[t, *r.values()] for t, r in zip("12", rows)])
    return heading(args, "genotyper", "Genotyping: genotyper vs bcftools mpileup") + (
        "Synthetic set of bench/genotyper_vs_bcftools.py (4 BAMs, 500 sites, ~200x); seconds "
        "are medians of interleaved whole-process runs; `ratio_vs_R` is the goal's ratio "
        "(`bcftools mpileup -a AD -R sites`), `_T` streams the sites, `_T_noBAQ` adds -B.\n\n"
        + text
    )


def run_deseq2(args, workdir):
    repeats = str(args.repeats or (1 if args.quick else 3))
    out = run_script([sys.executable, "bench/deseq2_vs_r.py", "--repeats", repeats])
    steps = dict(re.findall(r"^\| (R DESeq2|fit_deseq) \| ([\d.]+) \|", out, re.M))
    ratio = ""
    if len(steps) == 2:
        ratio = (
            f"\n\nfit_deseq / R DESeq2 (step): "
            f"**{float(steps['fit_deseq']) / float(steps['R DESeq2']):.2f}×**"
        )
    lines = []  # the script's lines, a blank line around its table (Markdown)
    for line in out.splitlines():
        if line.startswith("{"):
            continue
        if line.startswith("|") != (bool(lines) and lines[-1].startswith("|")):
            lines.append("")
        lines.append(line)
    return heading(args, "deseq2", "Differential expression: fit_deseq vs R DESeq2") + (
        "bench/deseq2_vs_r.py on tests/data/airway (8 samples, `~ cell + dex`), seconds:\n\n"
        + "\n".join(lines)
        + ratio
    )


def run_scaling(args, workdir):
    import scaling

    result = scaling.measure(workdir / "scaling", args.quick)
    return heading(args, "scaling", "Per-patient steps with more timepoints") + (
        scaling.report(result)
    )


def run_real_depth(args, workdir):
    import real_depth

    scale = 0.02 if args.quick else 1.0
    cohort = workdir / "real" / "summary.yaml"  # a cohort made at this scale is reused
    made = cohort.is_file() and f"scale: {scale}\n" in cohort.read_text()
    result = real_depth.measure(workdir / "real", scale=scale, generate=not made)
    title = "Real sequence, real depth: per-rule cost against the aligner floor"
    return heading(args, "real_depth", title) + real_depth.report(result)


def run_cnv_exome(args, workdir):
    import cnv_exome

    result = cnv_exome.measure(workdir / "cnv_exome", repeats=args.repeats or 1)
    return heading(args, "cnv_exome", cnv_exome.TITLE) + cnv_exome.report(result)


def run_bwa_genome_size(args, workdir):
    import bwa_genome_size

    result = bwa_genome_size.measure(
        workdir / "bwa_genome_size", workdir / "real", 1.0, 200_000, None, 2
    )
    return bwa_genome_size.report(result, "python bench/run.py bwa_genome_size")


def run_panel_of_normals(args, workdir):
    import panel_of_normals

    real = workdir / "real"  # the real_depth benchmark's GRCh37 chr20 and exome targets
    genome = real / "genome.fa" if (real / "genome.fa").is_file() else None
    template = real / "targets.bed" if genome and (real / "targets.bed").is_file() else None
    result = panel_of_normals.measure(
        workdir / "panel_of_normals", genome, template, quick=args.quick
    )
    source = "GRCh37 chr20 with its exome targets" if template else "random sequence"
    title = "Panel of normals: the build at growing targets and normals"
    return heading(args, "panel_of_normals", title) + (
        f"bench/panel_of_normals.py on {source}; normals written as aligned BAMs at 100× "
        "(substitution errors 1e-3 per base, a sticky 0.3% error at one site in 2,000); "
        "pileup = rule pileup_panel_of_normals' command on one chunk, merge = rule "
        "build_panel_of_normals' write_panel.\n\n" + panel_of_normals.report(result)
    )


SIZED = ("planning", "validation")  # benchmarks that take --sizes
RUNNERS = {
    "planning": run_planning,
    "profile": run_profile,
    "validation": run_validation,
    "genotyper": run_genotyper,
    "deseq2": run_deseq2,
    "scaling": run_scaling,
    "real_depth": run_real_depth,
    "cnv_exome": run_cnv_exome,
    "panel_of_normals": run_panel_of_normals,
    "bwa_genome_size": run_bwa_genome_size,
}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help=f"any of {', '.join(NAMES)} (default: all)")
    ap.add_argument("--quick", action="store_true", help="small sizes, one repeat")
    ap.add_argument("--workdir", default="/tmp/resistance-timeline-bench")
    ap.add_argument("--repeats", type=int, help="timed repeats (default per benchmark)")
    ap.add_argument("--baseline", help="planning: also time this git revision (e.g. main)")
    ap.add_argument("--sizes", type=int, nargs="+", help="planning/validation: patients")
    ap.add_argument(
        "--no-first-run",
        dest="first_run",
        action="store_false",
        help="planning: no separate first run (the timed run then includes the file checks)",
    )
    ap.add_argument("--no-write", action="store_true", help="print, do not write RESULTS.md")
    args = ap.parse_args(argv)
    unknown = [n for n in args.names if n not in NAMES]
    if unknown:
        ap.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(NAMES)}")
    if args.quick and args.repeats is None:
        args.repeats = 1
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    for name in args.names or NAMES:
        start = time.monotonic()
        text = RUNNERS[name](args, workdir)
        print(text)
        print(f"{name}: {time.monotonic() - start:.0f} s", file=sys.stderr)
        if not args.no_write:
            write_section(section_name(args, name) if name in SIZED else name, text)
    if not args.no_write:
        print(f"wrote {RESULTS}", file=sys.stderr)


if __name__ == "__main__":
    main()
