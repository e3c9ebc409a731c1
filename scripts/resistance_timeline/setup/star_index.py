"""How the workflow's own STAR index is built and how much memory STAR asks for, computed
when the workflow plans its jobs from the genome's size and the memory the job may use.

STAR's default index of GRCh38 needs about 32 GB to build and to load, more than many cluster
nodes (and our 24 GB machines) have. Its suffix array can be sparse (``--genomeSAsparseD``:
every D-th suffix kept), which divides the largest part of the index by D at a small cost in
mapping speed. The sizes below follow STAR's own allocations (source of STAR 2.7.11b,
Genome.cpp, Genome_genomeGenerate.cpp, SuffixArrayFuns): while building, the genome twice
(2 bytes a base, forward and reverse), the packed suffix array (2 x bases / D entries of
``GstrandBit + 1`` bits, GstrandBit = max(32, floor(log2 bases) + 1)), the SA pre-index
(4^1 + ... + 4^N entries of ``GstrandBit + 3`` bits) and room for the annotated junctions;
while mapping, the index files (``Genome``, ``SA``, ``SAindex``) plus the BAM-sorting buffer
and per-thread buffers. Measured against STAR on real sequence in bench/RESULTS.md
("STAR index memory").
"""

import math
import os
from typing import NamedTuple

from resistance_timeline.setup.input_files import first_read_length

HUMAN_BASES = 3_100_000_000  # assumed when the FASTA is not there yet (dry-runs)
GZIP_RATIO = 3.3  # a gzip FASTA holds about this many times its size in bases
MB = 1_000_000
MAX_SPARSITY = 16
BUILD_OVERHEAD_MB = 1500  # GTF, junction tables, chunk buffers beyond the model
MAP_OVERHEAD_MB = 1000  # STAR's own buffers beyond the index and the BAM sort
MAP_THREAD_MB = 150  # per alignment thread (read buffers, chimeric detection)
MIN_LIMIT_MB = 2000
MIN_JOB_MB = 4000


class Genome(NamedTuple):
    """What the index's size depends on: bases (contig lengths summed) and contigs."""

    bases: int
    contigs: int


class IndexPlan(NamedTuple):
    """STAR genomeGenerate settings that fit a memory budget, and what they cost."""

    sparsity: int  # --genomeSAsparseD
    sa_index_bases: int  # --genomeSAindexNbases
    chr_bin_bits: int  # --genomeChrBinNbits
    build_mb: int  # modelled peak memory of the build
    load_mb: int  # modelled size of Genome + SA + SAindex (what mapping loads)
    job_mb: int  # what the build job asks for: the model with a tenth spare, within budget
    min_limit_mb: int  # the least --limitGenomeGenerateRAM STAR accepts (4/3 of 2 x genome)

    def limit_ram(self, mem_mb):
        """--limitGenomeGenerateRAM (bytes) for a job given ``mem_mb``: STAR's suffix sort
        holds the doubled sequence plus chunks up to this limit; the rest of the job's memory
        is left to the GTF and junction tables."""
        return int(max(self.min_limit_mb, mem_mb - BUILD_OVERHEAD_MB, MIN_LIMIT_MB) * MB)


def genome_of(fasta):
    """Bases and contigs of a FASTA: from its .fai when there is one, else estimated from the
    file's size (human when the file is not there yet, e.g. in a dry-run)."""
    fai = fasta + ".fai"
    if os.path.isfile(fai):
        with open(fai) as handle:
            lengths = [int(line.split("\t")[1]) for line in handle if line.strip()]
        return Genome(sum(lengths), len(lengths))
    if not os.path.exists(fasta):
        return Genome(HUMAN_BASES, 25)
    size = os.path.getsize(fasta)
    return Genome(int(size * GZIP_RATIO) if fasta.endswith(".gz") else size, 1)


def sa_index_bases(bases):
    """--genomeSAindexNbases: min(14, log2(genome length) / 2 - 1), per STAR's manual."""
    return max(4, min(14, int(math.log2(max(bases, 16)) / 2 - 1)))


def chr_bin_bits(genome):
    """--genomeChrBinNbits: min(18, log2(max(genome length / contigs, read length))), per
    STAR's manual (each contig is padded to a bin; many small contigs waste memory)."""
    per_contig = max(genome.bases / max(genome.contigs, 1), 100)
    return max(8, min(18, int(math.log2(per_contig))))


def _strand_bit(bases):
    return max(32, int(math.floor(math.log2(max(bases, 2)))) + 1)


def suffix_array_mb(bases, sparsity):
    """Packed suffix array: 2 x bases / D suffixes of GstrandBit + 1 bits."""
    return 2 * bases / sparsity * (_strand_bit(bases) + 1) / 8 / MB


def sa_index_mb(bases, n):
    """SA pre-index: all prefixes of 1..N bases, GstrandBit + 3 bits each."""
    return (4 ** (n + 1) - 4) / 3 * (_strand_bit(bases) + 3) / 8 / MB


def plan_index(genome, mem_mb):
    """The least sparse STAR index whose build fits ``mem_mb`` (at most MAX_SPARSITY; a
    genome too large even then gets MAX_SPARSITY and its true need in ``build_mb``)."""
    n = sa_index_bases(genome.bases)
    bits = chr_bin_bits(genome)
    padded = genome.bases + genome.contigs * (1 << bits) / 2  # each contig ends mid-bin
    sequence_mb = 2 * padded / MB  # forward + reverse strand while building
    for sparsity in range(1, MAX_SPARSITY + 1):
        sa = suffix_array_mb(genome.bases, sparsity)
        build = sequence_mb + sa + sa_index_mb(genome.bases, n) + BUILD_OVERHEAD_MB
        if build <= mem_mb:
            break
    load = padded / MB + sa + sa_index_mb(genome.bases, n)
    job = max(MIN_JOB_MB, min(mem_mb, build * 1.1), build)
    return IndexPlan(
        sparsity,
        n,
        bits,
        math.ceil(build),
        math.ceil(load),
        math.ceil(job),
        math.ceil(sequence_mb * 4 / 3) + 1,
    )


def map_memory_mb(load_mb, sort_mb, threads):
    """What one STAR alignment job needs: the index, the BAM-sorting buffer, buffers."""
    return math.ceil(load_mb + sort_mb + MAP_OVERHEAD_MB + MAP_THREAD_MB * threads)


def index_load_mb(star_dir):
    """The size of an existing index's Genome, SA and SAindex files, MB."""
    names = ("Genome", "SA", "SAindex")
    return math.ceil(sum(os.path.getsize(os.path.join(star_dir, f)) for f in names) / MB)


def sjdb_overhang(fastqs):
    """STAR's --sjdbOverhang: the longest read among the first reads of each FASTQ, minus
    one; 100 without a FASTQ to look at (an RNA cohort given as BAMs)."""
    longest = max((first_read_length(f) for f in fastqs if os.path.exists(f)), default=0)
    return longest - 1 if longest else 100
