"""Multi-mapping reads as fusion evidence (rna/fusion_multimappers.py): the synthetic STAR world
of helpers.build_world with a processed pseudogene of RRBP1 (its spliced transcript, identical,
written into chrB), so RRBP1's exonic reads align to two places with MAPQ 3, and pure tests of
the rule that reduces a read to one alignment.

Simulated truth (helpers.EVENTS): RRBP1::ALK 30 split reads and 20 spanning pairs (RRBP1 the 5'
partner), GENED::RRBP1 25 and 15 (RRBP1 the 3' partner). With only primary alignments read, as
before, 7 and 8 split reads are left (30/20 and 24/14 with them).
"""

from dataclasses import replace

import pytest

from helpers import build_world, needs_star, transcript
from resistance_timeline.io.annotation import CDS, Gene, GeneIndex
from resistance_timeline.io.gene_model import load_genes
from resistance_timeline.rna.fusion_evidence import Spanning, Split
from resistance_timeline.rna.fusion_multimappers import resolve
from resistance_timeline.rna.fusions import FusionSettings, call_fusions
from resistance_timeline.setup.config import schema_defaults

SETTINGS = FusionSettings.from_params(schema_defaults("fusions"))

START = 20000  # 0-based start of RRBP1's processed copy on chrB, + strand


def add_processed_pseudogene(contigs, genes):
    """RRBP1's spliced transcript written into chrB at START (no introns, as a processed
    pseudogene)."""
    tx = transcript(genes, "RRBP1")
    contigs["chrB"] = contigs["chrB"][:START] + tx + contigs["chrB"][START + len(tx) :]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.getbasetemp() / "pseudogene_world"
    return build_world(root, edit_genome=add_processed_pseudogene)


@pytest.fixture(scope="module")
def annotated(world, tmp_path_factory):
    """The world's GTF with the copy listed as GENCODE lists processed pseudogenes: a gene
    RRBP1P1 of one exon, no CDS."""
    gtf = tmp_path_factory.mktemp("annotated") / "genes.gtf"
    length = GeneIndex(load_genes(world.gtf)).by_name["RRBP1"].exonic_length
    ids = 'gene_id "G900"; gene_name "RRBP1P1";'
    rows = [
        ("gene", ids),
        ("transcript", ids + ' transcript_id "T900"; tag "basic,Ensembl_canonical";'),
        ("exon", ids + ' transcript_id "T900"; exon_number "1";'),
    ]
    extra = "".join(
        f"chrB\ttest\t{kind}\t{START + 1}\t{START + length}\t.\t+\t.\t{attrs}\n"
        for kind, attrs in rows
    )
    gtf.write_text(world.gtf.read_text() + extra)
    return gtf


def calls(world, sample, gtf=None, settings=SETTINGS):
    """(passing main calls by fusion, every candidate row) of one sample of the world."""
    bam, gtf = world.bam[sample], gtf or world.gtf
    rows = call_fusions(str(bam), str(gtf), sample, settings, "reverse", fasta=str(world.fasta))
    main = {r["fusion"]: r for r in rows if r["main_isoform"] == "true"}
    return main, rows


@needs_star
def test_reads_on_a_pseudogene_copy_support_the_fusion(world):
    main, _ = calls(world, "tumour")
    alk, rrbp1 = main["RRBP1::ALK"], main["GENED::RRBP1"]
    # 30/20 and 25/15 simulated; reads crossing the junction by fewer than min_anchor bases,
    # or pairs STAR aligns otherwise, are lost as without a pseudogene
    assert alk["split_reads"] >= 28 and alk["spanning_pairs"] >= 18, alk
    assert rrbp1["split_reads"] >= 22 and rrbp1["spanning_pairs"] >= 12, rrbp1
    assert alk["in_frame"] == "true" and rrbp1["in_frame"] == "false"
    assert alk["mapq"] == "3"  # median MAPQ of the support: most of it multi-mapped
    assert set(main) == {"RRBP1::ALK", "GENED::RRBP1"}


@needs_star
def test_primary_alignments_alone_lose_most_of_the_support(world):
    main, _ = calls(world, "tumour", settings=replace(SETTINGS, resolve_multimappers=False))
    assert main["RRBP1::ALK"]["split_reads"] <= 10
    assert main["GENED::RRBP1"]["split_reads"] <= 10


@needs_star
def test_an_annotated_pseudogene_never_takes_the_parent_genes_reads(world, annotated):
    main, rows = calls(world, "tumour", gtf=annotated)
    copies = [r for r in rows if "RRBP1P1" in r["fusion"]]
    # one read pair STAR placed on the copy alone (NH 1) stays there, as a low_support row
    assert all(r["filter"] != "PASS" for r in copies)
    assert sum(r["split_reads"] + r["spanning_pairs"] for r in copies) <= 2
    assert main["RRBP1::ALK"]["split_reads"] >= 27


@needs_star
def test_normal_sample_still_has_no_candidates(world, annotated):
    assert calls(world, "normal", gtf=annotated) == ({}, [])


# ---- the rule, on hand-made alternatives ----------------------------------------------------
def gene(gene_id, coding=True):
    cds = [CDS(1, 100, 0)] if coding else []
    return Gene(gene_id, gene_id, "chr1", "+", 1, 100, cds=cds)


INDEX = GeneIndex({g.gene_id: g for g in (gene("P"), gene("K"), gene("Q"), gene("PP", False))})


def split(gene5, fragment="f", gene3="K"):
    return Split(fragment, gene5, gene3, 50, 60, 30, 3)


def run(multi, unique=(), multi_spanning=()):
    """resolve() on alternatives given as ((name, HI, score), evidence)."""
    scores = {(n, h): a for (n, h, a), _ in [*multi, *multi_spanning]}
    strip = lambda items: [((n, h), x) for (n, h, _), x in items]  # noqa: E731
    return resolve(strip(multi), strip(multi_spanning), scores, list(unique), [], INDEX)


def test_the_pair_with_unique_support_wins_over_the_copy():
    unique = [split("P", "u1")]
    multi = [(("r1", 1, 100), split("PP")), (("r1", 2, 100), split("P"))]
    kept, spanning = run(multi, unique)
    assert [(x.gene5, x.multimapping) for x in kept] == [("P", True)] and spanning == []


def test_the_best_alignment_score_comes_first():
    unique = [split("P", "u1"), split("P", "u2")]
    multi = [(("r1", 1, 98), split("P")), (("r1", 2, 100), split("Q"))]
    kept, _ = run(multi, unique)
    assert [x.gene5 for x in kept] == ["Q"]
    # within STAR's score range of 1 the alignments are equally good: support decides
    multi = [(("r1", 1, 99), split("P")), (("r1", 2, 100), split("Q"))]
    assert [x.gene5 for x in run(multi, unique)[0]] == ["P"]


def test_without_unique_support_the_coding_gene_wins_then_total_support_then_lowest_hi():
    multi = [(("r1", 1, 100), split("PP")), (("r1", 2, 100), split("P"))]
    assert [x.gene5 for x in run(multi)[0]] == ["P"]
    # two coding genes: the one more multi-mapping reads also support
    multi = [
        (("r1", 1, 100), split("Q")),
        (("r1", 2, 100), split("P")),
        (("r2", 1, 100), split("P")),
    ]
    kept, _ = run(multi)
    assert sorted(x.gene5 for x in kept) == ["P", "P"]
    multi = [(("r1", 2, 100), split("P")), (("r1", 1, 100), split("Q"))]
    assert [x.gene5 for x in run(multi)[0]] == ["Q"]


def test_a_chosen_pair_keeps_its_split_and_spanning_evidence_together():
    mate = Spanning("f", "P", "K", 40, 70, 3)
    multi_spanning = [(("r1", 2, 100), mate), (("r1", 1, 100), Spanning("f", "PP", "K", 1, 2, 3))]
    kept_splits, kept_spanning = run([], [split("P", "u1")], multi_spanning)
    assert kept_splits == [] and [x.gene5 for x in kept_spanning] == ["P"]
