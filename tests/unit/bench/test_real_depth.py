"""The pure parts of the real-depth benchmark (bench/real_depth.py, real_cohort.py,
real_reads.py): rule order from a rule graph, Snakemake's job stats, per-M-pairs arithmetic,
the synthetic gene model and its GTF/GFF3, the mixture behind the expected VAFs. No tool runs
here (bench/README.md)."""

import importlib
import math
from types import SimpleNamespace

import pandas as pd
import pytest

from helpers import REPO


@pytest.fixture(scope="module")
def bench():
    """bench/'s modules, imported as when run from bench/ (the path restored afterwards)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(REPO / "bench"))
        names = ("real_cohort", "real_depth", "real_reads")
        yield SimpleNamespace(**{n[5:]: importlib.import_module(n) for n in names})


RULEGRAPH = """\
digraph snakemake_dag {
    graph[bgcolor=white, margin=0];
	0[label = "all", color = "0.03 0.6 0.85", style="rounded"];
	1[label = "mark_duplicates", color = "0.38 0.6 0.85", style="rounded"];
	2[label = "align_reads", color = "0.00 0.6 0.85", style="rounded"];
	3[label = "index_reference_bwa", color = "0.35 0.6 0.85", style="rounded"];
	4[label = "trim_reads", color = "0.65 0.6 0.85", style="rounded"];
	1 -> 0
	2 -> 1
	3 -> 2
	4 -> 2
}
"""


def test_rule_order_is_topological_with_ties_by_node_id(bench):
    assert bench.depth.rule_order(RULEGRAPH) == [
        "index_reference_bwa",
        "trim_reads",
        "align_reads",
        "mark_duplicates",
        "all",
    ]


def test_rule_order_refuses_a_cycle(bench):
    with pytest.raises(ValueError, match="cycle"):
        bench.depth.rule_order(RULEGRAPH.replace("}", "\t0 -> 4\n}"))


def test_job_stats_reads_the_first_table_without_its_total(bench):
    log = (
        "Building DAG of jobs...\nJob stats:\njob                 count\n"
        "------------------  -------\ntrim_reads                7\nall                       1\n"
        "total                     8\n\nSelect jobs to execute...\nJob stats:\njob  count\n"
    )
    assert bench.depth.job_stats(log) == {"trim_reads": 7, "all": 1}
    assert bench.depth.job_stats("Nothing to be done (all requested files are present).") == {}


def test_samples_are_named_as_whole_ids_in_benchmark_paths(bench):
    paths = ["align_reads/RD01/RD01-T0.L1.tsv", "align_reads/RD01/RD01-T2.L1.tsv"]
    ids = ["RD01-N", "RD01-T0", "RD01-T2", "RD01-T"]
    assert bench.depth.samples_in(paths, ids) == ["RD01-T0", "RD01-T2"]
    assert bench.depth.samples_in(["genotype_timepoints/RD01.tsv"], ids) == []


def test_cpu_per_million_pairs(bench):
    assert bench.depth.per_million(12.0, 3_000_000) == pytest.approx(4.0)
    assert math.isnan(bench.depth.per_million(1.0, 0))


def toy_gene(strand):
    """Two isoforms' CDS rows of one gene (1-based, closed) and an unrelated gene."""
    rows = [
        ("TOY", strand, "chr20", 1001, 1100),
        ("TOY", strand, "chr20", 1051, 1120),  # overlaps the first: merged to 1001-1120
        ("TOY", strand, "chr20", 2001, 2050),  # CDS 120 + 50 = 170: 2 bases trimmed at 3'
        ("OTHER", "+", "chr2", 1, 600),
    ]
    frame = pd.DataFrame(rows, columns=["gene_name", "Strand", "_labels", "_starts", "_ends"])
    return frame.assign(gene_type="protein_coding")


@pytest.mark.parametrize("strand", ["+", "-"])
def test_one_synthetic_transcript_per_gene_from_merged_cds(bench, strand):
    genes = bench.cohort.gene_models(toy_gene(strand), "20", 10_000)
    assert list(genes) == ["TOY"]
    g = genes["TOY"]
    cds = g.segments(g.cds_start, g.cds_end)
    assert sum(b - a for a, b, _ in cds) == 168
    if strand == "+":  # 0-based half-open; the 3' end trimmed; UTRs on the end exons
        assert [(a, b) for a, b, _ in cds] == [(1000, 1120), (2000, 2048)]
        assert g.exons == [(900, 1120), (2000, 2348)]
    else:
        assert [(a, b) for a, b, _ in cds] == [(2000, 2050), (1002, 1120)]
        assert g.exons == [(2000, 2150), (702, 1120)]
    assert g.cds_start == 100 and g.cds_end == 268


def test_gtf_and_gff3_of_a_toy_gene(bench, tmp_path):
    genes = bench.cohort.gene_models(toy_gene("-"), "20", 10_000)
    bench.cohort.write_gtf(tmp_path / "a.gtf", {"20": range(10_000)}, genes)
    bench.cohort.write_gff3(tmp_path / "a.gff3", {"20": range(10_000)}, genes)
    gtf = [line.split("\t") for line in (tmp_path / "a.gtf").read_text().splitlines()]
    assert [r[2] for r in gtf].count("exon") == 2 and all(r[0] == "20" for r in gtf)
    cds = [r for r in gtf if r[2] == "CDS"]  # the GTF's CDS leaves out the stop codon
    assert sum(int(r[4]) - int(r[3]) + 1 for r in cds) == 165
    assert [r[7] for r in cds] == ["0", "1"]
    assert 'gene_name "TOY"' in gtf[0][8] and 'transcript_id "ENSTRT00000000001"' in gtf[1][8]
    gff3 = (tmp_path / "a.gff3").read_text().splitlines()
    assert gff3[:2] == ["##gff-version 3", "##sequence-region   20 1 10000"]
    rows = [line.split("\t") for line in gff3 if not line.startswith("#")]
    assert sum(int(r[4]) - int(r[3]) + 1 for r in rows if r[2] == "CDS") == 168
    assert {r[2] for r in rows} >= {"gene", "mRNA", "exon", "CDS", "five_prime_UTR"}


def test_targets_are_cds_exons_padded_and_merged_with_names(bench):
    genes = bench.cohort.gene_models(toy_gene("+"), "20", 10_000)
    assert bench.cohort.targets(genes, ["TOY"]) == [
        ("20", 980, 1140, "TOY"),
        ("20", 1980, 2068, "TOY"),
    ]


def test_expected_vafs_follow_purity_clones_and_copies(bench):
    vaf = bench.reads.expected_vaf
    assert vaf("RD01-T0", 0.6, "C0", "neutral") == pytest.approx(0.3)
    assert vaf("RD01-T0", 0.6, "C1", "neutral") == pytest.approx(0.15)  # ccf 0.5
    assert vaf("RD01-T0", 0.6, "C2", "neutral") == 0.0
    assert vaf("RD01-T2", 0.5, "C0", "amp") == pytest.approx(2.5 / 4)  # 5 of 6 copies
    assert vaf("RD01-T0", 0.6, "C0", "loss") == pytest.approx(0.6 / 1.4)  # hapB lost
    assert vaf("RD01-N", 0.0, "C0", "neutral") == 0.0
    for sample, purity in (("RD01-P2", 0.15), ("RD01-T0", 0.6)):
        for cls in ("neutral", "amp", "loss"):
            w = bench.reads.weights(sample, purity, cls)
            ca, cb = bench.reads.copies(sample, cls)
            assert sum(w.values()) == pytest.approx(2 * (1 - purity) + purity * (ca + cb))
