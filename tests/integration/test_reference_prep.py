"""The reference derivatives (rules/reference.smk): a plain FASTA is linked in place, not
copied, with its .fai linked too when it is current; a gzipped one is decompressed; the GTF
is parsed once into the gene model the RNA rules read; a vendor capture BED without gene
names is named from the GFF3."""

import gzip
import subprocess

import pytest

from helpers import Project, run_snakemake
from resistance_timeline.io.gene_model import read_model

TARGETS = ["results/reference/genome.fa.fai", "results/reference/genes.model.tsv"]


def prepare(project):
    args = ["--configfile", str(project.root / "config.yaml"), "--cores", "1", *TARGETS]
    result = run_snakemake(*args, cwd=project.root)
    assert result.returncode == 0, result.stderr[-3000:]
    return project.root / "results" / "reference"


@pytest.fixture
def project(tmp_path):
    return Project(tmp_path)


def test_plain_fasta_and_current_index_are_linked(project):
    subprocess.run(["samtools", "faidx", project.root / "ref" / "genome.fa"], check=True)
    ref = prepare(project)
    fasta, fai = ref / "genome.fa", ref / "genome.fa.fai"
    assert fasta.is_symlink() and fasta.resolve() == (project.root / "ref" / "genome.fa")
    assert fai.is_symlink() and fai.read_text().startswith("chr1\t200\t")
    model = read_model(ref / "genes.model.tsv")
    assert model.order == ["g1"] and model.unions["g1"] == ("chr1", "+", [(11, 100)])


def test_gzipped_fasta_is_decompressed(project):
    plain = project.root / "ref" / "genome.fa"
    with gzip.open(f"{plain}.gz", "wt") as handle:
        handle.write(plain.read_text())
    project.edit("config.yaml", "ref/genome.fa", "ref/genome.fa.gz")
    ref = prepare(project)
    assert not (ref / "genome.fa").is_symlink() and not (ref / "genome.fa.fai").is_symlink()
    assert (ref / "genome.fa").read_text() == plain.read_text()
    assert (ref / "genome.fa.fai").read_text().splitlines()[1].startswith("chr2\t200\t")


def test_vendor_bed_without_names_is_named_from_the_gff3(project):
    project.write(
        "ref/genes.gff3",
        "##gff-version 3\n"
        "chr1\t.\tgene\t11\t100\t.\t+\t.\tID=gene:g1;Name=GENEA;biotype=protein_coding\n"
        "chr2\t.\tgene\t41\t150\t.\t+\t.\tID=gene:g2;Name=GENEB;biotype=protein_coding\n",
    )
    project.write("ref/targets.bed", "chr2\t20\t60\nchr1\t10\t50\nchr1\t50\t90\nchr2\t160\t170\n")
    args = ["--configfile", str(project.root / "config.yaml"), "--cores", "1"]
    result = run_snakemake(*args, "results/reference/targets.bed", cwd=project.root)
    assert result.returncode == 0, result.stderr[-3000:]
    targets = project.root / "results" / "reference" / "targets.bed"
    assert targets.read_text().splitlines() == [
        "chr1\t10\t90\tGENEA",
        "chr2\t20\t60\tGENEB",
        "chr2\t160\t170\t-",
    ]
    log = (project.root / "logs" / "prepare_targets" / "targets.log").read_text()
    assert "4 intervals of " in log and "3 named from the genes they overlap, 1 overlap no" in log
