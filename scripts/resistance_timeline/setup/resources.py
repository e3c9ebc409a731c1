"""Threads, memory and run time the heavy rules ask the scheduler for, from the sizes of their
inputs: a 200x exome on SLURM must neither be killed for time or memory nor wait for a node
it does not need, and a demo-sized unit must not hold eight cores.

Rates are CPU seconds per GB of the input that drives a rule's cost (gzip FASTQ or BAM),
measured on real sequence at real depth (bench/real_depth.py: GRCh37 chr20, 100-800x; the
figures in bench/RESULTS.md, "Real sequence, real depth"). Alignment to a whole human genome
costs more per read than to one chromosome (bwa's FM-index lookups miss the CPU cache on a
3 Gb index, and human repeats add candidate hits): with no human genome here, only its lower
bound is measured (bench/bwa_genome_size.py: 1.69x on chr20 plus 1 Gb of random sequence),
and the factor asked for is a generous assumption above it (HUMAN_SLOWDOWN). The run time
asked for is SAFETY times the expected wall time on the job's threads, at least ``floor``
minutes, and grows with each retry, as memory does.

Sizes of inputs that do not exist yet (a dry-run, a job whose inputs are still to be made)
count as 0: Snakemake evaluates these functions again once a job's inputs are there, before
it is scheduled or submitted.
"""

import math
import os
from typing import NamedTuple

GB = 1e9
MB = 1e6
SAFETY = 3.0
HUMAN_SLOWDOWN = {"bwa": 5.0, "star": 2.0}  # per read, a 3 Gb genome vs GRCh37 chr20


class Cost(NamedTuple):
    """How one rule's work grows with its driving input."""

    cpu_s_per_gb: float  # measured on chr20 (x HUMAN_SLOWDOWN for aligners)
    gb_per_thread: float  # one thread per this much input, up to the rule's maximum
    max_threads: int
    floor_min: int  # run time asked at least


COSTS = {
    # measured (kernel CPU, bench/RESULTS.md "Real sequence, real depth"): CPU s per GB of
    # gzip FASTQ
    "check_read_pairs": Cost(50, 1e9, 1, 10),
    "trim_reads": Cost(150, 0.5, 4, 10),
    "align_reads": Cost(1_500 * HUMAN_SLOWDOWN["bwa"], 0.1, 8, 20),
    "align_rna": Cost(520 * HUMAN_SLOWDOWN["star"], 0.2, 8, 20),
    # measured: CPU s per GB of BAM
    "mark_duplicates": Cost(170, 1.0, 4, 10),
    "measure_coverage": Cost(20, 2.0, 4, 10),
    "measure_bin_coverage": Cost(80, 1.0, 4, 10),
    "call_candidates": Cost(120, 1e9, 1, 15),  # per chunk: all the patient's BAMs / chunks
    "genotype_timepoints": Cost(25, 1e9, 1, 15),
    # per chunk: all the panel's normal BAMs / chunks (bench/RESULTS.md, "Panel of normals":
    # 665-725 CPU s per GB of 100x normal BAMs, 4-16 normals)
    "pileup_panel_of_normals": Cost(750, 1e9, 1, 15),
    # CPU s per GB of the chunks' pileup BCFs (same section: 194-257)
    "build_panel_of_normals": Cost(300, 1e9, 1, 10),
    "call_fusions": Cost(340, 1e9, 1, 10),
    # not measured (the benchmark has no imported BAMs): like markdup's sort and collate
    "import_dna_bam": Cost(250, 1.0, 4, 15),
    "import_rna_bam": Cost(250, 1.0, 4, 15),
    "measure_rna_duplicates": Cost(250, 1.0, 4, 15),
    "count_rna_bam": Cost(400, 1e9, 1, 10),
}


def size_gb(paths):
    """Total size of the files that exist among ``paths`` (a path or a list), GB."""
    if isinstance(paths, str):
        paths = [paths]
    return sum(os.path.getsize(p) for p in paths if os.path.isfile(p)) / GB


def threads_for(rule, gb):
    """One thread per ``gb_per_thread`` of input, at least one, at most the rule's maximum."""
    cost = COSTS[rule]
    return max(1, min(cost.max_threads, math.ceil(gb / cost.gb_per_thread)))


def runtime_min(rule, gb, threads, attempt=1, share=1.0):
    """Minutes to ask for: SAFETY x the expected wall time on ``threads`` (``share``: the part
    of the input this job does, e.g. one chunk of a patient's BAMs), at least the floor."""
    cost = COSTS[rule]
    wall_s = cost.cpu_s_per_gb * gb * share / max(threads, 1)
    return math.ceil(max(cost.floor_min, SAFETY * wall_s / 60)) * attempt


def driving_files(input, keys):
    """The input files named by ``keys`` (every input when there are none), as one list."""
    chosen = [input[k] for k in keys] if keys else [list(input)]
    return [f for value in chosen for f in ([value] if isinstance(value, str) else value)]


def threads_from_input(rule, *keys):
    """A rule's ``threads:`` from the size of its driving inputs (``keys`` of its input)."""

    def threads(wildcards, input):
        return threads_for(rule, size_gb(driving_files(input, keys)))

    return threads


def runtime_from_input(rule, *keys, share=1.0):
    """A rule's ``runtime`` (minutes) from the size of its driving inputs and its threads,
    growing with each attempt; ``share``: the part of them one job does."""

    def runtime(wildcards, input, threads, attempt):
        return runtime_min(rule, size_gb(driving_files(input, keys)), threads, attempt, share)

    return runtime


# --- memory -----------------------------------------------------------------------------------
SORT_MB_PER_THREAD = 512  # samtools sort -m
BWA_MB_PER_THREAD = 300  # measured: bwa mem's buffers of a 2x150 batch per thread
FASTP_MB = 3_000  # measured peak 1.75 GB at 4 threads (read and write buffers)


def bwa_index_mb(index_files):
    """What bwa mem holds of an index: its .bwt, .sa and .pac (5.2 GB for GRCh38)."""
    kept = [f for f in index_files if f.endswith((".bwt", ".sa", ".pac"))]
    return size_gb(kept) * GB / MB


def align_memory_mb(index_files, threads, attempt=1):
    """bwa mem | fixmate | sort: the index, bwa's and sort's buffers per thread, and 1 GB."""
    per_thread = SORT_MB_PER_THREAD + BWA_MB_PER_THREAD
    return math.ceil(bwa_index_mb(index_files) + per_thread * threads + 1_000) * attempt


def longest_contig(fai):
    """The longest contig's length from a .fai (250 Mb, GRCh38's chr1, before it exists)."""
    if not os.path.isfile(fai):
        return 250_000_000
    with open(fai) as handle:
        return max(int(line.split("\t")[1]) for line in handle if line.strip())


def mosdepth_memory_mb(fai, attempt=1):
    """mosdepth holds an int32 depth array of the contig it is on (twice, while it writes the
    regions), plus about 300 MB."""
    return math.ceil(8 * longest_contig(fai) / MB + 300) * attempt
