"""Gene counts of an aligned RNA BAM (rule count_rna_bam, rna/gene_counts.py) on the synthetic
world of helpers.build_world: on STAR's own BAM they reproduce STAR's GeneCounts, and the table
is the ReadsPerGene.out.tab the count matrix reads. (tests/integration/test_demo_rna.py checks
the same on the demo cohort.)"""

import pytest

from helpers import Inputs, build_world, needs_star, run_entry
from resistance_timeline.io.gene_model import build_model
from resistance_timeline.rna.count_matrix import read_gene_counts
from resistance_timeline.rna.gene_counts import SUMMARY_ROWS, count


@pytest.fixture(scope="session")
def world(tmp_path_factory):
    return build_world(tmp_path_factory.getbasetemp() / "fusion_world")  # as test_fusions's


@needs_star
def test_counts_of_star_bam_equal_star_gene_counts(world):
    genes, summary = count(str(world.bam["normal"]), str(world.gtf))
    star_summary, star_genes = read_gene_counts(str(world.gene_counts["normal"]))
    assert genes == star_genes and summary == star_summary
    genes, _ = count(str(world.bam["tumour"]), str(world.gtf))
    assert list(genes) == list(read_gene_counts(str(world.gene_counts["tumour"]))[1])


@needs_star
def test_entry_writes_star_layout(world, tmp_path):
    """From the gene model (rule build_gene_model), as the workflow runs it."""
    out = tmp_path / "sample.imported.ReadsPerGene.out.tab"
    model = tmp_path / "genes.model.tsv"
    build_model(world.gtf, model)
    run_entry(
        "count_rna_bam",
        input=Inputs(bam=str(world.bam["normal"]), genes=str(model)),
        output=[str(out)],
        log=[str(tmp_path / "log.txt")],
    )
    lines = out.read_text().splitlines()
    assert [line.split("\t")[0] for line in lines[:4]] == list(SUMMARY_ROWS)
    assert read_gene_counts(str(out)) == read_gene_counts(str(world.gene_counts["normal"]))
    assert "1400 fragments assigned (unstranded)" in (tmp_path / "log.txt").read_text()
