"""resources/knowledge/drugs.tsv through resistance_timeline.knowledge.drugs: brand names, codes and
salts to one generic name, classes, and how a row's drug concerns the patient's."""

import pytest

from helpers import REPO
from resistance_timeline.io.knowledge_format import KnowledgeFormatError
from resistance_timeline.knowledge.drugs import load_drugs

DRUGS = REPO / "resources" / "knowledge" / "drugs.tsv"


@pytest.fixture(scope="module")
def drugs():
    return load_drugs(DRUGS)


@pytest.mark.parametrize(
    "text,generic",
    [
        ("Tagrisso", ("osimertinib",)),
        ("osimertinib", ("osimertinib",)),
        ("AZD9291", ("osimertinib",)),
        ("Xalkori", ("crizotinib",)),
        ("Gleevec", ("imatinib",)),
        ("Glivec", ("imatinib",)),
        ("Imatinib Mesylate", ("imatinib",)),
        ("STI-571", ("imatinib",)),
        ("Lorbrena", ("lorlatinib",)),
        ("Imbruvica", ("ibrutinib",)),
        ("AMG 510", ("sotorasib",)),
        ("Tafinlar + Mekinist", ("dabrafenib", "trametinib")),
        ("Erlotinib + Erlotinib", ("erlotinib",)),
        ("some new drug", ("some new drug",)),
        ("epidermal growth factor receptor tyrosine kinase inhibitor", ("EGFR TKI",)),
        # doses, schedules and salt words as clinical records write them
        ("osimertinib 80 mg", ("osimertinib",)),
        ("Giotrif 40mg", ("afatinib",)),
        ("afatinib dimaleate", ("afatinib",)),
        ("erlotinib hydrochloride 150 mg po daily", ("erlotinib",)),
        ("Tagrisso (osimertinib)", ("osimertinib",)),
        ("trastuzumab deruxtecan 5.4 mg/kg q3w", ("trastuzumab deruxtecan",)),
        ("dabrafenib 150 mg bid + trametinib 2 mg qd", ("dabrafenib", "trametinib")),
        ("carboplatin AUC5", ("carboplatin auc5",)),
    ],
)
def test_names_to_generic(drugs, text, generic):
    assert drugs.normalize(text) == generic


def test_classes_and_relation(drugs):
    assert "EGFR TKI 3rd generation" in drugs.classes("osimertinib")
    assert "ALK TKI" in drugs.classes("lorlatinib")
    assert drugs.is_class("EGFR TKI") and not drugs.is_class("erlotinib")
    assert drugs.relation(("osimertinib",), ("osimertinib",)) == "same"
    assert drugs.relation(("EGFR TKI",), ("erlotinib",)) == "class"
    assert drugs.relation(("ALK TKI",), ("erlotinib",)) == ""
    # a combination row concerns a line only when every drug of it was given
    assert drugs.relation(("dabrafenib", "trametinib"), ("dabrafenib",)) == ""
    assert drugs.relation(("dabrafenib", "trametinib"), ("trametinib", "dabrafenib")) == "same"
    assert drugs.relation(("imatinib",), ("crizotinib",)) == ""


def test_a_name_given_to_two_drugs_is_an_error(tmp_path):
    path = tmp_path / "drugs.tsv"
    path.write_text(
        "# version: drugs test\ndrug\tsynonyms\tclasses\n"
        "erlotinib\tTarceva\tEGFR TKI\ngefitinib\tTarceva|Iressa\tEGFR TKI\n"
    )
    with pytest.raises(KnowledgeFormatError, match=r"line 4, column 'synonyms': 'Tarceva' is"):
        load_drugs(path)


def test_shipped_table_is_well_formed(drugs):
    assert drugs.version == "drugs 2026-12-06" and len(drugs.drugs) > 100
    for name in drugs.drugs:
        assert name == name.lower() or drugs.is_class(name), name


def test_unknown_parts_and_the_closest_names(drugs):
    assert drugs.unknown("osimertinib 80 mg + Giotrif") == []
    assert drugs.unknown("osimertinb + EGFR TKI + etoposide") == ["osimertinb", "etoposide"]
    assert drugs.suggest("osimertinb") == ["osimertinib", "cobimetinib"]
    assert drugs.suggest("Tagriso") == ["osimertinib"]  # through a brand name
    assert drugs.suggest("lorlatnib 100 mg") == ["lorlatinib"]
    assert drugs.suggest("etoposide") == []
    assert drugs.unknown("a ((b))") == ["a ((b))"]  # unbalanced brackets: no recursion
