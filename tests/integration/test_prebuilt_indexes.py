"""A lab's own aligner indexes (config reference.bwa_index, reference.star_index): used in
place, no index job planned or run, and an index of another genome refused before any job
with the file named. Real bwa and STAR indexes of the test project's genome, built here."""

import subprocess

import pytest

from helpers import run_snakemake

GTF = (
    'chr1\t.\texon\t11\t60\t.\t+\t.\tgene_id "g1"; transcript_id "t1"; gene_name "GENEA";\n'
    'chr1\t.\texon\t121\t180\t.\t+\t.\tgene_id "g1"; transcript_id "t1"; gene_name "GENEA";\n'
)


@pytest.fixture
def lab_project(project):
    """The test project with a BWA and a STAR index of its FASTA made elsewhere, as a lab
    keeps them, named in its config."""
    project.write("ref/genes.gtf", GTF)
    lab = project.root / "lab"
    (lab / "star").mkdir(parents=True)
    fasta = project.root / "ref" / "genome.fa"
    subprocess.run(["bwa", "index", "-p", lab / "bwa", fasta], check=True, capture_output=True)
    star = ["STAR", "--runMode", "genomeGenerate", "--genomeDir", lab / "star"]
    star += ["--genomeFastaFiles", fasta, "--genomeSAindexNbases", "4"]
    star += ["--sjdbGTFfile", project.root / "ref" / "genes.gtf", "--sjdbOverhang", "39"]
    subprocess.run(star + ["--outFileNamePrefix", f"{lab}/"], check=True, capture_output=True)
    text = (project.root / "config.yaml").read_text()
    project.write(
        "config.yaml",
        text + f"  bwa_index: {lab}/bwa\n  star_index: {lab}/star\n",
    )
    return project


def run(project, *args):
    result = run_snakemake(
        "--configfile", str(project.root / "config.yaml"), *args, cwd=project.root
    )
    return result, result.stdout + result.stderr


def test_lab_indexes_plan_no_index_job_and_are_read_in_place(lab_project):
    lab = lab_project.root / "lab"
    result, out = run(lab_project, "-n", "-p")
    assert result.returncode == 0, out[-4000:]
    assert "index_reference_bwa" not in out and "build_star_index" not in out
    assert f" {lab}/bwa results/reads/P1/P1-N.L1.R1.fastq.gz" in out
    assert f"--genomeDir {lab}/star" in out


def test_lab_indexes_align_for_real(lab_project):
    """The alignment rules run on the lab's indexes; nothing is built under results/."""
    targets = ["results/align/P1/P1-N.bam", "results/rna/P1/P1-R0.bam"]
    result, out = run(lab_project, "--cores", "2", *targets)
    assert result.returncode == 0, out[-4000:]
    for target in targets:
        assert (lab_project.root / target).stat().st_size > 0
    reference = lab_project.root / "results" / "reference"
    assert not (reference / "star").exists() and not (reference / "genome.fa.bwt").exists()


def test_star_index_of_another_genome_is_refused_before_any_job(lab_project):
    other = lab_project.root / "other.fa"
    other.write_text(">chr1\n" + "ACGT" * 60 + "\n>chr2\n" + "GATC" * 50 + "\n")
    folder = lab_project.root / "lab" / "star"
    (folder / "chrNameLength.txt").write_text("chr1\t240\nchr2\t200\n")
    for mode in (["-n"], ["--cores", "1"]):
        result, out = run(lab_project, *mode)
        assert result.returncode != 0
        assert "the sample sheets are invalid (1 problem(s)); nothing was run." in out
        assert (
            f"key 'reference: star_index': {folder}/chrNameLength.txt was built from another "
            f"FASTA than reference.fasta {lab_project.root}/ref/genome.fa: 'chr1' is 240 bp in "
            "the index, 200 bp in the FASTA." in out
        )
        assert "Traceback" not in out
        assert not (lab_project.root / "results").exists()
