"""The cohort's sample table (``results/timeline/cohort.samples.tsv``): every sample of
samples.tsv with its sheet columns (with dates in the sheets, the sample's date and its
patient's day 0: the key from every table's days to dates), its line of therapy at sampling
(``on_treatment``, as the timeline labels it), its units and their kind, then the lab's own
columns of samples.tsv (flowcell, clinical ids ...) as written, so nothing a lab keeps beside
the sheet's columns is lost on the way to its results."""

from resistance_timeline.io.tables import write_tsv
from resistance_timeline.timeline.therapy import on_treatment, ordered_lines

SHEET_COLUMNS = (
    *("patient_id", "sample_id", "assay", "material", "day", "date", "day0_date"),
    *("timepoint", "purity"),
)
COLUMNS = (*SHEET_COLUMNS, "on_treatment", "units", "input")


def sample_rows(samples, unit_kinds, treatments, own):
    """One dict per sample, in sheet order: ``samples`` and ``treatments`` as the sheets give
    them (dicts), ``unit_kinds`` sample id -> the kind of each of its units ('fastq' or
    'bam'), ``own`` sample id -> {own column: value}. Returns ``(columns, rows)``; a blank
    cell is ''."""
    lines = {}
    for line in treatments:
        lines.setdefault(line["patient_id"], []).append(line)
    own_columns = list(dict.fromkeys(c for values in own.values() for c in values))
    rows = []
    for sample in samples:
        mine = unit_kinds.get(sample["sample_id"], [])
        row = {c: sample.get(c, "") for c in SHEET_COLUMNS}
        row = {c: "" if v is None else v for c, v in row.items()}
        row["on_treatment"] = (
            ""
            if sample["material"] == "normal"
            else on_treatment(sample["day"], ordered_lines(lines.get(sample["patient_id"], [])))
        )
        row["units"] = len(mine)
        row["input"] = "+".join(sorted(set(mine)))
        for column in own_columns:
            row[column] = own.get(sample["sample_id"], {}).get(column, "")
        rows.append(row)
    return [*COLUMNS, *own_columns], rows


def write_sample_table(path, columns, rows):
    """The table as TSV (header, then one line per sample)."""
    write_tsv(rows, path, columns)
