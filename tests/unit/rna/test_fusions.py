"""Fusion calling (rule call_fusions, rna/fusions.py and rna/fusion_evidence.py) on the tiny
synthetic STAR world of helpers.build_world, and its pure functions on a small GTF.

The tumour sample has an in-frame RRBP1 exons 1-3 :: ALK exons 3-6 fusion (wild-type ALK
silent), an out-of-frame GENED exons 1-2 :: RRBP1 exons 4-5 fusion, and a GENEC exons 1-3 ::
GENED exons 2-5 read-through; the normal sample has only normal transcripts.
Reads are 2x75 reverse-stranded (read 1 antisense), as in TruSeq stranded libraries.
"""

import csv
import shutil
import subprocess
from dataclasses import replace

import numpy as np
import pysam
import pytest

from helpers import MARKERS, REPO, Inputs, build_world, needs_star, run_entry
from resistance_timeline.io.annotation import GeneIndex
from resistance_timeline.io.gene_model import load_genes
from resistance_timeline.rna.fusion_evidence import Split, pieces
from resistance_timeline.rna.fusion_filters import homologous, is_paralog_pair, is_read_through
from resistance_timeline.rna.fusions import (
    FusionSettings,
    Reference,
    build_candidates,
    mark_main_isoforms,
    support_at,
)
from resistance_timeline.setup.config import schema_defaults

SECTION = schema_defaults("fusions")  # what the rule passes as params.settings by default
SETTINGS = FusionSettings.from_params(SECTION)
CIVIC = REPO / "resources" / "knowledge" / "civic_predictive.tsv"
KNOWLEDGE = [str(MARKERS), str(CIVIC)]
TABLES = {"drugs": str(CIVIC.parent / "drugs.tsv"), "regions": str(CIVIC.parent / "regions.tsv")}


@pytest.fixture(scope="session")
def world(tmp_path_factory):
    return build_world(tmp_path_factory.getbasetemp() / "fusion_world")


def run_main(tmp_path, bam, world, strandedness="reverse", settings=None, **extra):
    """Run the rule entry like Snakemake would; return (passing rows, candidate rows, header of
    the passing table)."""
    out = Inputs(fusions=str(tmp_path / "fusions.tsv"), candidates=str(tmp_path / "candidates.tsv"))
    files = dict(bam=str(bam), genes=str(world.gtf), fasta=str(world.fasta), knowledge=KNOWLEDGE)
    files.update(TABLES)
    run_entry(
        "call_fusions",
        input=Inputs(**files, **extra),
        output=out,
        log=[str(tmp_path / "log.txt")],
        params=Inputs(
            sample_id="S1", settings={**SECTION, **(settings or {})}, strandedness=strandedness
        ),
    )

    def read(path):
        with open(path) as handle:
            return list(csv.DictReader(handle, delimiter="\t"))

    header = (tmp_path / "fusions.tsv").read_text().splitlines()[0]
    return read(out.fusions), read(out.candidates), header


def exon_border(world, gene, exon, side):
    """'contig:pos' of the first ('start') or last ('end') base of an exon, transcript direction."""
    g = {x.name: x for x in load_genes(world.gtf).values()}[gene]
    e = g.exons[exon - 1]
    first, last = (e.start, e.end) if g.strand == "+" else (e.end, e.start)
    return f"{g.contig}:{first if side == 'start' else last}"


@needs_star
def test_driver_fusion_called_once_in_frame(world, tmp_path):
    passing, candidates, header = run_main(tmp_path, world.bam["tumour"], world)
    assert header.split("\t") == [
        *("sample_id", "fusion", "gene5", "gene3", "breakpoint5", "breakpoint3"),
        *("exon5", "exon3", "split_reads", "spanning_pairs", "duplicates", "in_frame"),
        *("reading_frame", "known_driver"),
        *("driver_evidence", "main_isoform", "call", "mapq", "alternatives"),
        "knowledge_version",
    ]
    rows = [r for r in passing if r["fusion"] == "RRBP1::ALK"]
    assert len(rows) == 1
    (row,) = rows
    truth = world.truth["tumour"]["RRBP1::ALK"]
    annotated = (row["exon5"], row["exon3"], row["in_frame"], row["known_driver"])
    assert annotated == ("3", "3", "true", "true") and row["reading_frame"] == "in-frame"
    assert row["driver_evidence"] == "knowledge_base_fusion;kinase_3p"  # a marker row, too
    assert row["knowledge_version"].startswith("seed 2026-12-01; CIViC 2024-08-01; drugs ")
    assert row["breakpoint5"] == exon_border(world, "RRBP1", 3, "end")
    assert row["breakpoint3"] == exon_border(world, "ALK", 3, "start")
    assert abs(int(row["split_reads"]) - truth["split_reads"]) <= 3
    assert abs(int(row["spanning_pairs"]) - truth["spanning_pairs"]) <= 3


@needs_star
def test_out_of_frame_fusion_and_read_through(world, tmp_path):
    passing, candidates, _ = run_main(tmp_path, world.bam["tumour"], world)
    by_fusion = {r["fusion"]: r for r in candidates}
    oof = by_fusion["GENED::RRBP1"]
    annotated = (oof["exon5"], oof["exon3"], oof["in_frame"], oof["known_driver"])
    assert annotated == ("2", "4", "false", "false")
    assert oof["filter"] == "PASS"
    assert abs(int(oof["split_reads"]) - world.truth["tumour"]["GENED::RRBP1"]["split_reads"]) <= 3
    rt = by_fusion["GENEC::GENED"]  # aligned by STAR as ordinary spliced reads, not chimeric
    assert rt["filter"].split(";") == ["read_through"]
    assert abs(int(rt["split_reads"]) - world.truth["tumour"]["GENEC::GENED"]["split_reads"]) <= 3
    assert "GENEC::GENED" not in {r["fusion"] for r in passing}
    assert sorted(r["fusion"] for r in passing) == ["GENED::RRBP1", "RRBP1::ALK"]


@needs_star
def test_normal_sample_has_no_candidates(world, tmp_path):
    passing, candidates, _ = run_main(tmp_path, world.bam["normal"], world)
    assert passing == [] and candidates == []


@needs_star
def test_unstranded_mode_and_junction_file_give_same_calls(world, tmp_path):
    junctions = str(world.junctions["tumour"])
    bam = world.bam["tumour"]
    passing, _, _ = run_main(tmp_path, bam, world, "unstranded", junctions=junctions)
    row = {r["fusion"]: r for r in passing}["RRBP1::ALK"]
    assert abs(int(row["split_reads"]) - 30) <= 3 and abs(int(row["spanning_pairs"]) - 20) <= 3
    assert "not used" in (tmp_path / "log.txt").read_text()


@needs_star
def test_stricter_settings_filter_low_support(world, tmp_path):
    stricter = {"min_total_support": 100}
    passing, candidates, _ = run_main(tmp_path, world.bam["tumour"], world, settings=stricter)
    assert passing == []
    assert {r["filter"] for r in candidates} == {"low_support", "low_support;read_through"}


@needs_star
def test_support_at_given_fusion(world):
    index = GeneIndex(load_genes(world.gtf))
    bp5, bp3 = exon_border(world, "RRBP1", 3, "end"), exon_border(world, "ALK", 3, "start")
    tumour = support_at(str(world.bam["tumour"]), bp5, bp3, index, "reverse", SETTINGS)
    assert abs(tumour["split_reads"] - 30) <= 3 and abs(tumour["spanning_pairs"] - 20) <= 3
    normal = support_at(str(world.bam["normal"]), bp5, bp3, index, "reverse", SETTINGS)
    assert normal == {"split_reads": 0, "spanning_pairs": 0, "duplicates": "by_position"}
    with pytest.raises(ValueError, match="no gene at breakpoint chrB:20000"):
        support_at(str(world.bam["normal"]), bp5, "chrB:20000", index, "reverse", SETTINGS)


# ---- pure functions, no STAR needed ---------------------------------------------------------

GTF = """\
c1\tt\texon\t101\t200\t.\t+\t.\tgene_id "g1"; gene_name "AAA1"; transcript_id "t1"; exon_number "1";
c1\tt\tCDS\t151\t200\t.\t+\t0\tgene_id "g1"; gene_name "AAA1"; transcript_id "t1"; exon_number "1";
c1\tt\texon\t301\t400\t.\t+\t.\tgene_id "g1"; gene_name "AAA1"; transcript_id "t1"; exon_number "2";
c1\tt\tCDS\t301\t400\t.\t+\t1\tgene_id "g1"; gene_name "AAA1"; transcript_id "t1"; exon_number "2";
c1\tt\texon\t101\t400\t.\t+\t.\tgene_id "g1"; gene_name "AAA1"; transcript_id "t2"; tag "basic";
c1\tt\texon\t1001\t1100\t.\t+\t.\tgene_id "g2"; gene_name "AAA2"; transcript_id "t3";
c1\tt\texon\t5001\t5100\t.\t-\t.\tgene_id "g3"; gene_name "BBB"; transcript_id "t4";
c1\tt\texon\t9001\t9100\t.\t+\t.\tgene_id "g4"; gene_name "CCC"; transcript_id "t5";
c1\tt\texon\t9501\t9600\t.\t+\t.\tgene_id "g5"; gene_name "HLA-A"; transcript_id "t6";
c1\tt\texon\t9801\t9900\t.\t+\t.\tgene_id "g6"; gene_name "HLA-B"; transcript_id "t7";
"""


@pytest.fixture
def index(tmp_path):
    (tmp_path / "g.gtf").write_text(GTF)
    return GeneIndex(load_genes(tmp_path / "g.gtf"))


def test_annotation_canonical_exons_and_frame(index):
    g1 = index.by_name["AAA1"]
    assert g1.transcript_id == "t1"  # longest CDS when no transcript is tagged Ensembl_canonical
    assert g1.exon_ending_at(200) == 1 and g1.exon_starting_at(301) == 2
    # the 50th CDS base is base 2 of its codon
    assert g1.codon_position(151) == 0 and g1.codon_position(200) == 1
    assert g1.codon_position(301) == 2  # phase 1: one base completes the open codon
    assert g1.codon_position(250) is None and g1.exon_ending_at(199) is None
    assert [g.name for g in index.at("c1", 150)] == ["AAA1"] and index.at("c1", 700) == []


def test_read_through_needs_adjacent_same_strand_genes_in_order(index):
    g = index.by_name
    assert is_read_through(g["AAA1"], g["AAA2"], index, 200000)
    assert not is_read_through(g["AAA2"], g["AAA1"], index, 200000)  # wrong transcription order
    assert not is_read_through(g["AAA1"], g["AAA2"], index, 500)  # too far
    # BBB (minus strand) lies between
    assert not is_read_through(g["AAA2"], g["CCC"], index, 200000)
    assert not is_read_through(g["AAA1"], g["BBB"], index, 200000)  # different strands


def test_paralog_names_and_homology(index, tmp_path):
    assert is_paralog_pair("HLA-A", "HLA-B", "family")
    assert is_paralog_pair("FGFR1", "FGFR3", "family")
    assert not is_paralog_pair("RRBP1", "ALK", "family")
    assert not is_paralog_pair("BG01", "BG02", "family")
    assert is_paralog_pair("KRT8", "CK18", [["KRT", "CK"]])
    assert not is_paralog_pair("HLA-A", "HLA-B", [])
    rng = np.random.default_rng(1)
    seq = list(rng.choice(list("ACGT"), 10000))
    seq[9500:9600] = seq[9800:9900]  # HLA-A exon duplicates HLA-B's
    (tmp_path / "g.fa").write_text(">c1\n" + "".join(seq) + "\n")
    if shutil.which("samtools"):
        subprocess.run(["samtools", "faidx", tmp_path / "g.fa"], check=True)
    else:
        pysam.faidx(str(tmp_path / "g.fa"))
    fa = pysam.FastaFile(str(tmp_path / "g.fa"))
    g = index.by_name
    assert homologous(fa, g["HLA-A"], g["HLA-B"], 9600, 9801)
    assert not homologous(fa, g["AAA1"], g["CCC"], 400, 9001)


def test_mapq_support_and_known_driver_rules(index):
    reference = Reference(index)
    splits = [Split(f"f{i}", "g1", "g4", 400, 9001, 30, 0) for i in range(5)]
    (row,) = build_candidates(splits, [], SETTINGS, reference, "")
    assert row["filter"] == "low_mapq" and row["split_reads"] == 0 and row["fusion"] == "AAA1::CCC"
    (row,) = build_candidates(splits[:1], [], replace(SETTINGS, min_mapq=0), reference, "")
    assert row["filter"] == "low_support"
    short = [Split(f"f{i}", "g1", "g4", 400, 9001, 10, 255) for i in range(5)]
    (row,) = build_candidates(short, [], SETTINGS, reference, "")
    assert row["filter"] == "low_support"  # anchors below min_anchor are not support


def test_every_breakpoint_pair_has_a_row_and_the_best_supported_is_main(index):
    reference = Reference(index)
    border = [Split(f"b{i}", "g1", "g4", 400, 9001, 30, 60) for i in range(5)]
    inside = [Split(f"i{i}", "g1", "g4", 350, 9001, 30, 60) for i in range(3)]
    rows = mark_main_isoforms(build_candidates(inside + border, [], SETTINGS, reference, "S"))
    got = [(r["breakpoint5"], r["split_reads"], r["main_isoform"]) for r in rows]
    assert got == [("c1:400", 5, "true"), ("c1:350", 3, "false")]
    weak = mark_main_isoforms(build_candidates(inside[:1], [], SETTINGS, reference, "S"))
    assert weak[0]["filter"] == "low_support" and weak[0]["main_isoform"] == "false"


def test_pieces_follow_the_read_as_sequenced():
    cigar = [("S", 10), ("M", 20), ("N", 50), ("M", 30), ("H", 15)]  # reverse strand, 75 bases
    p = pieces("c", 100, "-", cigar, 60)
    spans = [(x.start, x.end, x.qstart, x.aligned) for x in p]
    assert spans == [(170, 199, 15, 30), (100, 119, 45, 20)]
