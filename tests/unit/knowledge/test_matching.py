"""Knowledge of timeline events (resistance_timeline.knowledge.matching) with the shipped
knowledge base: the issue's two new-user patients (EGFR-mutant lung cancer on erlotinib then
Tagrisso; KIT-mutant GIST on Gleevec then sunitinib) and the demo's seed markers."""

import pytest

from helpers import REPO
from resistance_timeline.knowledge.matching import KNOWLEDGE_COLUMNS, event_knowledge
from resistance_timeline.knowledge.tables import load_knowledge
from resistance_timeline.setup.config import schema_defaults
from resistance_timeline.timeline.therapy import ordered_lines

KNOWLEDGE = REPO / "resources" / "knowledge"
SOURCES = [REPO / p for p in schema_defaults("knowledge")["shipped_sources"]]


@pytest.fixture(scope="module")
def kb():
    return load_knowledge(SOURCES, KNOWLEDGE / "drugs.tsv", KNOWLEDGE / "regions.tsv")


def lines(*drugs):
    """Consecutive lines of 100 days each, from day 0."""
    return ordered_lines(
        [
            {"line": i + 1, "drug": d, "start_day": 100 * i, "end_day": 100 * (i + 1)}
            for i, d in enumerate(drugs)
        ]
    )


def knowledge(kb, event, acquired_on, first_day, treatments):
    classified = {"acquired_on": acquired_on, "first_day_detected": first_day}
    return event_knowledge(kb, event, classified, treatments)


LUNG = lines("erlotinib", "Tagrisso")
GIST = lines("Gleevec", "sunitinib")


def test_columns_and_version_on_every_event(kb):
    found = knowledge(kb, ("snv", "XYZ1", "p.A2C"), "erlotinib", "50", LUNG)
    assert list(found) == KNOWLEDGE_COLUMNS
    assert found["knowledge"] == found["relevance"] == found["knowledge_other"] == ""
    assert found["knowledge_version"] == kb.version


def test_egfr_t790m_on_erlotinib(kb):
    found = knowledge(kb, ("snv", "EGFR", "p.T790M"), "erlotinib", "90", LUNG)
    assert "erlotinib: resistance (PMID:" in found["knowledge"]
    assert "osimertinib: sensitivity (PMID:" in found["knowledge"]
    assert "known resistance to erlotinib, the drug it appeared on" in found["relevance"]
    assert (
        "reported sensitivity to osimertinib, given as line 2 (present before it)"
        in (found["relevance"])
    )
    # drugs the patient never got are kept apart
    assert "gefitinib: resistance" in found["knowledge_other"]
    assert "afatinib: resistance" in found["knowledge_other"]
    assert "gefitinib" not in found["knowledge"]


def test_egfr_c797s_on_tagrisso(kb):
    found = knowledge(kb, ("snv", "EGFR", "p.C797S"), "Tagrisso", "190", LUNG)
    assert found["relevance"].startswith("known resistance to osimertinib, the drug it appeared on")
    # CIViC's gene-level 'EGFR mutation: osimertinib sensitivity' gives way to C797S's own
    # osimertinib rows (``specific``); for other drugs it is kept, tagged with its rule
    assert "osimertinib: sensitivity" not in found["knowledge"] + found["knowledge_other"]
    assert "sensitivity to osimertinib" not in found["relevance"]
    assert "gefitinib: sensitivity (PMID:" in found["knowledge_other"]
    assert "[gene mutation]" in found["knowledge_other"]


def test_kit_v654a_and_n822k_on_gleevec_then_sunitinib(kb):
    v654a = knowledge(kb, ("snv", "KIT", "p.V654A"), "Gleevec", "90", GIST)
    assert v654a["relevance"].startswith("known resistance to imatinib, the drug it appeared on")
    assert "reported sensitivity to sunitinib, given as line 2" in v654a["relevance"]
    n822k = knowledge(kb, ("snv", "KIT", "p.N822K"), "sunitinib", "150", GIST)
    assert "known resistance to sunitinib, the drug it appeared on" in n822k["relevance"]
    assert "known resistance to imatinib, given as line 1" in n822k["relevance"]
    assert "regorafenib: resistance" in n822k["knowledge_other"]


def test_abl1_t315i_and_btk_c481s(kb):
    cml = lines("imatinib", "ponatinib")
    t315i = knowledge(kb, ("snv", "ABL1", "p.T315I"), "imatinib", "90", cml)
    assert "known resistance to imatinib, the drug it appeared on" in t315i["relevance"]
    assert "reported sensitivity to ponatinib, given as line 2" in t315i["relevance"]
    cll = lines("Imbruvica")
    c481s = knowledge(kb, ("snv", "BTK", "p.C481S"), "Imbruvica", "90", cll)
    assert c481s["knowledge"] == (
        "BTK inhibitor covalent: resistance (PMID:24869598;PMID:26182309); "
        "ibrutinib: resistance (PMID:24869598;PMID:26182309)"
    )
    assert c481s["relevance"] == (
        "known resistance to BTK inhibitor covalent (ibrutinib), the drug it appeared on; "
        "known resistance to ibrutinib, the drug it appeared on"
    )
    # the non-covalent inhibitor still works: the next line's option, not a resistance
    assert c481s["knowledge_other"].startswith("pirtobrutinib: sensitivity (DOI:10.1056/")


NB01 = lines("crizotinib", "lorlatinib")


RELAPSE = [("snv", "NRAS", "p.Q61K"), ("cnv", "CDK4", "amplification")]


@pytest.mark.parametrize("event", [*RELAPSE, ("cnv", "FGFR1", "amplification")])
def test_demo_relapse_markers_as_today(kb, event):
    found = knowledge(kb, event, "lorlatinib", "500", NB01)
    assert found["knowledge"] == "lorlatinib: resistance (DOI:10.1101/mcs.a006064;PMID:34210658)"
    assert found["relevance"] == "known resistance to lorlatinib, the drug it appeared on"


def test_alk_seed_markers_as_today(kb):
    f1174l = knowledge(kb, ("snv", "ALK", "p.F1174L"), "", "0", NB01)
    assert f1174l["knowledge"].startswith("crizotinib: resistance (DOI:10.1101/mcs.a006064;")
    # CIViC's one preclinical sensitivity row (PMID:21948233, level D) is outranked by the
    # clinical resistance rows (the seed's case report, CIViC's cohorts)
    assert (
        "known resistance to crizotinib, given as line 1 (present before it)"
        in (f1174l["relevance"])
    )
    assert "crizotinib: sensitivity (PMID:21948233)" in f1174l["knowledge_other"]
    imt = lines("crizotinib", "alectinib", "ceritinib")
    l1196q = knowledge(kb, ("snv", "ALK", "p.L1196Q"), "alectinib", "150", imt)
    assert l1196q["knowledge"] == (
        "alectinib: resistance (DOI:10.2147/OTT.S270481); "
        "ceritinib: response (DOI:10.2147/OTT.S270481)"
    )
    assert l1196q["relevance"] == (
        "known resistance to alectinib, the drug it appeared on; "
        "reported response to ceritinib, given as line 3 (present before it)"
    )


def test_nras_q61_codon_rows_tagged(kb):
    found = knowledge(kb, ("snv", "NRAS", "p.Q61R"), "lorlatinib", "500", NB01)
    assert found["knowledge"] == ""
    assert "vemurafenib: resistance (PMID:23569304) [codon Q61]" in found["knowledge_other"]


def test_class_rows_concern_the_drugs_of_the_class(kb):
    """CIViC's ESR1 Y537S 'hormone therapy' resistance row for a patient on Femara."""
    breast = lines("Femara")
    found = knowledge(kb, ("snv", "ESR1", "p.Y537S"), "Femara", "50", breast)
    assert found["knowledge"] == (
        "aromatase inhibitor: resistance (PMID:24185512;PMID:29045530); "
        "endocrine therapy: resistance (PMID:24185512)"
    )
    assert found["relevance"] == (
        "known resistance to aromatase inhibitor (letrozole), the drug it appeared on; "
        "known resistance to endocrine therapy (letrozole), the drug it appeared on"
    )
    assert "fulvestrant: sensitivity" in found["knowledge_other"]


def test_pdgfra_d842v_gist_imatinib_then_ayvakit(kb):
    gist = lines("imatinib", "Ayvakit")
    found = knowledge(kb, ("snv", "PDGFRA", "p.D842V"), "imatinib", "50", gist)
    assert "known resistance to imatinib, the drug it appeared on" in found["relevance"]
    assert (
        "reported sensitivity to avapritinib, given as line 2 (present before it)"
        in (found["relevance"])
    )
