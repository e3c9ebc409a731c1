"""Do two dry-runs (`snakemake -n -p` output) plan the same jobs? Compares every job's rule,
inputs, outputs, wildcards, reason and shell command, ignoring what changes between runs of
the same plan: dates, job ids, the order jobs and set members are printed in, and the
workflow's folder (``--basedir-a/-b``, so two checkouts can be compared).

    snakemake -s A/Snakefile -n -p > a.txt;  snakemake -s B/Snakefile -n -p > b.txt
    python bench/same_jobs.py a.txt b.txt --basedir-a A --basedir-b B
"""

import argparse
import re
import sys

VOLATILE = re.compile(
    r"\s*(\[.*20\d\d\]|jobid:|Date:|Workflow ID:|Snakefile:|Base directory:|Command:|Migrat)"
)


def sorted_reason(line):
    """A 'reason:' line with the files of each of its parts in sorted order."""
    head, reasons = line.split("reason: ", 1)
    parts = []
    for part in reasons.split("; "):
        if ": " in part:
            label, files = part.split(": ", 1)
            part = f"{label}: {', '.join(sorted(files.split(', ')))}"
        parts.append(part)
    return head + "reason: " + "; ".join(sorted(parts))


def plan(text, basedir=None):
    """The dry-run's jobs (and its other lines) as a sorted list of comparable blocks."""
    if basedir:
        text = text.replace(basedir.rstrip("/"), "<basedir>")
    out = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.splitlines() if not VOLATILE.match(line)]
        lines = [sorted_reason(x) if "reason: " in x else x for x in lines]
        out += [x for x in lines if x.startswith("Would remove")]  # printed in any order
        lines = [x for x in lines if not x.startswith("Would remove")]
        if lines:
            out.append("\n".join(lines))
    return sorted(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--basedir-a")
    ap.add_argument("--basedir-b")
    args = ap.parse_args()
    with open(args.a) as a, open(args.b) as b:
        first, second = plan(a.read(), args.basedir_a), plan(b.read(), args.basedir_b)
    jobs = sum(bool(re.match(r"(local)?rule ", x)) for x in first)
    if first == second:
        print(f"same plan: {jobs} jobs")
        return
    only = sorted(set(first) ^ set(second))
    print(f"the plans differ ({len(only)} blocks); first:\n{only[0]}")
    sys.exit(1)


if __name__ == "__main__":
    main()
