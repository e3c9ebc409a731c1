"""Drug classes that cannot point the wrong way (resistance_timeline.knowledge.matching): with
the shipped knowledge base, no resistance mutation whose next drug still works is reported in
the wrong direction for any drug of resources/knowledge/drugs.tsv; class rows reach every
member of their class; closer evidence outranks a class row, a gene-level row or a
preclinical result; evidence of equal closeness in both directions is shown as conflicting."""

import pytest

from helpers import REPO
from resistance_timeline.knowledge.matching import (
    direction,
    event_knowledge,
    for_drug,
    knowledge_rows,
)
from resistance_timeline.knowledge.tables import load_knowledge
from resistance_timeline.setup.config import schema_defaults
from resistance_timeline.timeline.therapy import ordered_lines

KNOWLEDGE = REPO / "resources" / "knowledge"
SOURCES = [REPO / p for p in schema_defaults("knowledge")["shipped_sources"]]
HEADER = "gene\talteration\tdrug\teffect\tevidence\tevidence_level\tdisease\tsource\n"

# (gene, protein change, drugs or classes it resists, drugs or classes that still work); a
# class stands for every drug of drugs.tsv in it, so a drug added to a class is tested too
DISTINCTIONS = [
    (
        "EGFR",
        "p.T790M",
        ["EGFR TKI 1st generation", "EGFR TKI 2nd generation"],
        ["EGFR TKI 3rd generation"],
    ),
    ("EGFR", "p.C797S", ["osimertinib"], []),
    ("ALK", "p.G1202R", ["crizotinib", "ceritinib", "alectinib", "brigatinib"], ["lorlatinib"]),
    ("BTK", "p.C481S", ["BTK inhibitor covalent"], ["pirtobrutinib"]),
    (
        "ABL1",
        "p.T315I",
        ["BCR-ABL1 TKI 1st generation", "BCR-ABL1 TKI 2nd generation"],
        ["ponatinib", "asciminib"],
    ),
    ("ROS1", "p.G2032R", ["crizotinib", "ceritinib"], ["cabozantinib"]),
    ("PDGFRA", "p.D842V", ["imatinib"], ["avapritinib"]),
    ("KIT", "p.D816V", ["imatinib"], ["avapritinib"]),
    ("NTRK1", "p.G595R", ["TRK inhibitor 1st generation"], []),
    ("FLT3", "p.D835Y", ["FLT3 inhibitor type II"], ["gilteritinib"]),
    ("ESR1", "p.D538G", ["aromatase inhibitor"], ["elacestrant"]),
    ("MET", "p.D1228V", ["savolitinib"], ["cabozantinib"]),
    ("FGFR2", "p.V564F", ["FGFR inhibitor reversible"], []),
    ("KRAS", "p.H95D", ["adagrasib"], ["sotorasib"]),
    ("RET", "p.L730V", ["pralsetinib"], ["selpercatinib"]),
    ("MET", "p.Y1230C", ["MET TKI type I"], ["MET TKI type II"]),
]
ALL = [(gene, change) for gene, change, _, _ in DISTINCTIONS]


@pytest.fixture(scope="module")
def kb():
    return load_knowledge(SOURCES, KNOWLEDGE / "drugs.tsv", KNOWLEDGE / "regions.tsv")


def expand(kb, names):
    out = set()
    for name in names:
        out |= set(kb.drugs.members(name)) if kb.drugs.is_class(name) else {name}
    return out


def verdict(kb, gene, change, drug):
    """(directions of the matches that hold for a patient given only ``drug``, conflicting)."""
    found, clash = for_drug(kb, knowledge_rows(kb, "snv", gene, change), drug, {drug})
    return {direction(m.row.effect) for m in found}, clash


def lines(*drugs):
    return ordered_lines(
        [
            {"line": i + 1, "drug": d, "start_day": 100 * i, "end_day": 100 * (i + 1)}
            for i, d in enumerate(drugs)
        ]
    )


@pytest.mark.parametrize("gene,change,resists,works", DISTINCTIONS, ids=[str(a) for a in ALL])
def test_no_distinction_points_the_wrong_way_for_any_drug(kb, gene, change, resists, works):
    against, still = expand(kb, resists), expand(kb, works)
    assert against and not against & still
    for drug in sorted(kb.drugs.drugs):
        if kb.drugs.is_class(drug):
            continue
        directions, clash = verdict(kb, gene, change, drug)
        if drug in against:
            assert directions == {"against"} and not clash, (drug, directions)
        elif drug in still:
            assert directions == {"for"} and not clash, (drug, directions)
        # and for a patient given that drug, the relevance never says the opposite
        said = event_knowledge(kb, ("snv", gene, change), {}, lines(drug))["relevance"]
        if drug in still:
            assert "known resistance" not in said, (drug, said)
        if drug in against:
            assert "reported sensitivity" not in said, (drug, said)


def test_class_rows_reach_every_member(kb):
    members = set(kb.drugs.members("endocrine therapy"))
    assert {"letrozole", "anastrozole", "exemestane", "fulvestrant", "tamoxifen"} <= members
    assert set(kb.drugs.members("aromatase inhibitor")) == {
        "letrozole",
        "anastrozole",
        "exemestane",
    }
    assert {"ibrutinib", "acalabrutinib", "zanubrutinib"} == set(
        kb.drugs.members("BTK inhibitor covalent")
    )
    assert "pirtobrutinib" in kb.drugs.members("BTK inhibitor")
    for drug in ("Femara", "Arimidex", "exemestane"):  # ESR1 D538G on any aromatase inhibitor
        said = event_knowledge(kb, ("snv", "ESR1", "p.D538G"), {"acquired_on": drug}, lines(drug))
        assert "known resistance to aromatase inhibitor (" in said["relevance"], drug
        assert "the drug it appeared on" in said["relevance"]


def small_kb(tmp_path, rows):
    path = tmp_path / "small.tsv"
    path.write_text("# version: test 2026-12-06\n" + HEADER + "".join(r + "\n" for r in rows))
    return load_knowledge(path, KNOWLEDGE / "drugs.tsv", KNOWLEDGE / "regions.tsv")


def test_closer_evidence_outranks_and_equal_evidence_conflicts(tmp_path):
    kb = small_kb(
        tmp_path,
        [
            "EGFR\tT790M\tEGFR TKI\tresistance\tPMID:1\tB\tLung\tt",
            "EGFR\tT790M\tosimertinib\tsensitivity\tPMID:2\tB\tLung\tt",
            "ALK\tG1202R\tlorlatinib\tresistance\tPMID:3\tC\tLung\tt",
            "ALK\tG1202R\tlorlatinib\tsensitivity\tPMID:4\tC\tLung\tt",
            "ALK\tG1202R\talectinib\tsensitivity\tPMID:5\tD\tLung\tt",
            "ALK\tG1202R\talectinib\tresistance\tPMID:6\tB\tLung\tt",
        ],
    )
    osimertinib = event_knowledge(kb, ("snv", "EGFR", "p.T790M"), {}, lines("osimertinib"))
    assert osimertinib["relevance"] == "reported sensitivity to osimertinib, given as line 1"
    # the class row still speaks of the class's other drugs: shown apart, not hidden
    assert osimertinib["knowledge_other"] == "EGFR TKI: resistance (PMID:1)"
    erlotinib = event_knowledge(kb, ("snv", "EGFR", "p.T790M"), {}, lines("erlotinib"))
    assert erlotinib["relevance"] == "known resistance to EGFR TKI (erlotinib), given as line 1"
    alk = event_knowledge(
        kb, ("snv", "ALK", "p.G1202R"), {"acquired_on": "alectinib"}, lines("alectinib", "Lorbrena")
    )
    assert alk["relevance"] == (
        "known resistance to alectinib, the drug it appeared on; conflicting evidence for "
        "lorlatinib, given as line 2: resistance (PMID:3) and sensitivity (PMID:4)"
    )
    assert "alectinib: sensitivity (PMID:5)" in alk["knowledge_other"]  # preclinical, outranked


def test_gene_level_rows_match_their_kind_of_event(tmp_path):
    kb = small_kb(
        tmp_path,
        [
            "RB1\tLoss-of-function\tpalbociclib\tresistance\tPMID:1\tB\tBreast Cancer\tt",
            "KRAS\tMutation\tcetuximab\tresistance\tPMID:2\tB\tColorectal Cancer\tt",
            "MET\tAmplification\tosimertinib\tresistance\tPMID:3\tB\tLung\tt",
            "ERBB2\tOverexpression\ttrastuzumab\tsensitivity\tPMID:4\tA\tBreast Cancer\tt",
            "RET\tFusion\tselpercatinib\tsensitivity\tPMID:5\tA\tLung\tt",
            "BRCA2\treversion\tolaparib\tresistance\tPMID:6\tB\tOvarian Cancer\tt",
        ],
    )

    def rules(event_type, gene, event, present=()):
        return {(m.row.drug, m.rule) for m in kb.match(event_type, gene, event, present)}

    assert rules("snv", "RB1", "p.R251*") == rules("snv", "RB1", "p.Y177fs")
    assert rules("snv", "RB1", "p.R251*") == {("palbociclib", "gene")}
    assert rules("cnv", "RB1", "deep_loss") == {("palbociclib", "gene")}
    assert rules("snv", "RB1", "p.R251Q") == rules("cnv", "RB1", "loss") == set()
    assert rules("snv", "KRAS", "p.G12D") == {("cetuximab", "gene")}
    assert rules("snv", "KRAS", "p.G12=") == set()
    assert rules("cnv", "MET", "amplification") == {("osimertinib", "exact")}
    assert rules("expression", "ERBB2", "up-regulation") == {("trastuzumab", "expression")}
    assert rules("fusion", "RET", "CCDC6::RET") == {("selpercatinib", "gene")}
    # a BRCA2 reversion: a second indel in a patient with a truncating BRCA2 variant
    truncating = [("snv", "BRCA2", "p.S1982fs")]
    assert rules("indel", "BRCA2", "p.N1784_S1800del", truncating) == {("olaparib", "reversion")}
    assert rules("indel", "BRCA2", "p.N1784_S1800del") == set()  # no truncating variant
    assert rules("snv", "BRCA2", "p.N1784K", truncating) == set()  # not an indel


def test_c797s_with_t790m_is_not_read_as_first_generation_sensitivity(kb):
    """C797S alone restores first-generation sensitivity; beside T790M it does not (the
    compound row, closest of all, outranks the single-mutation row)."""
    lines_ = lines("erlotinib", "osimertinib")
    classified = {"acquired_on": "osimertinib", "first_day_detected": "190"}
    alone = event_knowledge(kb, ("snv", "EGFR", "p.C797S"), classified, lines_)
    assert "reported sensitivity to EGFR TKI 1st generation (erlotinib)" in alone["relevance"]
    both = [("snv", "EGFR", "p.C797S"), ("snv", "EGFR", "p.T790M")]
    with_t790m = event_knowledge(kb, ("snv", "EGFR", "p.C797S"), classified, lines_, both)
    assert with_t790m["relevance"].startswith("known resistance to osimertinib")
    assert (
        "known resistance to EGFR TKI 1st generation (erlotinib), given as line 1 "
        "[compound C797S+T790M]" in with_t790m["relevance"]
    )
    assert "reported sensitivity" not in with_t790m["relevance"]
    assert "EGFR TKI 1st generation: sensitivity (PMID:32193290)" in with_t790m["knowledge_other"]


def test_every_drug_and_class_of_the_curated_layer_reaches_a_drug(kb):
    """No curated row names a drug the table does not know or a class without members (it
    would match no patient's drug, silently)."""
    curated = [r for r in kb.rows if r.source.startswith("curated")]
    assert len(curated) >= 200
    for row in curated:
        for drug in row.drugs:
            if kb.drugs.is_class(drug):
                assert kb.drugs.members(drug), (row.line, drug)
            else:
                assert drug in kb.drugs.drugs, (row.line, drug)
