"""Days or dates in the sheets: samples.tsv ``day`` and treatments.tsv ``start_day`` /
``end_day`` take whole days from diagnosis (``120``) or ISO dates (``2024-01-11``), as clinical
records keep them. With dates, a patient's day 0 is its ``diagnosis_date`` (samples.tsv,
optional) or else its earliest date in either sheet; every date becomes a day number before
the rules across rows run, and the date is kept beside it (samples: ``date``; treatments:
``start_date``, ``end_date``; both: ``day0_date``). A patient whose days are written both ways
is refused, naming the first cell written the other way."""

import datetime
import re

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DAY_COLUMNS = {"samples": ("day",), "treatments": ("start_day", "end_day")}
DATE_KEYS = {"day": "date", "start_day": "start_date", "end_day": "end_date"}
WHAT_A_DAY_IS = (
    "a day is a whole number of days from the patient's diagnosis (e.g. 120, or -5 before "
    "it) or an ISO date (YYYY-MM-DD, e.g. 2024-01-11)"
)


def parse_date(value):
    """An ISO date cell as (datetime.date, None), or (value, error text)."""
    if not DATE.match(value):
        return value, f"'{value}' is not an ISO date (YYYY-MM-DD, e.g. 2024-01-11)"
    try:
        return datetime.date.fromisoformat(value), None
    except ValueError as error:
        return value, f"'{value}' is not a valid date ({error})"


def parse_day(value):
    """A day cell as (int or datetime.date, error text or None)."""
    try:
        return int(value), None
    except ValueError:
        pass
    if DATE.match(value):
        return parse_date(value)
    return value, f"'{value}' is not a day: {WHAT_A_DAY_IS}"


def resolve_dates(samples, treatments):
    """Turn the date cells of each patient's rows (sheets.Row, values typed; dates as
    datetime.date) into day numbers in place; return the problems (a patient mixing dates and
    day numbers, diagnosis dates that disagree)."""
    cells = {}  # patient -> [(row, column, value)]
    for kind, rows in (("samples", samples), ("treatments", treatments)):
        for row in rows:
            for column in DAY_COLUMNS[kind]:
                if row.values.get(column) is not None:
                    cells.setdefault(row.values.get("patient_id"), []).append(
                        (row, column, row.values[column])
                    )
    problems = []
    for patient, found in cells.items():
        dates = [c for c in found if isinstance(c[2], datetime.date)]
        if not dates:
            continue
        numbers = [c for c in found if not isinstance(c[2], datetime.date)]
        if numbers:
            row, column, value = numbers[0]
            problems.append(
                f"{row.where(column)}: patient '{patient}' has dates (e.g. "
                f"{dates[0][2].isoformat()}, {dates[0][0].where(dates[0][1])}) and day numbers "
                f"(here {value}); write all of a patient's days one way"
            )
            continue
        origin, problem = _day_zero(patient, samples, dates)
        if problem:
            problems.append(problem)
            continue
        for row, column, value in dates:
            row.values[column] = (value - origin).days
            row.values[DATE_KEYS[column]] = value.isoformat()
            row.values["day0_date"] = origin.isoformat()
    return problems


def _day_zero(patient, samples, dates):
    """(the patient's day 0, problem or None): its diagnosis_date when samples.tsv gives one
    (the same on every row that gives it), else its earliest date."""
    given = [
        (r, r.values["diagnosis_date"])
        for r in samples
        if r.values.get("patient_id") == patient and r.values.get("diagnosis_date")
    ]
    if not given:
        return min(value for _, _, value in dates), None
    values = {v for _, v in given}
    if len(values) > 1:
        row, value = next((r, v) for r, v in given if v != given[0][1])
        return None, (
            f"{row.where('diagnosis_date')}: patient '{patient}' has diagnosis date {value} "
            f"here and {given[0][1]} on line {given[0][0].line}; give one diagnosis date"
        )
    return datetime.date.fromisoformat(given[0][1]), None
