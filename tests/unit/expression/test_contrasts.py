"""Pre/post contrasts from the sheets (expression/contrasts.py), on the demo cohort's sheets:
the exact pairs, the cohort contrasts per scope, and the samples that fit no contrast."""

import pytest

from helpers import REPO
from resistance_timeline.expression.contrasts import plan_contrasts, safe_name
from resistance_timeline.io.tables import read_tsv


def demo_sheets():
    samples = [
        {**r, "day": int(r["day"])}
        for r in read_tsv(REPO / "config" / "demo" / "samples.tsv")
        if r["assay"] == "rna"
    ]
    treatments = [
        {
            **r,
            "line": int(r["line"]),
            "start_day": int(r["start_day"]),
            "end_day": int(r["end_day"]) if r["end_day"] else None,
        }
        for r in read_tsv(REPO / "config" / "demo" / "treatments.tsv")
    ]
    return samples, treatments


def pairs(plan):
    return {
        p: [(c.name, c.pre_sample, c.post_sample) for c in contrasts]
        for p, contrasts in plan.patient_contrasts.items()
    }


def test_demo_pairs_and_cohort_contrasts():
    plan = plan_contrasts(*demo_sheets(), "same_drug")
    assert plan.patients == ("IMT01", "IMT02", "NB01")
    assert pairs(plan) == {
        "IMT01": [
            ("line1_crizotinib", "IMT01-R0", "IMT01-R1"),
            ("line2_alectinib", "IMT01-R1", "IMT01-R2"),
        ],
        "IMT02": [
            ("line1_crizotinib", "IMT02-R0", "IMT02-R1"),
            ("line2_alectinib", "IMT02-R1", "IMT02-R2"),
        ],
        "NB01": [("line2_lorlatinib", "NB01-R0", "NB01-R2")],
    }
    assert plan.cohort_names == ["crizotinib", "alectinib"]
    assert [c.patients for c in plan.cohort] == [("IMT01", "IMT02")] * 2
    lorlatinib = plan.patient_contrasts["NB01"][0]
    assert plan.cohort_of(lorlatinib) is None
    assert plan.unused_samples == () and plan.warnings() == []
    notes = " ".join(plan.unpaired_lines)
    assert "IMT01 line 3 (ceritinib" in notes and "NB01 line 1 (crizotinib" in notes


def test_any_inhibitor_pools_every_pair():
    plan = plan_contrasts(*demo_sheets(), "any_inhibitor")
    assert plan.cohort_names == ["any_inhibitor"]
    assert len(plan.cohort[0].pairs) == 5
    assert plan.cohort_of(plan.patient_contrasts["NB01"][0]).name == "any_inhibitor"


def test_samples_in_no_contrast_are_named_not_fatal():
    samples, treatments = demo_sheets()
    samples = samples + [
        {"patient_id": "IMT01", "sample_id": "IMT01-R9", "day": -30, "timepoint": "x"},
        {"patient_id": "P9", "sample_id": "P9-R0", "day": 0, "timepoint": "x"},
    ]
    plan = plan_contrasts(samples, treatments, "same_drug")
    assert [s for s, _ in plan.unused_samples] == ["IMT01-R9", "P9-R0"]
    assert plan.patients[-1] == "P9" and plan.patient_contrasts["P9"] == ()
    assert len(plan.warnings()) == 2 and "P9-R0" in plan.warnings()[1]
    assert pairs(plan)["IMT01"][0] == ("line1_crizotinib", "IMT01-R0", "IMT01-R1")


def test_sample_on_the_start_day_is_pre_and_next_line_bounds_post():
    samples = [
        {"patient_id": "P", "sample_id": f"P-{d}", "day": d, "timepoint": ""} for d in (5, 50, 60)
    ]
    treatments = [
        {"patient_id": "P", "line": 1, "drug": "Drug A", "start_day": 5, "end_day": None},
        {"patient_id": "P", "line": 2, "drug": "drug-B", "start_day": 50, "end_day": None},
    ]
    plan = plan_contrasts(samples, treatments, "same_drug")
    assert pairs(plan)["P"] == [("line2_drug_b", "P-50", "P-60")]
    assert plan.cohort == () and [s for s, _ in plan.unused_samples] == ["P-5"]
    assert safe_name("Drug A / 2") == "drug_a_2"


def test_unknown_scope_is_an_error():
    with pytest.raises(ValueError, match="same_drug"):
        plan_contrasts([], [], "every_drug")


def test_patients_interleaved_in_the_sheets_get_their_own_pairs():
    """Rows of several patients in any order (samples neither grouped nor by day, lines out of
    order, one without a start day, a patient without lines, lines of a patient without RNA):
    the plan is the one written by hand, and each patient's pairs are those of its rows alone."""

    def rna(patient, name, day):
        return {"patient_id": patient, "sample_id": f"{patient}-{name}", "day": day}

    def line(patient, number, drug, start):
        return {"patient_id": patient, "line": number, "drug": drug, "start_day": start}

    samples = [rna("A", "R1", 120), rna("B", "R0", 0), rna("A", "R0", 0), rna("C", "R0", 5)]
    samples += [rna("B", "R1", 60), rna("A", "R2", 300), rna("B", "R2", 400), rna("A", "R9", -30)]
    treatments = [line("A", 2, "alectinib", 130), line("B", 1, "crizotinib", 10)]
    treatments += [line("D", 1, "crizotinib", 0), line("A", 1, "crizotinib", 14)]
    treatments += [line("B", 2, "lorlatinib", ""), line("B", 3, "alectinib", 200)]
    plan = plan_contrasts(samples, treatments, "same_drug")
    assert plan.patients == ("A", "B", "C")
    assert pairs(plan) == {
        "A": [("line1_crizotinib", "A-R0", "A-R1"), ("line2_alectinib", "A-R1", "A-R2")],
        "B": [("line1_crizotinib", "B-R0", "B-R1"), ("line3_alectinib", "B-R1", "B-R2")],
        "C": [],
    }
    assert plan.cohort_names == ["crizotinib", "alectinib"]
    assert [c.patients for c in plan.cohort] == [("A", "B")] * 2
    assert plan.unused_samples == (
        ("C-R0", "the patient has no lines"),
        ("A-R9", "no pre/post pair around any line"),
    )
    assert plan.unpaired_lines == ("B line 2: no start day",)
    for patient in plan.patients:
        alone = plan_contrasts(
            [s for s in samples if s["patient_id"] == patient],
            [t for t in treatments if t["patient_id"] == patient],
            "same_drug",
        )
        assert alone.patient_contrasts[patient] == plan.patient_contrasts[patient]
