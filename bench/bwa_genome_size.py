"""bwa mem's cost per read as the index grows from one chromosome towards a human genome
(issue 24, Sizing): the real-depth benchmark aligns to GRCh37 chr20 (63 Mb), whose FM-index
largely fits the CPU's caches; a 3.1 Gb human index does not, and human repeats add candidate
hits. No human genome is on this machine, so this measures the part that can be measured: the
same reads aligned to chr20 alone and to chr20 plus ``--random-gb`` of random sequence (an
index of human-like size whose lookups miss the caches as a human one does, but with no
repeats). The ratio is a lower bound of the human slowdown: repeats only add to it.

    python bench/bwa_genome_size.py [--workdir DIR] [--random-gb 1.0] [--pairs 200000]
        [--reads R1.fq.gz R2.fq.gz] [--threads 2] [--no-write]

By default the reads are the first ``--pairs`` pairs of RD01-T0 (2x150, tumour) of the
real-depth cohort (bench/real_cohort.py, default work folder). Building the large index takes
about an hour per Gb on one core (bwa index -a bwtsw); an index already in --workdir is reused.
"""

import argparse
import gzip
import itertools
from pathlib import Path

import numpy as np
from harness import machine, table, timed, write_section

COHORT = Path("/tmp/resistance-timeline-bench/real")
WORKDIR = Path("/tmp/resistance-timeline-bench/bwa_genome_size")
CONTIG_MB = 125


def random_genome(fasta, chromosome, gigabases, seed=1):
    """``chromosome``'s FASTA followed by ``gigabases`` of uniform random sequence, in contigs
    of CONTIG_MB Mb."""
    rng, bases = np.random.default_rng(seed), np.frombuffer(b"ACGT", np.uint8)
    with open(fasta, "wb") as out:
        out.write(Path(chromosome).read_bytes())
        for i in range(round(gigabases * 1000 / CONTIG_MB)):
            out.write(f">rand{i}\n".encode())
            for _ in range(CONTIG_MB):
                seq = bases[rng.integers(0, 4, 1_000_000)].tobytes()
                out.write(b"\n".join(seq[k : k + 60] for k in range(0, len(seq), 60)) + b"\n")


def head_pairs(reads, pairs, out_dir):
    """The first ``pairs`` records of each mate file, written uncompressed (decompression is
    then no part of what is timed)."""
    paths = []
    for mate, path in enumerate(reads, start=1):
        target = out_dir / f"reads.R{mate}.fq"
        with gzip.open(path, "rb") as handle, open(target, "wb") as out:
            out.writelines(itertools.islice(handle, 4 * pairs))
        paths.append(target)
    return paths


def index(fasta):
    """bwa index of ``fasta`` unless it is there already; its CPU seconds (or None)."""
    if Path(f"{fasta}.sa").exists():
        return None
    return timed(["bwa", "index", "-a", "bwtsw", fasta]).cpu


def align(prefix, reads, threads):
    """bwa mem of the reads to ``prefix``, the SAM thrown away: a harness Run."""
    cmd = f"bwa mem -t {threads} {prefix} {reads[0]} {reads[1]} > /dev/null"
    return timed(["sh", "-c", cmd])


def measure(workdir, cohort, random_gb, pairs, reads, threads):
    workdir.mkdir(parents=True, exist_ok=True)
    small, big = workdir / "chr.fa", workdir / f"chr_plus_{random_gb:g}gb.fa"
    if not small.exists():
        small.write_bytes((cohort / "genome.fa").read_bytes())
    if not big.exists():
        random_genome(big, small, random_gb)
    built = {name: index(path) for name, path in (("small", small), ("big", big))}
    reads = reads or [cohort / "reads" / f"RD01-T0.L1.R{m}.fastq.gz" for m in (1, 2)]
    fastqs = head_pairs(reads, pairs, workdir)
    runs = {name: align(path, fastqs, threads) for name, path in (("small", small), ("big", big))}
    sizes = {name: path.stat().st_size / 1e9 for name, path in (("small", small), ("big", big))}
    return dict(runs=runs, built=built, sizes=sizes, pairs=pairs, threads=threads)


def report(result, command):
    runs, pairs = result["runs"], result["pairs"]
    rows = [
        (
            name,
            f"{result['sizes'][name]:.2f}",
            f"{run.cpu:.1f}",
            f"{run.cpu / pairs * 1e6:.0f}",
            f"{run.peak_mb:,.0f}",
        )
        for name, run in runs.items()
    ]
    ratio = runs["big"].cpu / runs["small"].cpu
    return (
        "## bwa mem per read, one chromosome vs a human-sized index\n\n"
        "Goal: a measured lower bound of how much more bwa mem costs per read on a human "
        "genome than on the real-depth benchmark's chromosome (Sizing in README.md).\n\n"
        f"Measured {machine()}.\n\nReproduce: `{command}`\n\n"
        f"{pairs:,} pairs (2x150, RD01-T0 of the real-depth cohort), {result['threads']} "
        "threads, `bwa mem` to /dev/null; GRCh37 chr20 alone, and chr20 plus random sequence "
        "(no repeats):\n\n"
        + table(["index", "FASTA GB", "CPU s", "CPU s / M pairs", "peak MB"], rows)
        + f"\n\n**{ratio:.2f}x** the CPU per read on the larger index: the slowdown from the "
        "index's size alone (cache and TLB misses); human repeats add to it.\n"
    )


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workdir", type=Path, default=WORKDIR)
    ap.add_argument("--cohort", type=Path, default=COHORT, help="real_cohort.py's work folder")
    ap.add_argument("--random-gb", type=float, default=1.0)
    ap.add_argument("--pairs", type=int, default=200_000)
    ap.add_argument("--reads", nargs=2, type=Path)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args(argv)
    result = measure(
        args.workdir, args.cohort, args.random_gb, args.pairs, args.reads, args.threads
    )
    command = f"python bench/bwa_genome_size.py --random-gb {args.random_gb:g} --pairs {args.pairs}"
    if args.cohort != COHORT:
        command += f" --cohort {args.cohort}"
    text = report(result, command)
    print(text)
    if not args.no_write:
        write_section("bwa_genome_size", text)


if __name__ == "__main__":
    main()
