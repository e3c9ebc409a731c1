"""A lab's prebuilt indexes (resistance_timeline.setup.indexes), checked at parse time: a
complete BWA index and STAR directory of the same FASTA (contigs by name, order and length),
a STAR index format the running STAR loads, gene annotation inside when there is RNA. The
indexes here are fakes written file by file, except one real BWA and STAR index of the test
project's genome (the tools' own files, so the parsers read what bwa and STAR write)."""

import shutil
import subprocess

import pytest
from setup_support import bad_input, only_problem, problems

from resistance_timeline.setup import indexes

FASTA = {"chr1": 200, "chr2": 200}


def fake_bwa(prefix, contigs):
    """The five files of a BWA index whose .ann lists ``contigs`` (name, length)."""
    lines = [f"{sum(n for _, n in contigs)} {len(contigs)} 11"]
    offset = 0
    for name, length in contigs:
        lines += [f"0 {name} (null)", f"{offset} {length} 0"]
        offset += length
    for suffix in indexes.BWA_SUFFIXES:
        prefix.with_name(prefix.name + suffix).write_text("x")
    prefix.with_name(prefix.name + ".ann").write_text("\n".join(lines) + "\n")
    return prefix


def fake_star(folder, contigs, version="2.7.4a", annotated=True):
    """A STAR genome directory with ``contigs``, made by a STAR of genome format ``version``."""
    folder.mkdir(exist_ok=True)
    for name in ("Genome", "SA", "SAindex"):
        (folder / name).write_bytes(b"x" * 1000)
    (folder / "chrNameLength.txt").write_text("".join(f"{n}\t{ln}\n" for n, ln in contigs))
    gtf = "/ref/genes.gtf" if annotated else "-"
    (folder / "genomeParameters.txt").write_text(
        f"### STAR --runMode genomeGenerate\nversionGenome\t{version}\nsjdbGTFfile\t{gtf}\n"
    )
    if annotated:
        (folder / "exonGeTrInfo.tab").write_text("1\n")
    return folder


def with_index(project, key, path):
    """The project's config with reference.<key> set to ``path``."""
    config = project.config
    config["reference"][key] = str(path)
    return config


def test_contig_differences_name_order_length_and_count():
    same = indexes.contig_differences(dict(FASTA), dict(FASTA))
    assert same == []
    swapped = indexes.contig_differences({"chr2": 200, "chr1": 200}, FASTA)
    assert swapped[0] == "contig 1 is 'chr2' in the index, 'chr1' in the FASTA"
    longer = indexes.contig_differences({"chr1": 250, "chr2": 200}, FASTA)
    assert longer == ["'chr1' is 250 bp in the index, 200 bp in the FASTA"]
    alts = {**FASTA, **{f"chr1_alt{i}": 10 for i in range(5)}}
    extra = indexes.contig_differences(alts, FASTA)
    assert extra == [
        "7 contigs in the index, 2 in the FASTA (only the index has 'chr1_alt0' and 4 more)"
    ]
    renamed = {f"{i}": 200 for i in range(1, 6)}
    many = indexes.contig_differences(renamed, {f"chr{i}": 200 for i in range(1, 6)})
    assert len(many) == 4 and many[-1] == "... and 2 more difference(s)"


def test_star_genome_format_by_release():
    assert indexes.star_genome_format("2.7.10b") == "2.7.4a"
    assert indexes.star_genome_format("2.7.4a") == "2.7.4a"
    assert indexes.star_genome_format("2.7.11b") == "2.7.4a"
    # older releases and unknown future ones: not checked
    assert indexes.star_genome_format("2.7.3a") is None
    assert indexes.star_genome_format("2.6.1d") is None
    assert indexes.star_genome_format("3.0.0") is None
    assert indexes.star_genome_format(None) is None


def test_a_complete_matching_bwa_and_star_index_pass(project):
    config = with_index(project, "bwa_index", fake_bwa(project.root / "ref" / "lab", FASTA.items()))
    config["reference"]["star_index"] = str(fake_star(project.root / "star", FASTA.items()))
    assert problems(project, config=config) == []


@bad_input("bwa-index-incomplete")
def test_bwa_index_with_missing_files(project):
    prefix = fake_bwa(project.root / "ref" / "lab", FASTA.items())
    prefix.with_name("lab.sa").unlink()
    msg = only_problem(project, config=with_index(project, "bwa_index", prefix))
    assert msg == (
        f"config.yaml, key 'reference: bwa_index': {prefix} is not a complete "
        f"BWA index (the prefix of .amb, .ann, .bwt, .pac, .sa): missing {prefix}.sa"
    )


@bad_input("bwa-index-other-fasta")
def test_bwa_index_of_another_fasta(project):
    prefix = fake_bwa(project.root / "ref" / "lab", [("1", 200), ("2", 200)])
    msg = only_problem(project, config=with_index(project, "bwa_index", prefix))
    assert msg.startswith(
        f"config.yaml, key 'reference: bwa_index': {prefix}.ann was built from "
        f"another FASTA than reference.fasta {project.root}/ref/genome.fa: contig 1 is '1' in "
        "the index, 'chr1' in the FASTA; contig 2 is '2' in the index, 'chr2' in the FASTA."
    )


@bad_input("star-index-incomplete")
def test_star_index_with_missing_files(project):
    folder = fake_star(project.root / "star", FASTA.items())
    (folder / "SA").unlink()
    msg = only_problem(project, config=with_index(project, "star_index", folder))
    assert msg.endswith(
        f"{folder} is not a complete STAR index: missing SA (STAR --runMode "
        "genomeGenerate writes them)"
    )


@bad_input("star-index-other-genome")
def test_star_index_of_another_genome(project):
    folder = fake_star(project.root / "star", [("chr1", 248956422), ("chr2", 242193529)])
    msg = only_problem(project, config=with_index(project, "star_index", folder))
    assert msg == (
        f"config.yaml, key 'reference: star_index': {folder}/chrNameLength.txt "
        f"was built from another FASTA than reference.fasta {project.root}/ref/genome.fa: "
        "'chr1' is 248,956,422 bp in the index, 200 bp in the FASTA; 'chr2' is 242,193,529 bp "
        "in the index, 200 bp in the FASTA. Give the index built from this FASTA, or the FASTA "
        "it was built from"
    )


@bad_input("star-index-version")
def test_star_index_of_an_incompatible_star(tmp_path):
    folder = fake_star(tmp_path / "star", FASTA.items(), version="2.7.1a")
    where = "config.yaml, key 'reference: star_index'"
    found = indexes.check_star_index(folder, FASTA, "genome.fa", True, "2.7.10b", where)
    assert found == [
        f"{where}: {folder}/genomeParameters.txt: index format versionGenome 2.7.1a, but "
        "STAR 2.7.10b loads only 2.7.4a: rebuild it with STAR 2.7.10b (STAR --runMode "
        "genomeGenerate), or leave the key out and the workflow builds one"
    ]


@bad_input("star-index-no-annotation")
def test_star_index_without_annotation_for_rna(project):
    folder = fake_star(project.root / "star", FASTA.items(), annotated=False)
    msg = only_problem(project, config=with_index(project, "star_index", folder))
    assert "was built without gene annotation (sjdbGTFfile -, no exonGeTrInfo.tab)" in msg
    assert "rebuild it with --sjdbGTFfile" in msg


def test_star_index_not_checked_without_rna(project):
    """A WES-only cohort never reads the STAR index: a wrong one is not an error."""
    project.edit("samples.tsv", "P1\tP1-R0\trna\ttumor\t0\tdiagnosis\t\n", "")
    project.edit("units.tsv", "P1-R0\tL1\treads/P1-R0.R1.fastq.gz\treads/P1-R0.R2.fastq.gz\t\n", "")
    folder = fake_star(project.root / "star", [("1", 5)], annotated=False)
    assert problems(project, config=with_index(project, "star_index", folder)) == []


@pytest.mark.skipif(not (shutil.which("bwa") and shutil.which("STAR")), reason="bwa, STAR")
def test_real_indexes_of_the_project_genome_read_back(tmp_path):
    """The parsers read what bwa index and STAR genomeGenerate really write."""
    fasta = tmp_path / "genome.fa"
    fasta.write_text(
        ">chr1\n" + "ACGTTGCAAGGCTTAC" * 80 + "\n>chr2\n" + "GATTACAGGCCATTGA" * 60 + "\n"
    )
    subprocess.run(["bwa", "index", fasta], check=True, capture_output=True)
    assert indexes.bwa_contigs(f"{fasta}.ann") == {"chr1": 1280, "chr2": 960}
    star = tmp_path / "star"
    star.mkdir()
    subprocess.run(
        [
            "STAR",
            "--runMode",
            "genomeGenerate",
            "--genomeDir",
            star,
            "--genomeFastaFiles",
            fasta,
            "--genomeSAindexNbases",
            "4",
            "--outFileNamePrefix",
            f"{tmp_path}/",
        ],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    assert indexes.star_contigs(star) == {"chr1": 1280, "chr2": 960}
    version = indexes.star_version()
    assert indexes.star_parameters(star)["versionGenome"] == indexes.star_genome_format(version)
    found = indexes.check_star_index(
        star, {"chr1": 1280, "chr2": 960}, str(fasta), True, version, "config.yaml"
    )
    assert found == [
        f"config.yaml: {star} was built without gene annotation (sjdbGTFfile -, no "
        "exonGeTrInfo.tab), but the cohort's RNA samples need it for gene counts and splice "
        "junctions: rebuild it with --sjdbGTFfile (the GTF of reference.gtf), or leave the key "
        "out and the workflow builds one"
    ]
