"""Time fit_deseq (resistance_timeline.expression.deseq) against R DESeq2 on the same counts.

Each repeat runs, interleaved, as separate processes: R DESeq2 (tests/data/airway/
deseq2_reference.R: DESeq() + results()), fit_deseq, and optionally pydeseq2 with its defaults
(DeseqDataSet.deseq2() + DeseqStats.summary()). Every process reports the time of the
differential expression step alone ("step", without reading inputs or loading libraries) and
the benchmark the whole process ("process"). Medians are printed as a table, with the agreement
of fit_deseq with R (padj < alpha Jaccard, log2 fold change Spearman) on the last repeat.

    python bench/deseq2_vs_r.py --repeats 5 [--pydeseq2-defaults] [--n-cpus 1]
    python bench/deseq2_vs_r.py --counts genes_x_samples.tsv.gz --samples samples.tsv \\
        --design "~ cell + dex" --contrast dex trt untrt

R is skipped, with a message, when Rscript is not installed. --blas-threads (default 1) caps
the BLAS threads of every process (R's Debian build uses the single-threaded reference BLAS).
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
AIRWAY = REPO / "tests" / "data" / "airway"
R_SCRIPT = AIRWAY / "deseq2_reference.R"
BLAS_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
BLAS_THREADS = [0]  # set from --blas-threads


def _read(args):
    import pandas as pd

    counts = pd.read_csv(args.counts, sep="\t", index_col=0).T
    samples = pd.read_csv(args.samples, sep="\t", index_col=0).loc[counts.index]
    return counts, samples


def worker(args) -> None:
    """One timed fit in this process; prints the step time and writes the table."""
    counts, samples = _read(args)
    if args.worker == "fit_deseq":
        from resistance_timeline.expression.deseq import fit_deseq

        start = time.perf_counter()
        res = fit_deseq(counts, samples, args.design, args.contrast, args.alpha, args.n_cpus, True)
        seconds = time.perf_counter() - start
        table = res.table.rename(columns={"log2_fold_change": "log2FoldChange"})
    else:
        from pydeseq2.dds import DeseqDataSet
        from pydeseq2.ds import DeseqStats

        start = time.perf_counter()
        dds = DeseqDataSet(
            counts=counts, metadata=samples, design=args.design, n_cpus=args.n_cpus, quiet=True
        )
        dds.deseq2()
        stats = DeseqStats(
            dds, contrast=args.contrast, alpha=args.alpha, n_cpus=args.n_cpus, quiet=True
        )
        stats.summary()
        seconds = time.perf_counter() - start
        table = stats.results_df
    table[["log2FoldChange", "padj"]].to_csv(args.out, sep="\t")
    print(f"seconds\t{seconds:.4f}")


def _run(cmd):
    # scripts/ first on the import path of the workers (R ignores it)
    path = os.pathsep.join(filter(None, [str(REPO / "scripts"), os.environ.get("PYTHONPATH")]))
    start = time.perf_counter()
    env = dict(os.environ, PYTHONPATH=path)
    if BLAS_THREADS[0]:
        env.update(dict.fromkeys(BLAS_VARIABLES, str(BLAS_THREADS[0])))
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed:\n{proc.stderr[-3000:]}")
    step = [ln.split("\t")[1] for ln in proc.stdout.splitlines() if ln.startswith("seconds\t")]
    return float(step[-1]), wall


def _agreement(ours_path, r_path, alpha):
    import pandas as pd
    from scipy.stats import spearmanr

    ours = pd.read_csv(ours_path, sep="\t", index_col=0)
    ref = pd.read_csv(r_path, sep="\t", index_col=0).loc[ours.index]
    a, b = set(ours.index[ours["padj"] < alpha]), set(ref.index[ref["padj"] < alpha])
    both = ours["log2FoldChange"].notna() & ref["log2FoldChange"].notna()
    rho = spearmanr(ours["log2FoldChange"][both], ref["log2FoldChange"][both])[0]
    return len(a & b) / max(len(a | b), 1), rho


def _versions(rscript):
    import numpy
    import pydeseq2
    import scipy

    info = {
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "pydeseq2": pydeseq2.__version__,
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
        "load_average": " ".join(f"{x:.1f}" for x in os.getloadavg()),
    }
    if rscript:
        out = subprocess.run(
            [
                rscript,
                "-e",
                'cat(R.version.string, "| DESeq2", as.character(packageVersion("DESeq2")))',
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        info["R"] = out.stdout.strip()
    return info


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--counts", default=str(AIRWAY / "counts.tsv.gz"), help="genes x samples")
    ap.add_argument("--samples", default=str(AIRWAY / "samples.tsv"))
    ap.add_argument("--design", default="~ cell + dex")
    ap.add_argument("--contrast", nargs=3, default=["dex", "trt", "untrt"])
    ap.add_argument("--alpha", type=float, default=0.05)
    ap.add_argument("--n-cpus", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--pydeseq2-defaults", action="store_true")
    ap.add_argument(
        "--blas-threads",
        type=int,
        default=1,
        help="BLAS threads of every process (0: as the environment says); R's reference BLAS "
        "is single-threaded, and numpy's OpenBLAS threads on tiny matrices crawl on a busy box",
    )
    ap.add_argument("--worker", choices=["fit_deseq", "pydeseq2"], help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args)
        return
    BLAS_THREADS[0] = args.blas_threads
    rscript = shutil.which("Rscript")
    if rscript is None:
        print("Rscript not found: R DESeq2 is skipped (apt-get install r-bioc-deseq2)")
    elif args.design != "~ cell + dex" or args.contrast != ["dex", "trt", "untrt"]:
        print("the R script fits ~ cell + dex, dex trt vs untrt only: R is skipped")
        rscript = None
    tools = (["R DESeq2"] if rscript else []) + ["fit_deseq"]
    tools += ["pydeseq2 defaults"] if args.pydeseq2_defaults else []
    times = {tool: [] for tool in tools}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for _ in range(args.repeats):
            for tool in tools:
                if tool == "R DESeq2":
                    cmd = [rscript, str(R_SCRIPT), args.counts, args.samples, str(tmp / "r")]
                else:
                    name = "fit_deseq" if tool == "fit_deseq" else "pydeseq2"
                    cmd = [
                        sys.executable,
                        __file__,
                        "--worker",
                        name,
                        "--out",
                        str(tmp / f"{name}.tsv"),
                        "--counts",
                        args.counts,
                        "--samples",
                        args.samples,
                        "--design",
                        args.design,
                        "--alpha",
                        str(args.alpha),
                        "--n-cpus",
                        str(args.n_cpus),
                        "--contrast",
                        *args.contrast,
                    ]
                times[tool].append(_run(cmd))
        agreement = None
        if rscript:
            agreement = _agreement(tmp / "fit_deseq.tsv", tmp / "r.tsv.gz", args.alpha)
    print(json.dumps(_versions(rscript)))
    blas = args.blas_threads or "default"
    print(f"{args.repeats} interleaved repeats, n_cpus={args.n_cpus}, BLAS threads {blas}, medians")
    print("| tool | step | process |")
    print("|---|---|---|")
    for tool, runs in times.items():
        step = statistics.median(r[0] for r in runs)
        wall = statistics.median(r[1] for r in runs)
        print(f"| {tool} | {step:.2f} | {wall:.2f} |")
    if agreement:
        print(
            f"fit_deseq vs R: padj<{args.alpha} Jaccard {agreement[0]:.4f}, "
            f"log2FC Spearman {agreement[1]:.7f}"
        )


if __name__ == "__main__":
    main()
