"""The STAR index plan (resistance_timeline.setup.star_index): the least sparse suffix array
whose build fits the memory given, from the genome's size and STAR's own allocations; the
alignment job's memory from what it loads. Human figures are checked against what STAR is
known to need: about 32 GB to build GRCh38 at the default (sparsity 1), about 16 GB to load
it at sparsity 2."""

from resistance_timeline.setup import star_index

GRCH38 = star_index.Genome(3_099_922_541, 195)  # GRCh38 with alts and decoys (GENCODE)
CHR20 = star_index.Genome(63_025_520, 1)


def test_grch38_default_needs_about_32_gb():
    plan = star_index.plan_index(GRCH38, 40_000)
    assert plan.sparsity == 1 and plan.sa_index_bases == 14 and plan.chr_bin_bits == 18
    assert 30_000 < plan.build_mb < 36_000
    assert 28_000 < plan.load_mb < 31_000  # Genome 3.1 + SA 25.6 + SAindex 1.6 GB


def test_grch38_fits_24_gb_with_a_sparse_suffix_array():
    plan = star_index.plan_index(GRCH38, 24_000)
    assert plan.sparsity == 2
    assert plan.build_mb <= plan.job_mb == 24_000 and 16_000 < plan.load_mb < 18_000
    # STAR's sort limit leaves room for the rest, and is above STAR's own floor (4/3 of the
    # doubled sequence), also when the job is given less
    assert plan.limit_ram(24_000) == 22_500 * 1e6
    assert plan.limit_ram(4_000) > 6_250 * 4 / 3 * 1e6
    # an alignment with the default 3 GB sort buffer and 8 threads stays under 24 GB
    assert star_index.map_memory_mb(plan.load_mb, 3000, 8) < 24_000


def test_less_memory_gives_a_sparser_index():
    sparsities = [
        star_index.plan_index(GRCH38, mb).sparsity for mb in (40_000, 24_000, 16_000, 12_000)
    ]
    assert sparsities == [1, 2, 4, 10]
    too_small = star_index.plan_index(GRCH38, 4_000)
    assert too_small.sparsity == star_index.MAX_SPARSITY and too_small.build_mb > 4_000


def test_small_genomes():
    chr20 = star_index.plan_index(CHR20, 24_000)
    assert chr20.sparsity == 1 and chr20.sa_index_bases == 11 and chr20.build_mb < 2_500
    assert chr20.job_mb == 4_000  # not the whole budget: what it needs, at least 4 GB
    tiny = star_index.plan_index(star_index.Genome(360_000, 10), 24_000)
    assert tiny.sa_index_bases == 8 and tiny.chr_bin_bits == 15
    assert tiny.limit_ram(tiny.job_mb) == 2_500 * 1e6


def test_many_small_contigs_get_small_bins():
    """A draft assembly of 100,000 contigs of 10 kb: bins of 2^13, not 2^18 (which would pad
    the genome to 26 Gb)."""
    draft = star_index.Genome(1_000_000_000, 100_000)
    assert star_index.chr_bin_bits(draft) == 13


def test_genome_of_reads_the_fai(tmp_path):
    fasta = tmp_path / "g.fa"
    fasta.write_text(">a\nACGT\n>b\nAC\n")
    (tmp_path / "g.fa.fai").write_text("a\t4\t3\t4\t5\nb\t2\t11\t2\t3\n")
    assert star_index.genome_of(str(fasta)) == star_index.Genome(6, 2)
    assert star_index.genome_of(str(tmp_path / "absent.fa")) == star_index.Genome(
        star_index.HUMAN_BASES, 25
    )
