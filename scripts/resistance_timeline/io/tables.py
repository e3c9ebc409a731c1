"""Tab-separated tables as lists of dicts: the one reader and writer the scripts share.

Every result table goes through ``write_tsv`` (or ``write_rows`` for positional rows), so that
numbers read the same in every table and two runs give the same bytes:

- floats with ``DIGITS`` significant digits (``%g`` style; no exponent for large values);
- a float tiny against the largest magnitude of its column (below ``ZERO_RELATIVE`` times it)
  is floating-point noise where 0 is meant — a Wilson lower bound at 0 alt reads came out as
  ``6.939e-18`` — and is written ``0``; ``-0`` is written ``0``;
- p-value columns (``P_VALUE_COLUMNS``) keep small values: ``1e-30`` there is a result;
- NaN and None are blank; integers and text are written as they are.
"""

import csv
import math
import numbers

DIGITS = 6
ZERO_RELATIVE = 1e-9
P_VALUE_COLUMNS = frozenset({"pvalue", "padj", "background_p"})


def read_tsv(path, keep=None):
    """Rows of a TSV with a header line, as dicts; '#' comment lines and blank lines skipped
    (the knowledge base starts with a comment block). ``keep(row)``: only the rows it accepts
    are held, the file is streamed (a patient's variants table has every candidate site x
    sample)."""
    with open(path, newline="") as handle:
        lines = (line for line in handle if line.strip() and not line.startswith("#"))
        return [row for row in csv.DictReader(lines, delimiter="\t") if keep is None or keep(row)]


def _is_float(value):
    return isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral)


def format_float(value, zero_below=0.0, digits=DIGITS):
    """``value`` with ``digits`` significant digits; blank for NaN, ``0`` for -0 and for
    magnitudes below ``zero_below``."""
    value = float(value)
    if math.isnan(value):
        return ""
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if value == 0 or abs(value) < zero_below:
        return "0"
    exponent = math.floor(math.log10(abs(value)))
    if exponent >= digits:  # 1234567.8 -> 1234570, not 1.23457e+06
        return str(int(round(value, digits - 1 - exponent)))
    text = f"{value:.{digits}g}"
    return "0" if float(text) == 0 else text


def column_thresholds(rows, columns):
    """Per column, the magnitude below which a float is written as 0 (ZERO_RELATIVE times the
    column's largest finite magnitude; 0 for p-value columns and columns without floats)."""
    largest = dict.fromkeys(columns, 0.0)
    for row in rows:
        for column in columns:
            value = row.get(column)
            if _is_float(value) and math.isfinite(value):
                largest[column] = max(largest[column], abs(float(value)))
    return {c: 0.0 if c in P_VALUE_COLUMNS else largest[c] * ZERO_RELATIVE for c in columns}


def _cell(value, zero_below):
    if value is None:
        return ""
    if _is_float(value):
        return format_float(value, zero_below)
    return value


def write_tsv(rows, path, columns, ignore_extra=False, preamble=""):
    """Write dict rows under a header of ``columns``, numbers formatted as the module
    docstring says. Keys outside ``columns`` raise, unless ``ignore_extra`` says the table
    deliberately shows a subset of each row. ``preamble``: text written before the header
    (a format's own '#' lines: MAF's version line, cBioPortal's attribute rows)."""
    rows = list(rows)
    if not ignore_extra:
        for row in rows:
            extra = set(row) - set(columns)
            if extra:
                raise ValueError(f"{path}: row keys {sorted(extra)} are not columns {columns}")
    zero_below = column_thresholds(rows, columns)
    with open(path, "w", newline="") as handle:
        handle.write(preamble)
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(c, ""), zero_below[c]) for c in columns])


def write_rows(rows, path, columns):
    """Write positional rows (lists in the order of ``columns``) like ``write_tsv``."""
    write_tsv((dict(zip(columns, row, strict=True)) for row in rows), path, columns)
