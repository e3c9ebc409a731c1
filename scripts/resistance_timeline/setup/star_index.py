"""Sizes of the STAR index for a reference, computed when the workflow plans its jobs."""

import math
import os

from resistance_timeline.setup.input_files import first_read_length

HUMAN_BASES = 3_100_000_000  # assumed when the FASTA is not there yet (dry-runs)
GZIP_RATIO = 3.3  # a gzip FASTA holds about this many times its size in bases


def genome_bases(fasta):
    """Approximate genome size in bases from the FASTA's file size."""
    size = os.path.getsize(fasta) if os.path.exists(fasta) else HUMAN_BASES
    return size * GZIP_RATIO if fasta.endswith(".gz") else size


def sa_index_bases(fasta):
    """STAR's --genomeSAindexNbases: min(14, log2(genome length) / 2 - 1), per its manual."""
    return max(4, min(14, int(math.log2(genome_bases(fasta)) / 2 - 1)))


def memory_mb(fasta):
    """STAR's memory need: about 11 bytes per genome base (32 GB for human), at least 4 GB."""
    return max(4000, int(genome_bases(fasta) * 11 / 1e6))


def sjdb_overhang(fastqs):
    """STAR's --sjdbOverhang: the longest read among the first reads of each FASTQ, minus
    one; 100 without a FASTQ to look at (an RNA cohort given as BAMs)."""
    longest = max((first_read_length(f) for f in fastqs if os.path.exists(f)), default=0)
    return longest - 1 if longest else 100
