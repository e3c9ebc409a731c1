"""Load and validate the three sample sheets (samples, units, treatments).

Imported by ``rules/common.smk`` when the workflow is parsed, so every problem in the sheets is
reported before any job runs, all at once, each naming the sheet, the row and the column.

Checks in three layers:
  * per row, against the JSON schemas in ``config/schemas/`` (types, patterns, enums);
  * across rows (``check_cohort``): unique ids, units for every sample, one matched normal per
    patient, distinct timepoints, therapy lines;
  * the files themselves (``input_files``, with ``check_files``): inputs present, readable
    and whole, contig names shared by the reference, targets, annotation and BAM units.
"""

import csv
import os
from dataclasses import dataclass, field

import jsonschema

from resistance_timeline.setup.config import load_schema
from resistance_timeline.setup.input_files import FileFacts, check_reference, check_unit_files

ID_CHARS = "letters, digits, '_' and '-' (no spaces, dots or slashes), at most 64 characters"


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

    def patients(self):
        """Patient ids in order of first appearance in samples.tsv."""
        return list(dict.fromkeys(s["patient_id"] for s in self.samples))


def _coerce(value, spec):
    """Convert one TSV cell to the schema's type; return (value, error text or None)."""
    kind = spec.get("type")
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
        return f"'{error.instance}' does not match {error.validator_value}"
    if error.validator == "enum":
        allowed = " | ".join(map(str, error.validator_value))
        return f"'{error.instance}' is not allowed; use one of: {allowed}"
    if error.validator in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        return f"{error.instance} is out of range ({spec.get('description', '').strip()})"
    return error.message


def read_sheet(path, schema, sheet_name, label_column=None):
    """Read one TSV sheet and validate every row against ``schema``.

    Blank cells count as absent. Returns ``(rows, problems)``: rows are ``Row`` objects with
    typed values, problems a list of messages naming the sheet, line and column.
    """
    problems = []
    if not os.path.isfile(path):
        return [], [f"{sheet_name}: file not found: {path}"]
    props = schema["properties"]
    required = schema.get("required", [])
    with open(path, newline="") as handle:
        # keep each line's number in the file (comments and blank lines count) for messages
        numbered = [
            (number, line)
            for number, line in enumerate(handle, start=1)
            if line.strip() and not line.startswith("#")
        ]
    lines = [line for _, line in numbered]
    if not lines:
        return [], [f"{sheet_name}: the sheet is empty; it needs a header line and rows"]
    reader = csv.reader(lines, delimiter="\t")
    header = [h.strip() for h in next(reader)]
    if len(header) == 1 and ("," in header[0] or " " in header[0]):
        return [], [
            f"{sheet_name}, line 1: the header has one column '{header[0]}'; "
            "the sheet must be tab-separated"
        ]
    unknown = [h for h in header if h not in props]
    for column in unknown:
        problems.append(
            f"{sheet_name}, line 1, column '{column}': unknown column; "
            f"allowed columns are: {', '.join(props)}"
        )
    for column in required:
        if column not in header:
            problems.append(f"{sheet_name}, line 1: required column '{column}' is missing")
    if problems:
        return [], problems
    validator = jsonschema.Draft202012Validator(schema)
    rows = []
    for (line_no, _), cells in zip(numbered[1:], reader):
        row = Row(sheet_name, line_no, {})
        if len(cells) != len(header):
            problems.append(
                f"{row.where()}: {len(cells)} cells but the header has {len(header)}; "
                "check for missing tabs or spaces used instead of tabs"
            )
            continue
        raw = {h: c.strip() for h, c in zip(header, cells) if c.strip() != ""}
        if label_column and label_column in raw:
            row.label = f"{label_column.split('_')[0]} {raw[label_column]}"
        typed, cell_problems = {}, []
        for column, value in raw.items():
            typed[column], error = _coerce(value, props[column])
            if error:
                cell_problems.append(f"{row.where(column)}: {error}")
        row.values = typed
        if not cell_problems:
            for error in validator.iter_errors(typed):
                column = error.path[0] if error.path else None
                if error.validator == "required":
                    column = error.message.split("'")[1]
                    text = "is empty but required"
                elif error.validator == "oneOf":
                    text = "give either both fq1 and fq2 (paired FASTQ) or bam, not both"
                    column = "fq1/fq2/bam"
                else:
                    text = _explain(error, props.get(column, {}))
                cell_problems.append(f"{row.where(column)}: {text}")
        problems.extend(cell_problems)
        rows.append(row)
    return rows, problems


def check_cohort(samples, units, treatments, tumor_only=(), config_name="config.yaml"):
    """Cross-row rules: ids unique, units ↔ samples, one normal, unique timepoints, lines."""
    by_patient = {}
    for row in samples:
        by_patient.setdefault(row.values.get("patient_id"), []).append(row)
    return (
        _check_sample_ids(samples)
        + _check_units(samples, units)
        + _check_patients(by_patient, tumor_only, config_name)
        + _check_treatments(treatments, by_patient)
    )


def _check_sample_ids(samples):
    """Sample ids are unique across samples.tsv."""
    problems = []
    seen = {}
    for row in samples:
        sid = row.values.get("sample_id")
        if sid in seen:
            problems.append(
                f"{row.where('sample_id')}: sample id '{sid}' is already used on line {seen[sid]}; "
                "sample ids must be unique across the sheet"
            )
        else:
            seen[sid] = row.line
    return problems


def _check_units(samples, units):
    """Every unit names a listed sample, unit ids are unique per sample, every sample has a
    unit, and an RNA sample is either FASTQ units or one BAM."""
    problems = []
    sample_rows = {r.values.get("sample_id"): r for r in samples}
    unit_keys = {}
    for row in units:
        sid, uid = row.values.get("sample_id"), row.values.get("unit_id")
        if sid not in sample_rows:
            problems.append(
                f"{row.where('sample_id')}: sample '{sid}' is not in samples.tsv; "
                "every unit must belong to a listed sample"
            )
        if (sid, uid) in unit_keys:
            problems.append(
                f"{row.where('unit_id')}: unit '{uid}' of sample '{sid}' is already on line "
                f"{unit_keys[(sid, uid)]}; unit ids must be unique within a sample"
            )
        unit_keys[(sid, uid)] = row.line
    by_sample = {}
    for row in units:
        by_sample.setdefault(row.values.get("sample_id"), []).append(row)
    for sid, rows in by_sample.items():
        sample = sample_rows.get(sid)
        if sample is None or sample.values.get("assay") != "rna":
            continue
        if any("bam" in r.values for r in rows) and len(rows) > 1:
            problems.append(
                f"{rows[1].where('bam')}: RNA sample '{sid}' has {len(rows)} units and one is "
                "a BAM; an RNA sample is either FASTQ units or exactly one aligned BAM"
            )
    with_units = {sid for sid, _ in unit_keys}
    for sid, row in sample_rows.items():
        if sid not in with_units:
            problems.append(
                f"{row.where('sample_id')}: sample '{sid}' has no unit in units.tsv; "
                "add its FASTQ or BAM there, or remove the sample"
            )
    return problems


def _check_patients(by_patient, tumor_only, config_name):
    """One WES normal per patient (none when tumour-only), distinct assay/material/day."""
    problems = []
    for patient in tumor_only:
        if patient not in by_patient:
            problems.append(
                f"{config_name}, key 'tumor_only': patient '{patient}' is not in samples.tsv"
            )
    for patient, rows in by_patient.items():
        wes = [r for r in rows if r.values.get("assay") == "wes"]
        normals = [r for r in wes if r.values.get("material") == "normal"]
        others = [r for r in wes if r.values.get("material") != "normal"]
        if patient in tumor_only:
            for r in normals:
                problems.append(
                    f"{r.where('material')}: patient '{patient}' is listed as tumour-only in "
                    f"{config_name} (tumor_only) but has a WES normal; remove one or the other"
                )
        elif others and len(normals) != 1:
            where = normals[1].where("material") if normals else others[0].where("material")
            problems.append(
                f"{where}: patient '{patient}' has {len(normals)} WES normal samples; exactly "
                "one matched normal (material 'normal', assay 'wes') is needed, or list the "
                f"patient under 'tumor_only' in {config_name}"
            )
        keys = {}
        for r in rows:
            key = (r.values.get("assay"), r.values.get("material"), r.values.get("day"))
            if key in keys:
                problems.append(
                    f"{r.where('day')}: patient '{patient}' already has a {key[0]} {key[1]} "
                    f"sample on day {key[2]} (line {keys[key]}); samples of a patient must "
                    "differ in assay, material or day"
                )
            keys[key] = r.line
        for r in rows:
            if r.values.get("assay") == "rna" and r.values.get("material") == "cfdna":
                problems.append(
                    f"{r.where('material')}: RNA-Seq of cfdna is not supported; "
                    "use material 'tumor' or 'normal' for RNA samples"
                )
    return problems


def _check_treatments(treatments, by_patient):
    """Lines name a listed patient, are unique per patient, and start before they end."""
    problems = []
    lines = {}
    for row in treatments:
        patient, line = row.values.get("patient_id"), row.values.get("line")
        if patient not in by_patient:
            problems.append(f"{row.where('patient_id')}: patient '{patient}' is not in samples.tsv")
        if (patient, line) in lines:
            problems.append(
                f"{row.where('line')}: patient '{patient}' already has line {line} "
                f"(line {lines[(patient, line)]} of the sheet); lines must be unique per patient"
            )
        lines[(patient, line)] = row.line
        start, end = row.values.get("start_day"), row.values.get("end_day")
        if start is not None and end is not None and start > end:
            problems.append(
                f"{row.where('end_day')}: end_day {end} is before start_day {start}; "
                "end_day must be on or after start_day (blank while ongoing)"
            )
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
    """Make fq1/fq2/bam paths absolute, relative ones taken from the units sheet's folder."""
    for row in units:
        for column in ("fq1", "fq2", "bam"):
            value = row.values.get(column)
            if value and not os.path.isabs(value):
                row.values[column] = os.path.normpath(os.path.join(sheet_dir, value))


def load_sheets(config, schema_dir, check_files=True, facts_store=None, config_name="config.yaml"):
    """Read, validate and cross-check all sheets named in ``config`` (validated already, see
    setup.config); raise SheetError on any problem. ``check_files`` adds the file-system checks
    (inputs exist, gzip, contigs); ``facts_store`` is where their findings are remembered
    between runs (see FileFacts); ``config_name`` is the config file messages name."""
    problems = []
    loaded = {}
    for name, label in (("samples", "sample_id"), ("units", "sample_id"), ("treatments", None)):
        path = config.get(name)
        if not path:
            problems.append(f"{config_name}: key '{name}' (path to {name}.tsv) is missing")
            loaded[name] = []
            continue
        schema = load_schema(os.path.join(schema_dir, f"{name}.schema.yaml"))
        rows, found = read_sheet(path, schema, path, label)
        loaded[name] = rows
        problems.extend(found)
    if problems:
        raise SheetError(problems)
    tumor_only = config.get("tumor_only", [])
    reference = config.get("reference", {})
    problems.extend(
        check_cohort(
            loaded["samples"], loaded["units"], loaded["treatments"], tumor_only, config_name
        )
    )
    problems.extend(check_assay_references(loaded["samples"], reference, config_name))
    resolve_unit_paths(loaded["units"], os.path.dirname(os.path.abspath(config["units"])))
    if check_files:
        facts = FileFacts(facts_store)
        problems.extend(check_unit_files(loaded["units"], facts))
        problems.extend(check_reference(reference, loaded["units"], facts, config_name))
        facts.save()
    if problems:
        raise SheetError(problems)
    return Sheets(
        samples=[r.values for r in loaded["samples"]],
        units=[r.values for r in loaded["units"]],
        treatments=[r.values for r in loaded["treatments"]],
    )
