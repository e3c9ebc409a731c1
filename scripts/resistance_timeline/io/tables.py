"""Tab-separated tables as lists of dicts: the one reader and writer the scripts share."""

import csv


def read_tsv(path):
    """Rows of a TSV with a header line, as dicts; '#' comment lines and blank lines skipped
    (the knowledge base starts with a comment block)."""
    with open(path, newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def write_tsv(rows, path, columns, ignore_extra=False):
    """Write dict rows under a header of ``columns``. Keys outside ``columns`` raise, unless
    ``ignore_extra`` says the table deliberately shows a subset of each row."""
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(
            handle,
            columns,
            delimiter="\t",
            lineterminator="\n",
            extrasaction="ignore" if ignore_extra else "raise",
        )
        writer.writeheader()
        writer.writerows(rows)
