"""The parse-time checks of the reference files (resistance_timeline.setup.reference_files):
contig names shared by the FASTA, targets, GFF3, GTF and BAM units (``chr1`` vs ``1``), files
of the wrong format, and the knowledge base's rows."""

import subprocess

import pytest
from setup_support import bad_input, only_problem, problems

from helpers import REPO
from resistance_timeline.io.knowledge_format import KnowledgeFormatError
from resistance_timeline.knowledge.tables import load_knowledge
from resistance_timeline.setup import reference_files

KNOWLEDGE = REPO / "resources" / "knowledge"
DRUGS, REGIONS = KNOWLEDGE / "drugs.tsv", KNOWLEDGE / "regions.tsv"

GFF3_GENE = "chr1\t.\tgene\t11\t100\t.\t+\t.\tID=g1\n"


def bam_unit(project, sample, contigs):
    """Make the sample's unit an aligned BAM whose header has ``contigs`` (name, length)."""
    pysam = pytest.importorskip("pysam")
    header = {"HD": {"VN": "1.6"}, "SQ": [{"SN": n, "LN": ln} for n, ln in contigs]}
    bam = project.root / "reads" / f"{sample}.bam"
    with pysam.AlignmentFile(str(bam), "wb", header=header):
        pass
    fastqs = f"reads/{sample}.R1.fastq.gz\treads/{sample}.R2.fastq.gz\t"
    project.edit("units.tsv", fastqs, f"\t\treads/{sample}.bam")
    return bam


@bad_input("targets-contig-names")
def test_targets_named_without_chr_prefix(project):
    project.write("ref/targets.bed", "1\t10\t100\tGENEA\n2\t20\t80\tGENEB\n")
    msg = only_problem(project)
    assert msg.startswith(
        f"{project.root}/ref/targets.bed (reference: targets): none of its targets"
    )
    assert "'1' (line 1), '2' (line 2)" in msg and "differ by a 'chr' prefix" in msg


@bad_input("targets-not-bed")
def test_targets_bed_with_an_unmarked_header_line(project):
    project.write("ref/targets.bed", "chrom\tstart\tend\nchr1\t10\t100\n")
    msg = only_problem(project)
    assert msg.startswith(f"{project.root}/ref/targets.bed (reference: targets), line 1: not a BED")


@bad_input("bam-contig-names")
def test_bam_unit_with_other_contig_names(project):
    bam_unit(project, "P1-N", [("1", 200), ("2", 200)])
    msg = only_problem(project)
    assert "units.tsv, line 2 (sample P1-N), column 'bam': " in msg
    assert "is aligned to contigs not in the reference (1, 2)" in msg and "'chr' prefix" in msg


@bad_input("bam-other-assembly")
def test_bam_unit_on_other_assembly(project):
    bam_unit(project, "P1-N", [("chr1", 999), ("chr2", 200)])
    msg = only_problem(project)
    assert "line 2 (sample P1-N), column 'bam'" in msg
    assert "has contig chr1 of length 999 but the reference has 200" in msg


@bad_input("bam-not-bam")
def test_bam_unit_that_is_not_a_bam(project):
    bam_unit(project, "P1-N", [("chr1", 200)]).write_text("@HD\tVN:1.6\n")
    msg = only_problem(project)
    assert "line 2 (sample P1-N), column 'bam': " in msg and "is neither a BAM nor a CRAM" in msg


@bad_input("gtf-no-genes-on-reference")
def test_gtf_with_no_genes_on_the_reference_contigs(project):
    project.write("ref/genes.gtf", 'chrX\t.\texon\t11\t100\t.\t+\t.\tgene_id "g1";\n')
    msg = only_problem(project)
    assert f"{project.root}/ref/genes.gtf (reference: gtf): none of its genes are on the " in msg
    assert "contigs not in the reference FASTA" in msg and "'chrX' (line 1)" in msg


@bad_input("gtf-without-exons")
def test_gtf_without_exon_lines(project):
    project.write("ref/genes.gtf", 'chr1\t.\tgene\t11\t100\t.\t+\t.\tgene_id "g1";\n')
    msg = only_problem(project)
    assert "genes.gtf (reference: gtf): no 'exon' lines (feature types found: gene)" in msg


@bad_input("gff3-unusable")
def test_gtf_given_as_the_gff3(project):
    project.write("ref/genes.gff3", 'chr1\t.\tgene\t11\t100\t.\t+\t.\tgene_id "g1";\n')
    msg = only_problem(project)
    assert "genes.gff3 (reference: gff3), line 1: written in GTF syntax" in msg
    assert "bcftools csq needs a GFF3 (ID=...;Parent=...)" in msg


def test_gff3_with_too_few_columns(project):
    project.write("ref/genes.gff3", "##gff-version 3\n" + GFF3_GENE + "chr1 . gene 5 9\n")
    msg = only_problem(project)
    assert "genes.gff3 (reference: gff3), line 3: not a GFF line: it needs 9 tab-separated" in msg


def test_gff3_with_a_fasta_section_is_read_to_it(project):
    project.write("ref/genes.gff3", GFF3_GENE + "##FASTA\n>chr1\nACGT\n")
    assert problems(project) == []


@bad_input("reference-file-missing")
def test_reference_file_missing(project):
    (project.root / "ref" / "genes.gtf").unlink()
    msg = only_problem(project)
    assert msg == (
        f"config.yaml, key 'reference: gtf': file not found: {project.root}/ref/genes.gtf"
    )


def test_demo_reference_passes(demo_cohort):
    ref = demo_cohort / "reference"
    reference = {
        "fasta": str(ref / "genome.fa"),
        "gff3": str(ref / "annotation.gff3"),
        "gtf": str(ref / "annotation.gtf"),
        "targets": str(ref / "targets.bed"),
    }
    assert reference_files.check_reference(reference, []) == []


def test_fasta_lengths_without_fai_match_samtools(tmp_path, monkeypatch):
    fasta = tmp_path / "g.fa"
    fasta.write_text(">c1 desc\nACGT\nAC\n>c2\n" + "G" * 70 + "\nTT\n>c4\nA")
    monkeypatch.setattr(reference_files, "FASTA_BLOCK_BYTES", 7)  # headers across block borders
    expected = {"c1": 6, "c2": 72, "c4": 1}
    assert reference_files.fasta_contigs(str(fasta)) == expected
    subprocess.run(["samtools", "faidx", str(fasta)], check=True)
    assert reference_files.fasta_contigs(str(fasta)) == expected  # now from the .fai


def _seed_lines():
    return (REPO / "resources" / "resistance_markers.tsv").read_text().splitlines(keepends=True)


@bad_input("knowledge-base-malformed-row")
def test_knowledge_base_row_with_missing_cells(tmp_path):
    """The workflow loads the knowledge at parse time (rules/common.smk): a malformed row
    stops it with the file, line and column."""
    lines = _seed_lines()
    header = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    path = tmp_path / "markers.tsv"
    path.write_text("".join(lines[: header + 1]) + "ALK G1202R lorlatinib resistance\n")
    with pytest.raises(KnowledgeFormatError) as error:
        load_knowledge([path], DRUGS, REGIONS)
    assert error.value.path == str(path) and error.value.line == header + 2
    assert str(error.value).startswith(f"{path}, line {header + 2}")


def test_shipped_knowledge_base_passes():
    sources = [REPO / "resources" / "resistance_markers.tsv", KNOWLEDGE / "curated_resistance.tsv"]
    sources.append(KNOWLEDGE / "civic_predictive.tsv")
    assert len(load_knowledge(sources, DRUGS, REGIONS)) > 500


@bad_input("fasta-not-fasta")
def test_reference_fasta_without_sequences(project):
    project.write("ref/genome.fa", "ACGT\n")  # no '>' header line
    msg = only_problem(project)
    assert msg == (
        f"config.yaml, key 'reference: fasta': {project.root}/ref/genome.fa holds no sequence "
        "(no '>' line)"
    )
