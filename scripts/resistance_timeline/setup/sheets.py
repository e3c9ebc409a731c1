"""Load and validate the three sample sheets (samples, units, treatments).

Imported by ``rules/common.smk`` when the workflow is parsed, so every problem in the sheets is
reported before any job runs, all at once, each naming the sheet, the row and the column.

Checks in three layers:
  * per row, against the JSON schemas in ``config/schemas/`` (types, patterns, enums);
    columns the schema does not name are the lab's own (flowcell, clinical ids ...): kept
    as written, unless the name is close to a sheet column the header lacks (``sampel_id``);
  * across rows (``sheet_rules.check_cohort``): unique ids, units for every sample, one
    matched normal per patient, distinct timepoints, therapy lines; every drug of
    treatments.tsv known to the knowledge base's drug table (``sheet_rules.check_drugs``);
  * the files themselves (``input_files`` and ``reference_files``, with ``check_files``):
    inputs present, readable and whole, contig names shared by the reference, targets,
    annotation and BAM units.

Every message names the file, the line as the user sees it in the file (header = line 1,
comment and blank lines counted), the column, the bad value and what would be valid. The
catalogue of bad inputs and what each one gets is in config/README.md.

A job process (a cluster or sub-process job re-parsing the workflow) reads the sheets the main
process has checked: with ``validate=False`` it only parses them (cells typed, dates made day
numbers, unit paths resolved), the same values without the per-row schema validation and the
checks across rows, which grow with the cohort.
"""

import csv
import datetime
import difflib
import os
from dataclasses import dataclass, field

from resistance_timeline.setup.config import load_schema, portable
from resistance_timeline.setup.input_files import FileFacts, check_unit_files
from resistance_timeline.setup.reference_files import (
    check_panel,
    check_prebuilt_cnv,
    check_reference,
)
from resistance_timeline.setup.sheet_dates import parse_date, parse_day, resolve_dates
from resistance_timeline.setup.sheet_rules import check_cohort, check_drugs

ID_CHARS = (
    "ASCII letters, digits, '_' and '-', starting with a letter or digit, at most 64 "
    "characters (no spaces, dots, slashes or characters such as ; $ ( ) ' \")"
)


class SheetError(Exception):
    """Raised with every problem found, one per line in ``problems``."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass
class Row:
    """One sheet row: its values (typed) and where it came from."""

    sheet: str
    line: int
    values: dict
    label: str = ""
    own: dict = field(default_factory=dict)  # the lab's own columns, as written

    def where(self, column=None):
        """Human-readable location: 'samples.tsv line 4 (sample X), column day'."""
        text = f"{self.sheet}, line {self.line}"
        if self.label:
            text += f" ({self.label})"
        if column:
            text += f", column '{column}'"
        return text


@dataclass
class Sheets:
    """The validated sheets: lists of typed row dicts, plus lookups used by the rules."""

    samples: list = field(default_factory=list)
    units: list = field(default_factory=list)
    treatments: list = field(default_factory=list)
    # the lab's own columns: sheet path -> column names; sample id -> {column: value}
    own_columns: dict = field(default_factory=dict)
    sample_own: dict = field(default_factory=dict)

    def patients(self):
        """Patient ids in order of first appearance in samples.tsv."""
        return list(dict.fromkeys(s["patient_id"] for s in self.samples))

    def notices(self):
        """Lines to say once when the workflow starts: each sheet's own columns, kept."""
        return [
            f"resistance-timeline: {sheet}: your own column(s) {', '.join(columns)} kept as "
            "written (not sheet columns; config/README.md lists those)\n"
            for sheet, columns in self.own_columns.items()
        ]


def _coerce(value, spec):
    """Convert one TSV cell to the schema's type; return (value, error text or None). A day
    column (``x-day``) takes a day number or an ISO date (sheet_dates)."""
    kind = spec.get("type")
    if spec.get("x-day"):
        return parse_day(value)
    if spec.get("x-date"):
        return value, parse_date(value)[1]  # kept as written: the ISO text
    if kind == "integer":
        try:
            return int(value), None
        except ValueError:
            return value, f"'{value}' is not a whole number"
    if kind == "number":
        try:
            return float(value), None
        except ValueError:
            return value, f"'{value}' is not a number"
    return value, None


def _explain(error, spec):
    """Turn a jsonschema error into a sentence saying what would be valid."""
    if error.validator == "pattern":
        if "A-Za-z0-9" in error.validator_value:
            return f"'{error.instance}' is not a valid identifier: use {ID_CHARS}"
        return f"'{error.instance}' is not valid: {spec.get('description', '').strip()}"
    if error.validator == "enum":
        allowed = " | ".join(map(str, error.validator_value))
        return f"'{error.instance}' is not allowed; use one of: {allowed}"
    if error.validator in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        return f"{error.instance} is out of range ({spec.get('description', '').strip()})"
    return error.message


def _sheet_lines(path, sheet_name):
    """``(numbered lines, problem)``: the sheet's non-blank, non-comment lines with their line
    number in the file. Windows line ends and a UTF-8 byte-order mark (Excel's "UTF-8" save)
    are accepted; text in another encoding is named with its line."""
    with open(path, "rb") as handle:
        data = handle.read()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return [], (
            f"{sheet_name}: the sheet is UTF-16 text (Excel's 'Unicode Text'); save it as "
            "'Text (tab-delimited)' or 'UTF-8' instead"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return [], (
            f"{sheet_name}, line {line}: byte {data[error.start]:#04x} is not UTF-8 text; save "
            "the sheet as UTF-8 (e.g. Excel: 'UTF-8 (tab-delimited)'; LibreOffice: character "
            "set 'Unicode (UTF-8)')"
        )
    numbered = [
        (number, line)
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.startswith("#")
    ]
    return numbered, None


def _cells(line):
    """The tab-separated cells of one line (quotes around a cell, as spreadsheets write them,
    removed; a line is parsed alone, so a stray quote cannot swallow the next lines)."""
    return next(csv.reader([line], delimiter="\t"))


def _header_problems(header, props, required, where):
    """Misspelt (an unknown column whose name is close to a sheet column the header lacks,
    with that name), repeated and missing columns. Other unknown columns are the lab's own."""
    problems = []
    for position, column in enumerate(header):
        if column in header[:position]:
            problems.append(
                f"{where}, column '{column}': the column appears twice (columns "
                f"{header.index(column) + 1} and {position + 1}); keep one"
            )
        elif column not in props and (close := _misspelt(column, props, header)):
            problems.append(
                f"{where}, column '{column}': unknown column (did you mean '{close}'?); "
                f"allowed columns are: {', '.join(props)}; a column of your own is kept when "
                "its name is not this close to one of them"
            )
    for column in required:
        if column not in header:
            problems.append(f"{where}: required column '{column}' is missing")
    return problems


def _misspelt(column, props, header):
    """The sheet column ``column`` is probably a misspelling of (same name in another case,
    or close in spelling), if the header lacks that column; else None."""
    missing = [p for p in props if p not in header]
    same = [p for p in missing if p.lower() == column.lower().replace(" ", "_")]
    close = difflib.get_close_matches(column.lower(), missing, n=1, cutoff=0.8)
    return (same or close or [None])[0]


def read_sheet(path, schema, sheet_name, label_column=None, validate=True):
    """Read one TSV sheet and validate every row against ``schema``.

    Blank cells count as absent. Returns ``(rows, problems)``: rows are ``Row`` objects with
    typed values, problems a list of messages naming the sheet, line and column. ``validate``
    false types the cells as the schema says without validating the rows against it.
    """
    if not os.path.isfile(path):
        return [], [f"{sheet_name}: file not found: {path}"]
    props = schema["properties"]
    required = schema.get("required", [])
    numbered, problem = _sheet_lines(path, sheet_name)
    if problem:
        return [], [problem]
    if not numbered:
        return [], [f"{sheet_name}: the sheet is empty; it needs a header line and rows"]
    header_line, header_text = numbered[0]
    header = [h.strip() for h in _cells(header_text)]
    where = f"{sheet_name}, line {header_line}"
    if len(header) == 1 and ("," in header[0] or " " in header[0] or ";" in header[0]):
        return [], [
            f"{where}: the header has one column '{header[0]}'; the sheet must be "
            "tab-separated (save it as 'Text (tab-delimited)', not CSV)"
        ]
    problems = _header_problems(header, props, required, where)
    if problems:
        return [], problems
    validator = None
    if validate:
        import jsonschema  # here, not at the top: job processes (validate=False) skip it

        validator = jsonschema.Draft202012Validator(schema)
    rows = []
    for line_no, text in numbered[1:]:
        cells = _cells(text)
        row = Row(sheet_name, line_no, {})
        if len(cells) != len(header):
            problems.append(
                f"{row.where()}: {len(cells)} cells but the header has {len(header)}; "
                "check for missing tabs or spaces used instead of tabs"
            )
            continue
        known = [(h, c) for h, c in zip(header, cells) if h in props]
        problems.extend(_row_problems(row, known, props, validator, label_column))
        row.own = {h: c.strip() for h, c in zip(header, cells) if h not in props}
        rows.append(row)
    return rows, problems


def _row_problems(row, cells, props, validator, label_column):
    """Fill ``row.values`` (typed) from its (column, cell) pairs; the row's problems, column
    by column."""
    raw = {h: c.strip() for h, c in cells if c.strip() != ""}
    if label_column and label_column in raw:
        row.label = f"{label_column.split('_')[0]} {raw[label_column]}"
    typed, problems = {}, []
    for column, value in raw.items():
        typed[column], error = _coerce(value, props[column])
        if error:
            problems.append(f"{row.where(column)}: {error}")
    # an optional column's schema default where the cell is empty or the column absent
    typed |= {c: p["default"] for c, p in props.items() if "default" in p and c not in typed}
    row.values = typed
    if problems or validator is None:
        return problems
    # a date's range is checked once it is a day number (sheet_dates.resolve_dates)
    plain = {k: 0 if isinstance(v, datetime.date) else v for k, v in typed.items()}
    for error in validator.iter_errors(plain):
        column = error.path[0] if error.path else None
        if error.validator == "required":
            column = error.message.split("'")[1]
            text = "is empty but required"
        elif error.validator == "oneOf":
            text = "give either both fq1 and fq2 (paired FASTQ) or bam, not both"
            column = "fq1/fq2/bam"
        else:
            text = _explain(error, props.get(column, {}))
        problems.append(f"{row.where(column)}: {text}")
    return problems


# reference files each assay needs, and what for
ASSAY_REFERENCES = {
    "wes": {
        "gff3": "variant annotation (bcftools csq)",
        "targets": "candidate calling and coverage over the capture targets",
    },
    "rna": {"gtf": "the STAR index, gene counts and fusion calls"},
}


def check_assay_references(samples, reference, config_name="config.yaml"):
    """Each assay of the cohort has the reference files it needs (fasta is always required
    by the schema); a file no assay needs may be left out."""
    problems = []
    for assay, needs in ASSAY_REFERENCES.items():
        ids = [r.values.get("sample_id") for r in samples if r.values.get("assay") == assay]
        if not ids:
            continue
        for key, purpose in needs.items():
            if not reference.get(key):
                problems.append(
                    f"{config_name}, key 'reference: {key}': not set, but the cohort's "
                    f"{len(ids)} {assay.upper()} sample(s) (e.g. {ids[0]}) need it for "
                    f"{purpose}"
                )
    return problems


def resolve_unit_paths(units, sheet_dir):
    """Relative fq1/fq2/bam paths are taken from the units sheet's folder, and then given
    relative to the working directory when they lie inside it (``portable``: a moved project
    does not rerun), else absolute."""
    cwd = os.getcwd()
    for row in units:
        for column in ("fq1", "fq2", "bam"):
            value = row.values.get(column)
            if value and not os.path.isabs(value):
                path = os.path.normpath(os.path.join(sheet_dir, value))
                row.values[column] = portable(path, cwd)


def load_sheets(
    config,
    schema_dir,
    check_files=True,
    facts_store=None,
    config_name="config.yaml",
    drugs=None,
    drug_table="drugs.tsv",
    validate=True,
):
    """Read, validate and cross-check all sheets named in ``config`` (validated already, see
    setup.config); raise SheetError on any problem. ``check_files`` adds the file-system checks
    (inputs exist, gzip, contigs); ``facts_store`` is where their findings are remembered
    between runs (see FileFacts); ``config_name`` is the config file messages name; ``drugs``
    (the drug table read from ``drug_table``, knowledge.drugs.Drugs) checks treatments.tsv's drug
    names. ``validate`` false (a job process: the main process checked these sheets) parses
    them to the same values without the schema validation of each row, the checks across rows
    and the drug names; a cell that cannot be typed is still refused."""
    problems = []
    loaded = {}
    for name, label in (("samples", "sample_id"), ("units", "sample_id"), ("treatments", None)):
        path = config.get(name)
        if not path:
            problems.append(f"{config_name}: key '{name}' (path to {name}.tsv) is missing")
            loaded[name] = []
            continue
        schema = load_schema(os.path.join(schema_dir, f"{name}.schema.yaml"))
        rows, found = read_sheet(path, schema, path, label, validate)
        loaded[name] = rows
        problems.extend(found)
    problems.extend(resolve_dates(loaded["samples"], loaded["treatments"]))
    if problems:
        raise SheetError(problems)
    if validate:
        problems.extend(_cohort_problems(config, loaded, config_name, drugs, drug_table))
    resolve_unit_paths(loaded["units"], os.path.dirname(os.path.abspath(config["units"])))
    if check_files:
        reference = config.get("reference", {})
        facts = FileFacts(facts_store)
        problems.extend(check_unit_files(loaded["units"], facts))
        has_rna = any(r.values.get("assay") == "rna" for r in loaded["samples"])
        problems.extend(check_reference(reference, loaded["units"], facts, config_name, has_rna))
        problems.extend(check_prebuilt_cnv(config, facts, config_name))
        problems.extend(
            check_panel(config, [r.values for r in loaded["samples"]], facts, config_name)
        )
        facts.save()
    if problems:
        raise SheetError(problems)
    return Sheets(
        samples=[r.values for r in loaded["samples"]],
        units=[r.values for r in loaded["units"]],
        treatments=[r.values for r in loaded["treatments"]],
        own_columns={
            config[name]: list(rows[0].own) for name, rows in loaded.items() if rows and rows[0].own
        },
        sample_own={r.values["sample_id"]: r.own for r in loaded["samples"] if r.own},
    )


def _cohort_problems(config, loaded, config_name, drugs, drug_table):
    """The checks across rows (sheet_rules), of the assays' reference files and, given the
    drug table, of treatments.tsv's drug names."""
    tumor_only = config.get("tumor_only", [])
    problems = check_cohort(
        loaded["samples"], loaded["units"], loaded["treatments"], tumor_only, config_name
    )
    problems += check_assay_references(loaded["samples"], config.get("reference", {}), config_name)
    if drugs is not None:
        other = config.get("knowledge", {}).get("drugs_without_knowledge", [])
        problems += check_drugs(loaded["treatments"], drugs, drug_table, other, config_name)
    return problems
