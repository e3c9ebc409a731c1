"""The CIViC converter: the mapping rules on a small hand-made release, and the committed table
converted from the 01-Aug-2024 CIViC release."""

import gzip
import hashlib

import pytest

from helpers import REPO
from resistance_timeline.io.tables import read_tsv
from resistance_timeline.knowledge.civic import (
    CivicFormatError,
    main,
    normalize_alteration,
    normalize_drug,
    read_civic,
    release_date_from_name,
)
from resistance_timeline.knowledge.tables import load_knowledge

KNOWLEDGE = REPO / "resources" / "knowledge"
CONVERTED = KNOWLEDGE / "civic_predictive.tsv"
RELEASE = KNOWLEDGE / "civic" / "01-Aug-2024-ClinicalEvidenceSummaries.predictive.tsv.gz"

HEADER = (
    "molecular_profile\tdisease\ttherapies\ttherapy_interaction_type\tevidence_type\t"
    "evidence_direction\tevidence_level\tsignificance\tcitation_id\tsource_type\t"
    "asco_abstract_id\tevidence_status\tevidence_id"
)


def row(profile, therapies, significance, eid, **other):
    """One evidence row of HEADER: predictive, supporting, accepted, level B, PubMed unless told."""
    fields = {
        "molecular_profile": profile,
        "disease": "Cancer",
        "therapies": therapies,
        "therapy_interaction_type": "",
        "evidence_type": "Predictive",
        "evidence_direction": "Supports",
        "evidence_level": "B",
        "significance": significance,
        "citation_id": f"100{eid}",
        "source_type": "PubMed",
        "asco_abstract_id": "",
        "evidence_status": "accepted",
        "evidence_id": eid,
    } | other
    return "\t".join(fields.values())


ROWS = [
    row(
        "EGFR T790M",
        "Erlotinib,Gefitinib",
        "Resistance",
        "1",
        therapy_interaction_type="Substitutes",
    ),
    row("EGFR T790M", "Osimertinib", "Sensitivity/Response", "2", evidence_level="A"),
    row("ABL1 BCR::ABL1 AND ABL1 T315I", "Imatinib Mesylate", "Reduced Sensitivity", "3"),
    row(
        "ERBB2 AMPLIFICATION",
        "Trastuzumab,Pertuzumab",
        "Sensitivity/Response",
        "4",
        therapy_interaction_type="Combination",
    ),
    row("ALK EML4-ALK", "Crizotinib", "Sensitivity", "5", citation_id="10.1000/xyz"),
    row(
        "EGFR EXON 19 DELETION",
        "Gefitinib",
        "Response",
        "6",
        source_type="ASCO",
        asco_abstract_id="9016",
    ),
    # dropped: adverse response, does not support, submitted, not predictive, an OR profile
    row("DPYD *2A", "Capecitabine", "Adverse Response", "7"),
    row("KIT V654A", "Imatinib", "Resistance", "8", evidence_direction="Does Not Support"),
    row("BTK C481S", "Ibrutinib", "Resistance", "9", evidence_status="submitted"),
    row("JAK2 V617F", "", "Positive", "10", evidence_type="Diagnostic"),
    row(
        "RB1 Wildtype AND ( CDKN2A Loss OR CDKN2A Mutation )",
        "Palbociclib",
        "Sensitivity/Response",
        "11",
    ),
]


def write_release(path, header=HEADER, rows=ROWS):
    lines = [header, *rows]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def small(tmp_path):
    path = write_release(tmp_path / "01-Nov-2024-ClinicalEvidenceSummaries.tsv")
    counts = {}
    return read_civic(path, "2024-11-01", counts), counts


def effects(rows, gene, alteration, drug):
    return {
        r["effect"]
        for r in rows
        if (r["gene"], r["alteration"], r["drug"]) == (gene, alteration, drug)
    }


def test_mapping_rules_on_a_small_release(small):
    rows, counts = small
    assert counts["input"] == len(ROWS)
    assert counts["predictive"] == 9  # minus the diagnostic and the submitted row
    assert counts["kept"] == 6
    assert effects(rows, "EGFR", "T790M", "erlotinib") == {"resistance"}
    assert effects(rows, "EGFR", "T790M", "gefitinib") == {"resistance"}
    assert effects(rows, "EGFR", "T790M", "osimertinib") == {"sensitivity"}
    # an AND profile with a fusion background keeps the secondary mutation; salt removed;
    # Reduced Sensitivity counts as resistance
    assert effects(rows, "ABL1", "T315I", "imatinib") == {"resistance"}
    assert not [r for r in rows if r["alteration"] == "BCR::ABL1"]
    assert effects(rows, "ERBB2", "amplification", "trastuzumab + pertuzumab") == {"sensitivity"}
    assert effects(rows, "ALK", "EML4::ALK", "crizotinib") == {"sensitivity"}
    assert effects(rows, "EGFR", "EXON 19 DELETION", "gefitinib") == {"sensitivity"}
    assert {r["gene"] for r in rows}.isdisjoint({"DPYD", "KIT", "BTK", "JAK2", "RB1"})


def test_citations_and_sources(small):
    rows, _ = small
    by_eid = {r["source"].rsplit("EID", 1)[1]: r for r in rows}
    assert by_eid["1"]["evidence"] == "PMID:1001"
    assert by_eid["5"]["evidence"] == "DOI:10.1000/xyz"
    assert by_eid["6"]["evidence"] == "ASCO:9016"
    assert by_eid["3"]["source"] == "CIViC 2024-11-01 EID3"
    assert by_eid["3"]["molecular_profile"] == "ABL1 BCR::ABL1 AND ABL1 T315I"
    assert by_eid["3"]["evidence_level"] == "B"


def test_older_release_columns(tmp_path):
    header = (
        "gene\tvariant\tdisease\tdrugs\tdrug_interaction_type\tevidence_type\tevidence_direction\t"
        "evidence_level\tclinical_significance\tpubmed_id\tevidence_status\tevidence_id"
    )
    lines = [
        header,
        "ABL1\tBCR-ABL T315I\tCML\tPonatinib\t\tPredictive\tSupports\tB\tSensitivity\t1\t"
        "accepted\t7",
        "ALK\tEML4-ALK\tNSCLC\tCrizotinib\t\tPredictive\tSupports\tB\tSensitivity\t2\taccepted\t8",
    ]
    path = tmp_path / "old.tsv"
    path.write_text("\n".join(lines) + "\n")
    rows = read_civic(path, "2018-10-01")
    assert effects(rows, "ABL1", "T315I", "ponatinib") == {"sensitivity"}
    assert effects(rows, "ALK", "EML4::ALK", "crizotinib") == {"sensitivity"}
    assert rows[0]["evidence"] == "PMID:1"


def test_missing_columns_are_named(tmp_path):
    path = write_release(tmp_path / "bad.tsv", header=HEADER.replace("significance", "signif"))
    with pytest.raises(CivicFormatError, match="significance or clinical_significance"):
        read_civic(path, "2024-11-01")


def test_normalizers():
    assert normalize_alteration("T790M") == "T790M"
    assert normalize_alteration("AMPLIFICATION") == "amplification"
    assert normalize_alteration("EML4-ALK") == "EML4::ALK"
    assert normalize_alteration("EML4::ALK") == "EML4::ALK"
    assert normalize_alteration("EXON 19 DELETION") == "EXON 19 DELETION"
    assert normalize_alteration("EGFRvIII") == "EGFRvIII"
    assert normalize_drug(" Imatinib Mesylate ") == "imatinib"
    assert release_date_from_name("01-Aug-2024-ClinicalEvidenceSummaries.tsv") == "2024-08-01"
    assert release_date_from_name("nightly-ClinicalEvidenceSummaries.tsv") is None


def test_cli_writes_a_commented_table(tmp_path, capsys):
    source = write_release(tmp_path / "01-Nov-2024-ClinicalEvidenceSummaries.tsv")
    out = tmp_path / "out.tsv"
    assert main([str(source), str(out)]) == 0
    text = out.read_text()
    assert "# CIViC release date: 2024-11-01" in text
    assert len(read_tsv(out)) == 7
    bad = write_release(tmp_path / "bad.tsv", header=HEADER.replace("therapies", "x"))
    assert main([str(bad), str(out), "--release-date", "2024-11-01"]) == 1
    assert "therapies or drugs" in capsys.readouterr().err


def test_import_of_a_nightly_release_records_checksums_and_counts(tmp_path):
    """A lab's refresh: a nightly file (no date in its name) with --release-date, the import
    recorded in a README, and the table readable as a knowledge source with that version."""
    source = write_release(tmp_path / "nightly-ClinicalEvidenceSummaries.tsv")
    out, readme = tmp_path / "civic_nightly.tsv", tmp_path / "README.md"
    argv = [str(source), str(out), "--release-date", "2026-12-01", "--readme", str(readme)]
    assert main(argv) == 0
    record = readme.read_text()
    assert "## Import of the CIViC release of 2026-12-01" in record
    assert f"sha256 `{hashlib.sha256(source.read_bytes()).hexdigest()}`" in record
    assert f"sha256 `{hashlib.sha256(out.read_bytes()).hexdigest()}`" in record
    assert "7 output rows over" in record
    kb = load_knowledge(out, None, None)
    assert len(kb) == 7 and kb.version.startswith("CIViC 2026-12-01; sha256:")


@pytest.fixture(scope="module")
def committed():
    return read_tsv(CONVERTED)


def test_committed_release_is_predictive_and_accepted():
    with gzip.open(RELEASE, "rt") as handle:
        lines = handle.read().splitlines()
    assert len(lines) - 1 == 2634
    header = lines[0].split("\t")
    kinds = {line.split("\t")[header.index("evidence_type")] for line in lines[1:]}
    status = {line.split("\t")[header.index("evidence_status")] for line in lines[1:]}
    assert (kinds, status) == ({"Predictive"}, {"accepted"})


def test_committed_table_matches_a_fresh_conversion(committed):
    assert read_civic(RELEASE, "2024-08-01") == committed
    assert "# CIViC release date: 2024-08-01" in CONVERTED.read_text()


@pytest.mark.parametrize(
    ("gene", "alteration", "drugs", "effect"),
    [
        ("EGFR", "T790M", {"erlotinib", "gefitinib"}, "resistance"),
        ("EGFR", "T790M", {"osimertinib"}, "sensitivity"),
        ("EGFR", "C797S", {"osimertinib"}, "resistance"),
        ("ABL1", "T315I", {"imatinib"}, "resistance"),
        ("ABL1", "T315I", {"ponatinib"}, "sensitivity"),
        ("BTK", "C481S", {"ibrutinib"}, "resistance"),
        ("KIT", "V654A", {"imatinib"}, "resistance"),
    ],
)
def test_known_markers_in_the_committed_table(committed, gene, alteration, drugs, effect):
    hits = [
        r
        for r in committed
        if (r["gene"], r["alteration"]) == (gene, alteration) and r["drug"] in drugs
    ]
    assert hits and {r["effect"] for r in hits} == {effect}
    assert all(r["source"].startswith("CIViC 2024-08-01 EID") for r in hits)
