"""Somatic variants as MAF (resistance_timeline.dna.maf): MAF positions and alleles of each
variant kind against hand-worked rows, csq consequences as Variant_Classification, and which
rows of the variants table become MAF rows."""

import pytest

from resistance_timeline.dna.maf import (
    COLUMNS,
    classification,
    cohort_maf,
    maf_alleles,
    maf_rows,
    write_maf,
)


@pytest.mark.parametrize(
    "vcf,maf",
    [
        # SNV: as in the VCF
        ((24583, "A", "T"), (24583, 24583, "A", "T", "SNP")),
        # deletion of GCT after the anchor A at 3121: first and last deleted base
        ((3121, "AGCT", "A"), (3122, 3124, "GCT", "-", "DEL")),
        # insertion of GAC after the anchor G at 3683: the bases either side
        ((3683, "G", "GGAC"), (3683, 3684, "-", "GAC", "INS")),
        # two and three adjacent substitutions
        ((100, "AC", "GT"), (100, 101, "AC", "GT", "DNP")),
        ((100, "ACG", "TTT"), (100, 102, "ACG", "TTT", "TNP")),
        ((100, "ACGT", "TTTA"), (100, 103, "ACGT", "TTTA", "ONP")),
        # a shared last base is dropped too: a substitution in a longer allele pair
        ((100, "ACG", "ATG"), (101, 101, "C", "T", "SNP")),
        # complex: anchor dropped, unequal lengths left
        ((200, "TCA", "TGGGA"), (201, 201, "C", "GGG", "INS")),
        ((200, "TCCA", "TGA"), (201, 202, "CC", "G", "DEL")),
    ],
)
def test_maf_positions_and_alleles(vcf, maf):
    assert maf_alleles(*vcf) == maf


@pytest.mark.parametrize(
    "consequence,kind,gene,expected",
    [
        ("missense", "SNP", "ALK", "Missense_Mutation"),
        ("missense&splice_region", "SNP", "ALK", "Missense_Mutation"),
        ("splice_region&synonymous", "SNP", "ALK", "Splice_Region"),
        ("frameshift", "DEL", "ALK", "Frame_Shift_Del"),
        ("frameshift&stop_gained", "INS", "ALK", "Frame_Shift_Ins"),
        ("*missense", "SNP", "ALK", "Missense_Mutation"),
        ("inframe_altering", "INS", "ALK", "In_Frame_Ins"),
        ("stop_gained", "SNP", "NRAS", "Nonsense_Mutation"),
        ("start_lost", "SNP", "NRAS", "Translation_Start_Site"),
        ("splice_acceptor", "SNP", "NRAS", "Splice_Site"),
        ("3_prime_utr", "SNP", "NRAS", "3'UTR"),
        ("intron", "DEL", "NRAS", "Intron"),
        ("", "SNP", "", "IGR"),
    ],
)
def test_classification(consequence, kind, gene, expected):
    assert classification(consequence, kind, gene) == expected


def row(sample, material, status="detected", origin="somatic", alt_reads="20", **extra):
    return {
        "patient_id": "P1",
        "sample_id": sample,
        "day": "0",
        "material": material,
        "contig": "chr2",
        "pos": "3121",
        "ref": "AGCT",
        "alt": "A",
        "gene": "ALK",
        "consequence": "inframe_deletion",
        "protein": "p.A5del",
        "transcript": "T1",
        "ref_reads": "80",
        "alt_reads": alt_reads,
        "depth": "100",
        "vaf": "0.2",
        "vaf_low": "0.13",
        "vaf_high": "0.29",
        "detection_limit": "0.05",
        "status": status,
        "origin": origin,
        **extra,
    }


def test_rows_are_somatic_detections_with_the_normals_counts(tmp_path):
    rows = [
        row("P1-N", "normal", status="not_detected", alt_reads="0"),
        row("P1-T0", "tumor"),
        row("P1-P1", "cfdna", status="not_detected", alt_reads="1"),
        row("P1-P2", "cfdna", alt_reads="9"),
        row("P1-T0", "tumor", origin="germline") | {"pos": "5000"},
        row("P1-T0", "tumor", origin="artefact") | {"pos": "6000"},
    ]
    maf = maf_rows(rows, "GRCh38")
    assert [(r["Tumor_Sample_Barcode"], r["t_alt_count"]) for r in maf] == [
        ("P1-T0", "20"),
        ("P1-P2", "9"),
    ]
    first = maf[0]
    assert (first["Start_Position"], first["End_Position"]) == (3122, 3124)
    assert (first["Reference_Allele"], first["Tumor_Seq_Allele2"]) == ("GCT", "-")
    assert (first["Variant_Classification"], first["NCBI_Build"]) == ("In_Frame_Del", "GRCh38")
    assert (first["Matched_Norm_Sample_Barcode"], first["n_depth"]) == ("P1-N", "100")
    assert (first["n_alt_count"], first["HGVSp_Short"], first["detection_limit"]) == (
        "0",
        "p.A5del",
        "0.05",
    )
    tumour_only = maf_rows([row("P2-T0", "tumor")], "GRCh37")[0]
    assert tumour_only["Matched_Norm_Sample_Barcode"] == tumour_only["n_depth"] == ""
    one, two, cohort = tmp_path / "a.maf", tmp_path / "b.maf", tmp_path / "cohort.maf"
    write_maf(maf, one)
    write_maf([tumour_only], two)
    assert cohort_maf([one, two], cohort) == 3
    lines = cohort.read_text().splitlines()
    assert lines[0] == "#version 2.4" and lines[1].split("\t") == COLUMNS and len(lines) == 5
