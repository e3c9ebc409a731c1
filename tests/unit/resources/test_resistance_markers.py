"""resources/resistance_markers.tsv: format rules of resources/README.md and the seed findings."""

import re

import pytest

from helpers import REPO

TABLE = REPO / "resources" / "resistance_markers.tsv"
COLUMNS = [
    *("gene", "alteration", "drug", "effect", "evidence", "evidence_level", "disease", "source"),
    "note",
]
EFFECTS = {"resistance", "sensitivity", "response", "no_response"}
EVIDENCE = re.compile(r"^(PMID:\d+|DOI:10\.\S+)(;(PMID:\d+|DOI:10\.\S+))*$")
PROTEIN = r"[ACDEFGHIKLMNPQRSTVWY]\d+[ACDEFGHIKLMNPQRSTVWY*]"
SINGLE = re.compile(rf"^{PROTEIN}$")
COMPOUND = re.compile(rf"^{PROTEIN}(\+{PROTEIN})+$")
FUSION = re.compile(r"^(\*|[A-Z][A-Z0-9-]*)::([A-Z][A-Z0-9-]*)$")
KEYWORDS = {"amplification", "down-regulation", "up-regulation", "any"}
GENE = re.compile(r"^[A-Z][A-Z0-9-]*$")
DRUG = re.compile(r"^([a-z][a-z0-9-]*|ALK inhibitors)$")


def read_table():
    """(comment lines, header, rows as dicts with their line number)."""
    comments, header, rows = [], None, []
    with open(TABLE, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            line = line.rstrip("\n")
            if line.startswith("#"):
                assert header is None, f"line {number}: comment after the header row"
                comments.append(line)
                continue
            fields = line.split("\t")
            if header is None:
                header = fields
                continue
            assert len(fields) == len(COLUMNS), f"line {number}: {len(fields)} columns, want 9"
            rows.append(dict(zip(COLUMNS, fields), line=number))
    return comments, header, rows


COMMENTS, HEADER, ROWS = read_table()


def test_header_block_and_header_row():
    assert COMMENTS, "the file must open with # comment lines"
    text = "\n".join(COMMENTS)
    for needed in (
        "2026-11-21",
        "10.2147/OTT.S270481",
        "10.1101/mcs.a006064",
        "not clinical advice",
        "gene + alteration",
        "alphabetical",
    ):
        assert needed in text, f"header block does not mention {needed!r}"
    assert HEADER == COLUMNS


def test_rows_present_and_no_empty_required_field():
    assert len(ROWS) >= 40
    for row in ROWS:
        for column in COLUMNS[:-1]:
            assert row[column].strip() == row[column] and row[column], (row["line"], column)
        assert row["note"].strip(), row["line"]


def test_effect_gene_drug_evidence_forms():
    for row in ROWS:
        assert row["effect"] in EFFECTS, row
        assert GENE.match(row["gene"]), row
        assert DRUG.match(row["drug"]), row
        assert EVIDENCE.match(row["evidence"]), row
        assert row["evidence_level"] in {"A", "B", "C", "D", "E"}, row
        assert row["source"] in ("seed 2026-11-21", "seed 2026-12-01"), row


def classify(alteration):
    if SINGLE.match(alteration):
        return "protein"
    if COMPOUND.match(alteration):
        return "compound"
    if FUSION.match(alteration):
        return "fusion"
    if alteration in KEYWORDS:
        return alteration
    return None


def test_alteration_forms():
    for row in ROWS:
        kind = classify(row["alteration"])
        assert kind, f"line {row['line']}: unknown alteration form {row['alteration']!r}"
        if kind == "compound":
            parts = row["alteration"].split("+")
            assert parts == sorted(parts), f"line {row['line']}: compound not in alphabetical order"
            assert len(set(parts)) == len(parts), row
        if kind == "fusion":
            assert FUSION.match(row["alteration"]).group(2) == row["gene"], (
                f"line {row['line']}: gene column must be the 3' partner"
            )


@pytest.mark.parametrize(
    "alteration,kind",
    [
        ("L1196M", "protein"),
        ("G1202R+L1196M", "compound"),
        ("EML4::ALK", "fusion"),
        ("*::ALK", "fusion"),
        ("amplification", "amplification"),
        ("down-regulation", "down-regulation"),
        ("p.L1196M", None),
        ("EML4-ALK", None),
        ("Leu1196Met", None),
        ("amp", None),
        ("L1196M+", None),
    ],
)
def test_alteration_classifier(alteration, kind):
    assert classify(alteration) == kind


def test_no_duplicate_keys():
    seen = {}
    for row in ROWS:
        key = (row["gene"], row["alteration"], row["drug"], row["effect"])
        assert key not in seen, f"line {row['line']} repeats line {seen[key]}: {key}"
        seen[key] = row["line"]


KEYS = {(r["gene"], r["alteration"], r["drug"], r["effect"]) for r in ROWS}


@pytest.mark.parametrize(
    "gene,alteration,drug,effects",
    [
        ("ALK", "L1196Q", "alectinib", {"resistance"}),
        ("ALK", "L1196Q", "ceritinib", {"response"}),
        ("ALK", "F1174L", "lorlatinib", {"response", "sensitivity"}),
        ("ALK", "F1174L", "crizotinib", {"resistance"}),
        ("NRAS", "Q61K", "lorlatinib", {"resistance"}),
        ("CDK4", "amplification", "lorlatinib", {"resistance"}),
        ("FGFR1", "amplification", "lorlatinib", {"resistance"}),
        ("PTCH1", "down-regulation", "crizotinib", {"resistance"}),
        ("PTCH1", "down-regulation", "alectinib", {"resistance"}),
        ("ALK", "G1202R", "alectinib", {"resistance"}),
        ("MET", "amplification", "lorlatinib", {"resistance"}),
    ],
)
def test_seed_and_core_rows_exist(gene, alteration, drug, effects):
    assert any((gene, alteration, drug, e) in KEYS for e in effects), (gene, alteration, drug)


def test_seed_rows_cite_the_seeds():
    by_key = {(r["gene"], r["alteration"], r["drug"], r["effect"]): r["evidence"] for r in ROWS}
    assert "DOI:10.2147/OTT.S270481" in by_key[("ALK", "L1196Q", "alectinib", "resistance")]
    assert (
        "DOI:10.2147/OTT.S270481"
        in by_key[("PTCH1", "down-regulation", "crizotinib", "resistance")]
    )
    assert "DOI:10.1101/mcs.a006064" in by_key[("NRAS", "Q61K", "lorlatinib", "resistance")]
    assert "DOI:10.1101/mcs.a006064" in by_key[("ALK", "F1174L", "crizotinib", "resistance")]
