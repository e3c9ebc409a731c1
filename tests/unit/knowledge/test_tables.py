"""The shipped knowledge base (seed + CIViC 2024-08-01, drug and region tables), read by
resistance_timeline.knowledge.tables: known answers of the textbook resistance mutations, its size,
and clear errors for malformed rows."""

import pytest

from helpers import REPO
from resistance_timeline.io.knowledge_format import KnowledgeFormatError
from resistance_timeline.knowledge.matching import knowledge_text, specific
from resistance_timeline.knowledge.tables import load_knowledge, load_markers
from resistance_timeline.setup.config import schema_defaults

KNOWLEDGE = REPO / "resources" / "knowledge"
SOURCES = [REPO / p for p in schema_defaults("knowledge")["shipped_sources"]]
TARGETED = {
    *("EGFR", "ALK", "ROS1", "RET", "MET", "NTRK1", "NTRK3", "FGFR1", "FGFR2", "FGFR3"),
    *("KIT", "PDGFRA", "ABL1", "BTK", "BRAF", "MAP2K1", "KRAS", "PIK3CA", "AKT1", "MTOR"),
    *("ESR1", "AR", "BRCA1", "BRCA2", "CDK4", "ERBB2"),
}


@pytest.fixture(scope="module")
def kb():
    return load_knowledge(SOURCES, KNOWLEDGE / "drugs.tsv", KNOWLEDGE / "regions.tsv")


def effects(kb, event_type, gene, event):
    """{(drug, effect): rules} of an event's specific matches without profile conditions."""
    found = {}
    for m in specific(kb.match(event_type, gene, event)):
        found.setdefault((m.row.drug, m.row.effect), set()).add(m.rule)
    return found


def test_size_citations_and_version(kb):
    cited = [r for r in kb.rows if r.evidence and r.evidence_level and r.disease and r.source]
    assert len(cited) == len(kb.rows) > 2500
    genes = {r.gene for r in kb.rows}
    assert len(genes & TARGETED) >= 20, sorted(TARGETED - genes)
    assert {r.source.split()[0] for r in kb.rows} == {"seed", "curated", "CIViC"}
    assert kb.version.startswith(
        "seed 2026-12-01; curated 2026-12-06; CIViC 2024-08-01; drugs 2026-12-06; "
        "regions 2026-12-01; sha256:"
    )


@pytest.mark.parametrize(
    "gene,protein,drug,effect",
    [
        ("EGFR", "p.T790M", "erlotinib", "resistance"),
        ("EGFR", "p.T790M", "gefitinib", "resistance"),
        ("EGFR", "p.T790M", "afatinib", "resistance"),
        ("EGFR", "p.T790M", "osimertinib", "sensitivity"),
        ("EGFR", "p.C797S", "osimertinib", "resistance"),
        ("KIT", "p.V654A", "imatinib", "resistance"),
        ("KIT", "p.N822K", "imatinib", "resistance"),
        ("ABL1", "p.T315I", "imatinib", "resistance"),
        ("ABL1", "p.T315I", "ponatinib", "sensitivity"),
        ("BTK", "p.C481S", "ibrutinib", "resistance"),
        ("ALK", "p.L1196Q", "alectinib", "resistance"),
        ("ALK", "p.L1196Q", "ceritinib", "response"),
        ("ALK", "p.F1174L", "crizotinib", "resistance"),
        ("ALK", "p.F1174L", "lorlatinib", "response"),
        ("NRAS", "p.Q61K", "lorlatinib", "resistance"),
    ],
)
def test_textbook_mutations_exact(kb, gene, protein, drug, effect):
    found = effects(kb, "snv", gene, protein)
    assert "exact" in found.get((drug, effect), set()), sorted(found)


def test_osimertinib_is_not_a_t790m_resistance_and_c797s_has_no_osimertinib_sensitivity(kb):
    assert ("osimertinib", "resistance") not in effects(kb, "snv", "EGFR", "p.T790M")
    assert ("osimertinib", "sensitivity") not in effects(kb, "snv", "EGFR", "p.C797S")


def test_a_civic_and_profile_holds_only_with_every_part(tmp_path):
    path = write(
        tmp_path,
        "EGFR\tC797S\tosimertinib\tresistance\tPMID:1\tB\tNSCLC\tx\tEGFR C797S AND EGFR T790M\n",
        header="gene\talteration\tdrug\teffect\tevidence\tevidence_level",
        extra="\tmolecular_profile",
    )
    small = load_markers(path)
    assert small.match("snv", "EGFR", "p.C797S") == []
    both = [("snv", "EGFR", "p.T790M"), ("snv", "EGFR", "p.C797S")]
    (m,) = small.match("snv", "EGFR", "p.C797S", both)
    assert m.rule == "exact" and m.row.requires[0][0] == "EGFR"
    assert knowledge_text([m]) == "osimertinib: resistance (PMID:1) [exact C797S with EGFR T790M]"


@pytest.mark.parametrize("gene", ["CDK4", "FGFR1"])
def test_amplifications_keep_the_seed_rows(kb, gene):
    found = effects(kb, "cnv", gene, "amplification")
    assert found[("lorlatinib", "resistance")] == {"exact"}
    assert effects(kb, "cnv", gene, "gain") == {}


def test_codon_rule_nras_q61(kb):
    found = effects(kb, "snv", "NRAS", "p.Q61R")  # not in the seed; CIViC's NRAS Q61 rows
    assert "codon" in found[("vemurafenib", "resistance")]
    assert effects(kb, "snv", "NRAS", "p.G60E") == {} or all(
        "codon" not in rules for rules in effects(kb, "snv", "NRAS", "p.G60E").values()
    )


def test_exon_19_deletion_and_exon_20_insertion_by_codon_range(kb):
    # E746_A750del: exact rows and CIViC's "Exon 19 Deletion" (codons 729-761)
    del19 = effects(kb, "indel", "EGFR", "p.E746_A750del")
    assert "exon" in del19[("erlotinib", "sensitivity")]
    delins = effects(kb, "indel", "EGFR", "p.L747_P753delinsS")
    assert "exon" in delins[("gefitinib", "sensitivity")]
    ins20 = effects(kb, "indel", "EGFR", "p.D770_N771insG")
    assert "exon" in ins20[("mobocertinib", "sensitivity")]
    assert "exon" in ins20[("erlotinib", "resistance")]
    # an insertion is no exon-19 deletion, a deletion in exon 20 no exon-20 insertion
    assert ("erlotinib", "resistance") not in effects(kb, "indel", "EGFR", "p.E746_A750del")
    assert "exon" not in effects(kb, "indel", "EGFR", "p.T790del").get(
        ("mobocertinib", "sensitivity"), set()
    )


def test_fusion_rules(kb):
    eml4 = effects(kb, "fusion", "ALK", "EML4::ALK")
    assert "exact" in eml4[("crizotinib", "sensitivity")]
    rrbp1 = effects(kb, "fusion", "ALK", "RRBP1::ALK")
    assert rrbp1[("crizotinib", "response")] == {"exact"}
    assert "gene" in rrbp1[("lorlatinib", "sensitivity")]  # CIViC 'ALK fusion' rows
    # a 5' kinase gene: FGFR2::BICC1 is found from either partner
    assert effects(kb, "fusion", "BICC1", "FGFR2::BICC1")


def test_expression_seed_rows(kb):
    found = effects(kb, "expression", "PTCH1", "down-regulation")
    assert found == {
        ("crizotinib", "resistance"): {"exact"},
        ("alectinib", "resistance"): {"exact"},
    }


def test_drug_names_of_civic_normalised(kb):
    drugs = {d for r in kb.rows for d in r.drugs}
    assert "imatinib mesylate" not in drugs and "imatinib" in drugs
    assert "EGFR TKI" in drugs  # CIViC's "epidermal growth factor receptor tyrosine kinase ..."


def write(
    tmp_path, body, header="gene\talteration\tdrug\teffect\tevidence\tevidence_level", extra=""
):
    path = tmp_path / "bad.tsv"
    path.write_text(
        "# version: test 2026-12-01\n" + header + "\tdisease\tsource" + extra + "\n" + body,
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    "row,line,column,problem",
    [
        ("ALK\tL1196Q\talectinib\tresists\tPMID:1\tC\tIMT\tseed\n", 3, "effect", "not one of"),
        ("ALK\tL1196Q\talectinib\tresistance\tPMID 1\tC\tIMT\tseed\n", 3, "evidence", "PMID"),
        ("ALK\tL1196Q\talectinib\tresistance\tPMID:1\tF\tIMT\tseed\n", 3, "evidence_level", "A-E"),
        ("ALK\tp.L1196Q\talectinib\tresistance\tPMID:1\tC\tIMT\tseed\n", 3, "alteration", "'p.'"),
        ("ALK\tL1196Q\t\tresistance\tPMID:1\tC\tIMT\tseed\n", 3, "drug", "empty"),
        ("ALK\tL1196Q\talectinib\tresistance\tPMID:1\tC\n", 3, None, "6 fields"),
    ],
)
def test_malformed_row_names_file_line_and_column(tmp_path, row, line, column, problem):
    path = write(tmp_path, "ALK\tL1196M\tcrizotinib\tresistance\tPMID:2\tC\tNSCLC\tseed\n" + row)
    line += 1
    with pytest.raises(KnowledgeFormatError) as err:
        load_markers(path)
    message = str(err.value)
    assert message.startswith(f"{path}, line {line}")
    assert problem in message
    if column:
        assert f"column '{column}'" in message


def test_missing_column_and_missing_version(tmp_path):
    path = write(tmp_path, "", header="gene\talteration\tdrug\teffect\tevidence")
    with pytest.raises(KnowledgeFormatError, match=r"line 2, column 'evidence_level': column miss"):
        load_markers(path)
    path = write(tmp_path, "")
    path.write_text(path.read_text().replace("# version: test 2026-12-01\n", ""))
    with pytest.raises(KnowledgeFormatError, match="version"):
        load_markers(path)
