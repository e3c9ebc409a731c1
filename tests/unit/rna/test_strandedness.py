"""Library strandedness inferred per sample from its gene counts (rule infer_strandedness,
rna/strandedness.py), and a mixed library (part reverse-stranded, part unstranded) built from
the STAR world's reverse-stranded tumour BAM: its fusion reads under each setting."""

import zlib

import pysam
import pytest

from helpers import Inputs, build_world, needs_star, run_entry
from resistance_timeline.rna.count_matrix import read_gene_counts
from resistance_timeline.rna.fusions import FusionSettings, call_fusions
from resistance_timeline.rna.gene_counts import count, write_reads_per_gene
from resistance_timeline.rna.strandedness import infer, read_verdict, used_strandedness, verdict
from resistance_timeline.setup.config import schema_defaults


def genes(sense, antisense):
    return {"G1": [sense + antisense, sense, antisense]}


def test_inferred_from_the_sense_fraction():
    assert infer(970, 30) == ("forward", 0.97)
    assert infer(30, 970) == ("reverse", 0.03)
    assert infer(480, 520) == ("unstranded", 0.48)
    assert infer(250, 750) == ("mixed", 0.25)  # half reverse-stranded, half unstranded
    assert infer(20, 30)[0] == "unknown"  # under 100 fragments


@pytest.mark.parametrize(
    "configured, sense, antisense, used, warned",
    [
        ("reverse", 30, 970, "reverse", ""),
        ("reverse", 970, 30, "reverse", "rna: strandedness is reverse but the reads look forward"),
        ("unstranded", 30, 970, "unstranded", "is unstranded but the reads look reverse"),
        ("forward", 500, 500, "forward", "is forward but the reads look unstranded"),
        ("reverse", 250, 750, "reverse", "the library looks mixed (0.250"),
        ("unstranded", 250, 750, "unstranded", "the library looks mixed"),
        ("auto", 30, 970, "reverse", ""),
        ("auto", 970, 30, "forward", ""),
        ("auto", 250, 750, "unstranded", "the library looks mixed"),
        ("auto", 10, 10, "unstranded", "too few gene-assigned fragments (20)"),
    ],
)
def test_warned_in_every_mode_and_auto_uses_the_inferred_value(
    configured, sense, antisense, used, warned
):
    row = verdict("S1", genes(sense, antisense), configured)
    assert row["used"] == used and row["configured"] == configured
    if warned:
        assert warned in row["warning"] and f"using {used}" in row["warning"]
    else:
        assert row["warning"] == ""


def test_used_strandedness_reads_the_table_only_for_auto(tmp_path):
    path = tmp_path / "s.tsv"
    run_entry(
        "infer_strandedness",
        input=[str(write_counts(tmp_path, 250, 750))],
        output=[str(path)],
        log=[str(tmp_path / "log")],
        params=Inputs(sample_id="S1", configured="auto"),
    )
    assert read_verdict(path)["inferred"] == "mixed"
    assert used_strandedness("auto", path) == "unstranded"
    assert used_strandedness("reverse", path) == "reverse"
    assert "WARNING: S1: the library looks mixed" in (tmp_path / "log").read_text()
    with pytest.raises(ValueError, match="auto needs"):
        used_strandedness("auto", None)


def write_counts(tmp_path, sense, antisense):
    path = tmp_path / "ReadsPerGene.out.tab"
    summary = {k: [0, 0, 0] for k in ("N_unmapped", "N_multimapping", "N_noFeature", "N_ambiguous")}
    write_reads_per_gene(genes(sense, antisense), summary, path)
    return path


@pytest.fixture(scope="session")
def world(tmp_path_factory):
    return build_world(tmp_path_factory.getbasetemp() / "fusion_world")  # as test_fusions's


def mixed_library(bam, out, share=0.25):
    """A copy of a reverse-stranded BAM in which ``share`` of the fragments (chosen by name)
    have read 1 and read 2 swapped: read as sequenced from the other strand, as half of an
    unstranded library's are, so 2 × share of the fragments behave unstranded."""
    with pysam.AlignmentFile(bam) as src, pysam.AlignmentFile(out, "wb", template=src) as dst:
        for read in src:
            if read.is_paired and zlib.crc32(read.query_name.encode()) % 100 < 100 * share:
                read.flag ^= 0x40 | 0x80
            dst.write(read)
    pysam.index(str(out))
    return out


@needs_star
def test_mixed_library_is_recognised_and_auto_keeps_its_fusion_reads(world, tmp_path):
    bam = mixed_library(world.bam["tumour"], tmp_path / "mixed.bam")
    genes_counted, summary = count(str(bam), str(world.gtf))
    write_reads_per_gene(genes_counted, summary, tmp_path / "mixed.tab")
    _, table = read_gene_counts(tmp_path / "mixed.tab")
    row = verdict("T", table, "reverse")
    assert row["inferred"] == "mixed" and 0.2 <= float(row["sense_fraction"]) <= 0.3
    assert "looks mixed" in row["warning"]
    assert verdict("T", table, "auto")["used"] == "unstranded"
    settings = FusionSettings.from_params(schema_defaults("fusions"))

    def split_reads(strandedness):
        rows = call_fusions(str(bam), str(world.gtf), "T", settings, strandedness)
        return {r["fusion"]: r["split_reads"] for r in rows}["RRBP1::ALK"]

    # a quarter of the fragments read from the other strand are lost under 'reverse'
    lost, kept = split_reads("reverse"), split_reads("unstranded")
    assert 0.6 * kept <= lost <= 0.9 * kept
    original = call_fusions(str(world.bam["tumour"]), str(world.gtf), "T", settings, "reverse")
    assert kept == {r["fusion"]: r["split_reads"] for r in original}["RRBP1::ALK"]
