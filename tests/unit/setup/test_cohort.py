"""The cohort's lookups (setup.cohort.Cohort) on a small hand-written cohort whose answers are
known: timeline order, assay/material filters, patients by assay, CNV references, therapy lines."""

import pytest

from resistance_timeline.setup.cohort import Cohort
from resistance_timeline.setup.sheets import Sheets


def sample(patient, sid, assay, material, day):
    return {
        "patient_id": patient,
        "sample_id": sid,
        "assay": assay,
        "material": material,
        "day": day,
        "timepoint": f"day {day}",
    }


@pytest.fixture
def cohort():
    samples = [
        # sheet order is not timeline order: the index sorts by day, material, id
        sample("A", "A-T1", "wes", "tumor", 120),
        sample("A", "A-R0", "rna", "tumor", 0),
        sample("A", "A-P1", "wes", "cfdna", 120),
        sample("A", "A-T0", "wes", "tumor", 0),
        sample("A", "A-N", "wes", "normal", 0),
        sample("B", "B-T0", "wes", "tumor", 0),  # tumour-only
        sample("C", "C-R0", "rna", "tumor", 0),  # RNA only
        sample("C", "C-R1", "rna", "tumor", 50),
        sample("D", "D-N", "wes", "normal", 0),
    ]
    units = [
        {"sample_id": s["sample_id"], "unit_id": "L1", "fq1": "a", "fq2": "b"} for s in samples
    ]
    units[6] = {"sample_id": "C-R0", "unit_id": "L1", "bam": "c.bam"}
    treatments = [
        {"patient_id": "A", "line": 1, "drug": "x", "start_day": 10},
        {"patient_id": "C", "line": 1, "drug": "y", "start_day": 5},
        {"patient_id": "A", "line": 2, "drug": "z", "start_day": 130},
    ]
    return Cohort(Sheets(samples=samples, units=units, treatments=treatments))


def test_samples_in_timeline_order(cohort):
    assert cohort.patients == ["A", "B", "C", "D"]
    assert cohort.samples_of("A") == ["A-N", "A-R0", "A-T0", "A-T1", "A-P1"]
    assert cohort.samples_of("A", "wes") == ["A-N", "A-T0", "A-T1", "A-P1"]
    assert cohort.samples_of("A", "rna") == ["A-R0"]
    assert cohort.samples_of("A", "wes", ("cfdna",)) == ["A-P1"]
    assert cohort.tumour_samples("A") == ["A-T0", "A-T1", "A-P1"]
    assert cohort.normals_of("A") == ["A-N"] and cohort.normals_of("B") == []
    assert cohort.samples_of("C", "wes") == [] and cohort.tumour_samples("D") == []


def test_unknown_patient_is_an_error(cohort):
    with pytest.raises(KeyError):
        cohort.samples_of("Z", "wes")


def test_patients_by_assay_and_normals(cohort):
    assert cohort.patients_with("wes") == ["A", "B", "D"]
    assert cohort.patients_with("rna") == ["A", "C"]
    assert cohort.patients_with("other") == []
    assert cohort.cohort_normals() == ["A-N", "D-N"]


def test_lookups_return_fresh_lists(cohort):
    cohort.samples_of("A").append("X")
    cohort.cohort_normals().append("X")
    cohort.patients_with("wes").append("X")
    cohort.treatments_of("A").clear()
    assert "X" not in cohort.samples_of("A") + cohort.cohort_normals()
    assert cohort.patients_with("wes") == ["A", "B", "D"]
    assert len(cohort.treatments_of("A")) == 2


def test_records_and_units(cohort):
    assert cohort.records("C", "rna", ("sample_id", "day")) == [
        {"sample_id": "C-R0", "day": 0},
        {"sample_id": "C-R1", "day": 50},
    ]
    assert cohort.rna_is_imported("C-R0") and not cohort.rna_is_imported("C-R1")
    assert cohort.is_fastq_unit("A-N", "L1")


def test_cnv_reference(cohort):
    assert cohort.cnv_reference("A", "matched").label == "matched:A-N"
    assert cohort.cnv_reference("A", "pooled").label == "pooled:2_normals"
    assert cohort.cnv_reference("B", "matched").normals == ("A-N", "D-N")


def test_treatments_by_patient(cohort):
    assert [t["line"] for t in cohort.treatments_of("A")] == [1, 2]
    assert [t["drug"] for t in cohort.treatments_of("C")] == ["y"]
    assert cohort.treatments_of("B") == []


def test_freebayes_options_take_the_most_permissive_material(cohort):
    calling = {
        "min_alternate_fraction": {"normal": 0.05, "tumor": 0.02, "cfdna": 0.01},
        "min_alternate_count": {"normal": 2, "tumor": 3, "cfdna": 4},
        "min_mapping_quality": 20,
        "min_base_quality": 20,
        "freebayes_extra": "",
    }
    options = cohort.freebayes_options("A", calling)
    assert "--min-alternate-fraction 0.01 --min-alternate-count 2" in options
    assert "--min-alternate-fraction 0.02 --min-alternate-count 3" in cohort.freebayes_options(
        "B", calling
    )
