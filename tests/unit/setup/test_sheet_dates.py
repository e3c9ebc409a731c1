"""Days or dates in the sheets (resistance_timeline.setup.sheet_dates): ISO dates become days
from each patient's day 0 (diagnosis_date, else its earliest date), kept beside the days; a
patient written both ways, and diagnosis dates that disagree, are refused."""

from setup_support import SCHEMAS, bad_input, only_problem

from resistance_timeline.setup.sheets import load_sheets

DATED_SAMPLES = """\
patient_id\tsample_id\tassay\tmaterial\tday\ttimepoint\tpurity
P1\tP1-N\twes\tnormal\t2024-01-11\tblood\t
P1\tP1-T0\twes\ttumor\t2024-01-11\tdiagnosis\t0.6
P1\tP1-T1\twes\ttumor\t2024-04-20\trelapse on drug A\t0.5
P1\tP1-R0\trna\ttumor\t2024-01-11\tdiagnosis\t
"""
DATED_TREATMENTS = """\
patient_id\tline\tdrug\tstart_day\tend_day\tbest_response
P1\t1\tdrug A\t2024-01-21\t2024-04-10\tPR
P1\t2\tdrug B\t2024-04-30\t\tSD
"""


def test_dates_become_days_from_the_earliest_date(project):
    project.write("samples.tsv", DATED_SAMPLES)
    project.write("treatments.tsv", DATED_TREATMENTS)
    sheets = load_sheets(project.config, SCHEMAS, check_files=False)
    t1 = next(s for s in sheets.samples if s["sample_id"] == "P1-T1")
    assert (t1["day"], t1["date"], t1["day0_date"]) == (100, "2024-04-20", "2024-01-11")
    first, second = sheets.treatments
    assert (first["start_day"], first["end_day"], second["start_day"]) == (10, 90, 110)
    assert (first["start_date"], first["end_date"]) == ("2024-01-21", "2024-04-10")
    assert "end_day" not in second and "end_date" not in second


def test_diagnosis_date_is_day_zero(project):
    samples = DATED_SAMPLES.replace("\tpurity\n", "\tpurity\tdiagnosis_date\n")
    samples = "\n".join(
        line + ("\t2024-01-01" if i else "") for i, line in enumerate(samples.splitlines())
    )
    project.write("samples.tsv", samples + "\n")
    project.write("treatments.tsv", DATED_TREATMENTS)
    sheets = load_sheets(project.config, SCHEMAS, check_files=False)
    assert [s["day"] for s in sheets.samples] == [10, 10, 110, 10]
    assert sheets.treatments[0]["start_day"] == 20


@bad_input("days-and-dates-mixed")
def test_a_patient_with_dates_and_day_numbers_is_refused(project):
    project.write("treatments.tsv", DATED_TREATMENTS)
    msg = only_problem(project, check_files=False)
    assert msg.endswith(
        "samples.tsv, line 2 (sample P1-N), column 'day': patient 'P1' has dates (e.g. "
        f"2024-01-21, {project.root}/treatments.tsv, line 2, column 'start_day') and day "
        "numbers (here 0); write all of a patient's days one way"
    )


def test_diagnosis_dates_that_disagree_are_refused(project):
    samples = DATED_SAMPLES.replace("\tpurity\n", "\tpurity\tdiagnosis_date\n")
    samples = samples.replace("\t0.6\n", "\t0.6\t2024-01-01\n").replace(
        "\t0.5\n", "\t0.5\t2024-01-02\n"
    )
    samples = samples.replace("\t\n", "\t\t\n")  # no diagnosis date on the other rows
    project.write("samples.tsv", samples)
    project.write("treatments.tsv", DATED_TREATMENTS)
    msg = only_problem(project, check_files=False)
    assert "line 4 (sample P1-T1), column 'diagnosis_date': patient 'P1' has diagnosis " in msg
    assert "date 2024-01-02 here and 2024-01-01 on line 3; give one diagnosis date" in msg


def test_an_impossible_date_is_named(project):
    project.edit("samples.tsv", "tumor\t100\t", "tumor\t2024-02-30\t")
    msg = only_problem(project, check_files=False)
    assert "column 'day': '2024-02-30' is not a valid date (day is out of range" in msg
