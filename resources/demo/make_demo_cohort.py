#!/usr/bin/env python
"""Generate the deterministic demo cohort of resistance-timeline.

Three patients (config/demo/samples.tsv): IMT01 (RRBP1::ALK, ALK L1196Q at relapse, a
one-copy loss with LOH of BG12-BG13 after crizotinib), IMT02 (TNS1::ALK, PTCH1 down, a
subclone lost) and NB01 (ALK F1174L neuroblastoma; NRAS Q61K and CDK4/FGFR1 amplification
in relapse cfDNA). Writes a synthetic mini reference, WES and RNA-Seq FASTQ for every unit
in config/demo/units.tsv, truth tables and a manifest of sha256 sums. See resources/demo/README.md.

    python resources/demo/make_demo_cohort.py [--outdir resources/demo/cohort] [--seed 20261121]
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import sys
import time
from pathlib import Path

from cohort_sim import arms as A
from cohort_sim import clones as C
from cohort_sim import design as D
from cohort_sim import reference_files as R
from cohort_sim import truth as T
from cohort_sim.genome import target_intervals
from cohort_sim.simulate import DEPTH, Design, build_design, simulate_rna, simulate_wes

HERE = Path(__file__).resolve().parent
GENERATOR_VERSION = "11"
DEFAULT_SEED = 20261121
REPO = HERE.parents[1]
DEFAULT_OUTDIR = HERE / "cohort"
SAMPLES_TSV = REPO / "config" / "demo" / "samples.tsv"
UNITS_TSV = REPO / "config" / "demo" / "units.tsv"
MANIFEST_TAG = f"# resistance-timeline demo cohort; generator_version={GENERATOR_VERSION}; seed="

_DESIGN: Design | None = None  # set before forking workers


def sha256(path: Path) -> str:
    """Hex sha256 of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_reference(design: Design, refdir: Path) -> None:
    """genome.fa (+ .fai), annotation.gff3, annotation.gtf, targets.bed."""
    refdir.mkdir(parents=True, exist_ok=True)
    R.write_fasta(refdir / "genome.fa", design.contigs)
    R.write_fai(refdir / "genome.fa.fai", design.contigs)
    R.write_gff3(refdir / "annotation.gff3", design.contigs, design.all_genes)
    R.write_gtf(refdir / "annotation.gtf", design.contigs, design.all_genes)
    R.write_bed(refdir / "targets.bed", target_intervals(design.all_genes))


def simulate_sample(design: Design, sample_id: str, readdir: Path) -> dict:
    """Write one sample's FASTQ files (all its units) and return its bookkeeping."""
    readdir.mkdir(parents=True, exist_ok=True)
    s = design.sample(sample_id)
    return (simulate_wes if s.assay == "wes" else simulate_rna)(design, sample_id, readdir)


def _worker(args):
    sample_id, readdir = args
    return sample_id, simulate_sample(_DESIGN, sample_id, Path(readdir))


def write_truth(design: Design, results: dict, truthdir: Path) -> None:
    """All truth/*.tsv tables."""
    truthdir.mkdir(parents=True, exist_ok=True)
    T.write_variants(design, truthdir / "variants.tsv")
    T.write_cnv(design, truthdir / "cnv.tsv")
    T.write_fusions(design, results, truthdir / "fusions.tsv")
    T.write_expression(
        design, results, truthdir / "expression_levels.tsv", truthdir / "expression.tsv"
    )
    T.write_events(design, truthdir / "events.tsv")
    C.write_clone_truth(design, truthdir, T._write)
    T._write(truthdir / "arms.tsv", A.TRUTH_HEADER, A.truth_rows(design))
    rows = [(s.sample, u, n) for s in design.samples for u, n in results[s.sample]["pairs"].items()]
    T._write(truthdir / "read_pairs.tsv", ["sample_id", "unit_id", "read_pairs"], rows)
    rows = [
        (s.sample, s.material, *results[s.sample]["fragments"])
        for s in design.samples
        if "fragments" in results[s.sample]
    ]
    header = ["sample_id", "material", "fragments", "tumour_derived", "median", "short_fraction"]
    T._write(truthdir / "fragments.tsv", header, rows)


def write_manifest(outdir: Path, seed: int) -> Path:
    """manifest.tsv: every file under outdir with its sha256 and size; first line names version
    and seed."""
    files = sorted(p for p in outdir.rglob("*") if p.is_file() and p.name != "manifest.tsv")
    path = outdir / "manifest.tsv"
    with open(path, "w") as fh:
        fh.write(f"{MANIFEST_TAG}{seed}\n")
        fh.write("path\tsha256\tbytes\n")
        for p in files:
            fh.write(f"{p.relative_to(outdir)}\t{sha256(p)}\t{p.stat().st_size}\n")
    return path


def read_manifest(outdir: Path) -> dict[str, str]:
    """{relative path: sha256} from outdir/manifest.tsv."""
    lines = (Path(outdir) / "manifest.tsv").read_text().splitlines()
    return {p: h for p, h, _ in (ln.split("\t") for ln in lines[2:])}


def generate_cohort(
    outdir: Path = DEFAULT_OUTDIR,
    seed: int = DEFAULT_SEED,
    workers: int = 2,
    samples_tsv: Path = SAMPLES_TSV,
    units_tsv: Path = UNITS_TSV,
) -> Path:
    """Generate the whole cohort into outdir; returns the manifest path."""
    global _DESIGN
    outdir = Path(outdir)
    (outdir / "manifest.tsv").unlink(missing_ok=True)
    design = build_design(seed, samples_tsv, units_tsv)
    write_reference(design, outdir / "reference")
    readdir = outdir / "reads"
    readdir.mkdir(parents=True, exist_ok=True)
    expected = {
        f"{s.sample}.{u}.R{r}.fastq.gz" for s in design.samples for u in s.units for r in (1, 2)
    }
    for stale in readdir.glob("*.fastq.gz"):
        if stale.name not in expected:
            stale.unlink()
    # largest samples first so two workers finish together
    order = sorted(
        design.samples,
        key=lambda s: (
            -(D.SAMPLE_DEPTH.get(s.sample, DEPTH[s.material]) if s.assay == "wes" else 60)
        ),
    )
    tasks = [(s.sample, str(readdir)) for s in order]
    _DESIGN = design
    if workers > 1:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results = dict(pool.imap_unordered(_worker, tasks))
    else:
        results = dict(map(_worker, tasks))
    write_truth(design, results, outdir / "truth")
    return write_manifest(outdir, seed)


def ensure_cohort(
    outdir: Path = DEFAULT_OUTDIR, seed: int = DEFAULT_SEED, workers: int = 2
) -> Path:
    """Generate the cohort unless outdir holds a complete one from this generator version and
    seed."""
    outdir = Path(outdir)
    manifest = outdir / "manifest.tsv"
    if manifest.exists():
        first = manifest.read_text().split("\n", 1)[0]
        if first == f"{MANIFEST_TAG}{seed}" and all(
            (outdir / p).exists() for p in read_manifest(outdir)
        ):
            return manifest
    return generate_cohort(outdir, seed, workers)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--outdir", type=Path, default=DEFAULT_OUTDIR, help="output folder (default: %(default)s)"
    )
    ap.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help="random seed (default: %(default)s)"
    )
    ap.add_argument(
        "--workers", type=int, default=2, help="parallel samples (output does not depend on it)"
    )
    ap.add_argument(
        "--if-missing",
        action="store_true",
        help="do nothing when outdir already holds a complete cohort of this version and seed",
    )
    args = ap.parse_args(argv)
    t0 = time.time()
    make = ensure_cohort if args.if_missing else generate_cohort
    manifest = make(args.outdir, args.seed, args.workers)
    total = sum(int(ln.split("\t")[2]) for ln in manifest.read_text().splitlines()[2:])
    print(
        f"wrote {args.outdir} ({total / 1e6:.1f} MB) in {time.time() - t0:.0f} s", file=sys.stderr
    )


if __name__ == "__main__":
    main()
