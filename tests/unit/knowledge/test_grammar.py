"""The alteration grammar (resistance_timeline.knowledge.grammar): row alterations parsed into
kinds, variants' protein changes, and which rule matches which event."""

import pytest

from resistance_timeline.knowledge.grammar import (
    matches_copy_number,
    matches_expression,
    matches_fusion,
    matches_variant,
    parse_alteration,
    parse_variant,
)

EGFR = {"exon 19": (729, 761), "exon 20": (762, 823)}


@pytest.mark.parametrize(
    "text,kind",
    [
        ("T790M", "protein"),
        ("E746_A750del", "protein"),
        ("Y772_A775DUP", "protein"),
        ("V769_D770insASV", "protein"),
        ("L747_P753delinsS", "protein"),
        ("S310F/Y", "protein"),
        ("T790", "codon"),
        ("G12/G13", "codon"),
        ("G1202R+L1196M", "compound"),
        ("Exon 19 Deletion", "exon"),
        ("exon 20 insertion", "exon"),
        ("EXON 12 MUTATION", "exon"),
        ("Kinase Domain Mutation", "region"),
        ("mutation", "mutation"),
        ("amplification", "amplification"),
        ("loss", "deletion"),
        ("EML4::ALK", "fusion"),
        ("*::ALK", "fusion"),
        ("::ALK", "fusion"),
        ("EML4::ALK e6-e20", "fusion"),
        ("fusion", "gene_fusion"),
        ("Rearrangement", "gene_fusion"),
        ("down-regulation", "expression"),
        ("overexpression", "expression"),
        ("EGFRvIII", "other"),
        ("Loss-of-function", "loss_of_function"),
        ("expression", "other"),
        ("Exon 14 Skipping Mutation", "other"),
    ],
)
def test_row_grammar(text, kind):
    assert parse_alteration(text).kind == kind


@pytest.mark.parametrize(
    "protein,kind,start",
    [
        ("p.T790M", "substitution", 790),
        ("p.Q61*", "substitution", 61),
        ("p.E746_A750del", "deletion", 746),
        ("p.L747_P753delinsS", "deletion", 747),
        ("p.V769_D770insASV", "insertion", 769),
        ("p.A767_V769dup", "insertion", 767),
        ("p.V56delinsVD", "insertion", 56),
        ("p.L1196=", "none", 0),
        ("", "none", 0),
        ("p.790T>785M", "other", 790),
    ],
)
def test_variant_forms(protein, kind, start):
    v = parse_variant(protein)
    assert (v.kind, v.start) == (kind, start)


def rule(row, protein, regions=EGFR):
    return matches_variant(parse_alteration(row), parse_variant(protein), regions)


def test_variant_rules():
    assert rule("T790M", "p.T790M") == "exact"
    assert rule("T790M", "p.T790A") == ""
    assert rule("S310F/Y", "p.S310Y") == "exact"
    assert rule("T790", "p.T790M") == "codon"
    assert rule("T790", "p.A790M") == ""  # the residue must agree
    assert rule("G12/G13", "p.G13D") == "codon"
    assert rule("Q61", "p.Q61_E62del") == ""  # codon rows are substitutions
    assert rule("Exon 19 Deletion", "p.E746_A750del") == "exon"
    assert rule("Exon 19 Deletion", "p.L747_P753delinsS") == "exon"
    assert rule("Exon 19 Deletion", "p.D770_N771insG") == ""
    assert rule("Exon 19 Deletion", "p.E709_T710delinsD") == ""  # exon 18
    assert rule("Exon 20 Insertion", "p.D770_N771insG") == "exon"
    assert rule("Exon 20 Insertion", "p.A767_V769dup") == "exon"
    assert rule("Exon 20 Insertion", "p.T790M") == ""
    assert rule("exon 20 mutation", "p.T790M") == "exon"
    assert rule("Exon 11 Mutation", "p.V559D", regions={}) == ""  # no range: no match
    assert rule("mutation", "p.T790M") == "gene"  # gene-level "any mutation"
    assert rule("mutation", "p.T790=") == ""  # not a protein change
    assert rule("Loss-of-function", "p.R213*") == rule("Loss-of-function", "p.Y177fs") == "gene"
    assert rule("Loss-of-function", "p.R213Q") == ""


def test_copy_number_fusion_and_expression_rules():
    amp = parse_alteration("amplification")
    assert matches_copy_number(amp, "amplification") == "exact"
    assert matches_copy_number(amp, "gain") == ""
    assert matches_copy_number(parse_alteration("deletion"), "deep_loss") == "gene"
    assert matches_fusion(parse_alteration("EML4::ALK"), "ALK", "EML4", "ALK") == "exact"
    assert matches_fusion(parse_alteration("EML4::ALK"), "ALK", "RRBP1", "ALK") == ""
    assert matches_fusion(parse_alteration("*::ALK"), "ALK", "RRBP1", "ALK") == "fusion_partner"
    assert matches_fusion(parse_alteration("::ALK"), "ALK", "TNS1", "ALK") == "fusion_partner"
    assert matches_fusion(parse_alteration("ALK::"), "ALK", "TNS1", "ALK") == ""
    assert matches_fusion(parse_alteration("EML4::ALK e6-e20"), "ALK", "EML4", "ALK") == (
        "fusion_variant"
    )
    assert matches_fusion(parse_alteration("fusion"), "FGFR2", "FGFR2", "BICC1") == "gene"
    down = parse_alteration("down-regulation")
    assert matches_expression(down, "down-regulation") == "exact"
    assert matches_expression(down, "up-regulation") == ""
    assert matches_expression(parse_alteration("overexpression"), "up-regulation") == "expression"
