"""What the heavy rules ask the scheduler for (resistance_timeline.setup.resources): threads,
run time and memory grow with the inputs, a demo-sized unit takes one thread, a 200x exome
gets the aligner's maximum and hours, and every retry asks for more."""

import pytest

from resistance_timeline.setup import resources


def test_size_counts_existing_files_only(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.write_bytes(b"x" * 1000)
    b.write_bytes(b"x" * 500)
    assert resources.size_gb([str(a), str(b), str(tmp_path / "absent")]) == 1.5e-6
    assert resources.size_gb(str(a)) == 1e-6


def test_threads_grow_with_the_input_up_to_the_maximum():
    assert resources.threads_for("align_reads", 0) == 1  # not made yet, or a demo unit
    assert resources.threads_for("align_reads", 0.25) == 3
    assert resources.threads_for("align_reads", 10) == 8  # a 70 M-pair exome
    assert resources.threads_for("call_candidates", 100) == 1  # single-threaded tools


def test_a_200x_exome_gets_hours_of_bwa_and_a_demo_unit_the_floor():
    # 70 M pairs of 2x150 reads: about 10 GB of trimmed gzip FASTQ, 8 threads
    minutes = resources.runtime_min("align_reads", 10, 8)
    cpu_hours = 10 * resources.COSTS["align_reads"].cpu_s_per_gb / 3600
    assert 15 < cpu_hours < 30  # a human exome's bwa mem: tens of CPU hours
    assert minutes == pytest.approx(resources.SAFETY * cpu_hours * 60 / 8, abs=1)
    assert resources.runtime_min("align_reads", 0.001, 1) == 20  # the floor
    assert resources.runtime_min("align_reads", 10, 8, attempt=2) == 2 * minutes


def test_a_chunk_does_its_share_of_the_patients_bams():
    whole = resources.runtime_min("call_candidates", 600, 1)
    assert resources.runtime_min("call_candidates", 600, 1, share=1 / 16) == pytest.approx(
        whole / 16, abs=1
    )


def test_bwa_memory_is_the_index_plus_buffers_per_thread(tmp_path):
    index = []
    for suffix, size in ((".bwt", 3000), (".sa", 1500), (".pac", 800), (".ann", 5), (".amb", 1)):
        path = tmp_path / f"genome.fa{suffix}"
        path.write_bytes(b"x" * size)
        index.append(str(path))
    assert resources.bwa_index_mb(index) == pytest.approx(0.0053)
    assert resources.align_memory_mb(index, 8) == 7_497  # 8 x (512 + 300) + 1,000 + index
    assert resources.align_memory_mb(index, 8, attempt=2) == 14_994


def test_mosdepth_memory_from_the_longest_contig(tmp_path):
    fai = tmp_path / "genome.fa.fai"
    fai.write_text("chr1\t248956422\t6\t60\t61\nchr2\t242193529\t253105752\t60\t61\n")
    assert resources.mosdepth_memory_mb(str(fai)) == 2_292
    assert resources.mosdepth_memory_mb(str(tmp_path / "absent.fai")) == 2_300


def test_rule_functions_read_the_named_inputs(tmp_path):
    """threads_from_input / runtime_from_input as Snakemake calls them: a rule's input is a
    named list; only the driving keys count (not, e.g., the 5 GB bwa index beside the reads)."""
    reads = tmp_path / "r1.fq.gz"
    reads.write_bytes(b"x" * 300_000_000)
    index = tmp_path / "genome.fa.bwt"
    index.write_bytes(b"x")
    inputs = {"r1": str(reads), "r2": [str(tmp_path / "absent")], "index": [str(index)]}

    class Input(dict):
        def __iter__(self):
            return iter(f for v in self.values() for f in ([v] if isinstance(v, str) else v))

    given = Input(inputs)
    assert resources.threads_from_input("align_reads", "r1", "r2")(None, given) == 3
    runtime = resources.runtime_from_input("align_reads", "r1", "r2")(None, given, 3, 2)
    assert runtime == 2 * resources.runtime_min("align_reads", 0.3, 3)
    assert resources.driving_files(given, ()) == [str(reads), str(tmp_path / "absent"), str(index)]
