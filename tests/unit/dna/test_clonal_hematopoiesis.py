"""Clonal haematopoiesis (resistance_timeline.dna.clonal_hematopoiesis and
genotype_stats.classify_origin): the demo-to-be's two cases (DNMT3A R882H carried by the blood
normal; a PPM1D truncation below detection in the normal that rises in relapse plasma), what a
tumour variant or a tissue normal gives, and the CH gene table and targets lookup."""

import pytest

from helpers import REPO
from resistance_timeline.dna.clonal_hematopoiesis import (
    ch_intervals,
    in_intervals,
    read_ch_genes,
)
from resistance_timeline.dna.genotype_stats import classify_origin, summarize
from resistance_timeline.setup.config import schema_defaults

THR = schema_defaults("genotyping")


def sample(material, ref, alt, source="blood"):
    """A per-sample summary as the genotyper makes it, balanced strands, MAPQ 60."""
    half = alt // 2
    row = [ref // 2, ref - ref // 2, half, alt - half, 0, 60 * alt, 167, 167]
    summary = summarize(row, material, THR)
    return summary | ({"source": source} if material == "normal" else {})


def origin(samples, in_ch_gene=False):
    return classify_origin(samples, THR, in_ch_gene)


def test_dnmt3a_r882h_carried_by_the_blood_normal_is_ch():
    """Blood normal ~3% (6/200), every plasma sample 3-5%, absent from the biopsy."""
    samples = [
        sample("normal", 194, 6),
        sample("tumor", 300, 0),
        sample("cfdna", 960, 40),
        sample("cfdna", 955, 45),
    ]
    found, reason = origin(samples, in_ch_gene=True)
    assert found == "clonal_hematopoiesis"
    assert reason.startswith("blood_normal_vaf:0.03|max_plasma_vaf:0.045")
    # outside a CH gene the normal's 3% (>= min_normal_vaf 2%) is enough
    assert origin(samples)[0] == "clonal_hematopoiesis"


def test_ppm1d_truncation_below_detection_in_the_normal_rising_in_plasma():
    """One alt read in the normal, 0.4% then 2% in plasma, no biopsy detects it: in a CH gene
    any alt read in a blood normal is enough; with none, plasma-only in a CH gene is possible
    CH."""
    one_read = [
        sample("normal", 199, 1),
        sample("tumor", 300, 0),
        sample("cfdna", 996, 4),
        sample("cfdna", 980, 20),
    ]
    assert origin(one_read, in_ch_gene=True)[0] == "clonal_hematopoiesis"
    none = [sample("normal", 200, 0), *one_read[1:]]
    found, reason = origin(none, in_ch_gene=True)
    assert (found, reason) == ("possible_clonal_hematopoiesis", "plasma_only_max_vaf:0.02|ch_gene")
    assert origin(none)[0] == "somatic"  # the same outside a CH gene: the tumour's


def test_tumour_variants_stay_somatic():
    # seen in the biopsy, a stray read in the normal: somatic even in a CH gene (TP53)
    biopsy = [sample("normal", 199, 1), sample("tumor", 140, 60), sample("cfdna", 900, 100)]
    assert origin(biopsy, in_ch_gene=True)[0] == "somatic"
    # a blood clone clear enough (2.5%) is CH even where a biopsy shows it too
    clear = [sample("normal", 195, 5), sample("tumor", 290, 10), sample("cfdna", 960, 40)]
    assert origin(clear)[0] == "clonal_hematopoiesis"
    # no plasma sample detects it: the CH rules do not apply (tumour in normal: artefact)
    solid = [sample("normal", 195, 5), sample("tumor", 200, 20)]
    assert origin(solid)[0] == "artefact"
    # germline first
    assert origin([sample("normal", 100, 100), sample("cfdna", 500, 500)])[0] == "germline"


def test_a_tissue_normal_says_nothing_about_blood():
    samples = [sample("normal", 194, 6, source="tissue"), sample("cfdna", 960, 40)]
    assert origin(samples)[0] != "clonal_hematopoiesis"
    plasma_only = [sample("normal", 200, 0, source="tissue"), sample("cfdna", 960, 40)]
    assert origin(plasma_only, in_ch_gene=True)[0] == "possible_clonal_hematopoiesis"


def test_without_any_normal_a_plasma_only_variant_is_possible_ch():
    assert origin([sample("cfdna", 960, 40)])[0] == "possible_clonal_hematopoiesis"
    # but a heterozygous germline-like VAF stays germline (tumour-only heuristic first)
    assert origin([sample("cfdna", 500, 500)])[0] == "germline"
    # and one a biopsy shows is the tumour's
    assert origin([sample("tumor", 300, 30), sample("cfdna", 960, 40)])[0] == "somatic"


def test_ch_gene_table_and_target_lookup(tmp_path):
    genes = read_ch_genes(REPO / "resources" / "knowledge" / "ch_genes.tsv")
    assert {"DNMT3A", "TET2", "ASXL1", "PPM1D", "TP53", "JAK2"} <= genes
    assert "NRAS" not in genes and "ALK" not in genes  # the seed's resistance genes
    bed = tmp_path / "targets.bed"
    bed.write_text("chr2\t100\t200\tDNMT3A\nchr2\t300\t400\tALK\nchr17\t50\t90\tPPM1D\n")
    spans = ch_intervals(bed, genes)
    assert spans == {"chr2": [(100, 200)], "chr17": [(50, 90)]}
    assert in_intervals(spans, "chr2", 101) and in_intervals(spans, "chr2", 200)
    assert not in_intervals(spans, "chr2", 100) and not in_intervals(spans, "chr2", 201)
    assert not in_intervals(spans, "chr2", 350) and not in_intervals(spans, "chr1", 150)


@pytest.mark.parametrize("material", ["tumor", "normal"])
def test_no_plasma_no_ch(material):
    assert origin([sample("normal", 200, 0), sample(material, 190, 10)])[0] != (
        "possible_clonal_hematopoiesis"
    )
