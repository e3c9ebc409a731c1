"""Lines of therapy: which drug a day falls on (``on_treatment``)."""

BEFORE = "before treatment"
AFTER = " (after)"


def number(value):
    """A sheet value as int/float, None when blank."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return value
    text = str(value).strip()
    try:
        return int(text)
    except ValueError:
        return float(text)


def ordered_lines(treatments):
    """The patient's lines with numeric days, by start day then line."""
    lines = [
        {**t, "start_day": number(t.get("start_day")), "end_day": number(t.get("end_day"))}
        for t in treatments
        if number(t.get("start_day")) is not None
    ]
    return sorted(lines, key=lambda t: (t["start_day"], int(number(t.get("line")) or 0)))


def on_treatment(day, lines):
    """The label of ``day`` (see the package docstring); ``lines`` from ordered_lines."""
    day = number(day)
    running = [
        t["drug"]
        for t in lines
        if t["start_day"] < day and (t["end_day"] is None or day <= t["end_day"])
    ]
    if running:
        return " + ".join(running)
    started = [t for t in lines if t["start_day"] < day]
    if started:
        return started[-1]["drug"] + AFTER
    return BEFORE


def drug_of(label):
    """The drug(s) of an on_treatment label, without " (after)"; blank before treatment."""
    if not label or label == BEFORE:
        return ""
    return label.removesuffix(AFTER)


def line_of(drug, lines):
    """The line number a drug was given as, None when the patient never had it."""
    for t in lines:
        if t["drug"].lower() == drug.lower():
            return t.get("line")
    return None
