"""Load and validate the three sample sheets (samples, units, treatments).

Imported by ``rules/common.smk`` when the workflow is parsed, so every problem in the sheets is
reported before any job runs, all at once, each naming the sheet, the row and the column.

Checks in two layers:
  * per row, against the JSON schemas in ``config/schemas/`` (types, patterns, enums);
  * across rows and files (``check_cohort``, ``check_files``): unique ids, units for every
    sample, one matched normal per patient, input files present and gzip-valid, contig names
    shared by the reference, targets and annotation.
"""

import csv
import gzip
import os
import zlib
from dataclasses import dataclass, field

import jsonschema
import yaml

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


def load_schema(path):
    """Read a YAML JSON-schema file."""
    with open(path) as handle:
        return yaml.safe_load(handle)


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


def check_cohort(samples, units, treatments, tumor_only=()):
    """Cross-row rules: ids unique, units ↔ samples, one normal, unique timepoints, lines."""
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
    by_patient = {}
    for row in samples:
        by_patient.setdefault(row.values.get("patient_id"), []).append(row)
    for patient in tumor_only:
        if patient not in by_patient:
            problems.append(
                f"config.yaml, key 'tumor_only': patient '{patient}' is not in samples.tsv"
            )
    for patient, rows in by_patient.items():
        wes = [r for r in rows if r.values.get("assay") == "wes"]
        normals = [r for r in wes if r.values.get("material") == "normal"]
        others = [r for r in wes if r.values.get("material") != "normal"]
        if patient in tumor_only:
            for r in normals:
                problems.append(
                    f"{r.where('material')}: patient '{patient}' is listed as tumour-only in "
                    "config.yaml (tumor_only) but has a WES normal; remove one or the other"
                )
        elif others and len(normals) != 1:
            where = normals[1].where("material") if normals else others[0].where("material")
            problems.append(
                f"{where}: patient '{patient}' has {len(normals)} WES normal samples; exactly "
                "one matched normal (material 'normal', assay 'wes') is needed, or list the "
                "patient under 'tumor_only' in config.yaml"
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
    lines = {}
    for row in treatments:
        patient, line = row.values.get("patient_id"), row.values.get("line")
        if patient not in by_patient:
            problems.append(
                f"{row.where('patient_id')}: patient '{patient}' is not in samples.tsv"
            )
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


def resolve_unit_paths(units, sheet_dir):
    """Make fq1/fq2/bam paths absolute, relative ones taken from the units sheet's folder."""
    for row in units:
        for column in ("fq1", "fq2", "bam"):
            value = row.values.get(column)
            if value and not os.path.isabs(value):
                row.values[column] = os.path.normpath(os.path.join(sheet_dir, value))


def check_unit_files(units):
    """Every FASTQ/BAM exists and is readable; FASTQs start as gzip; BAM/CRAM magic bytes."""
    problems = []
    for row in units:
        for column in ("fq1", "fq2", "bam"):
            path = row.values.get(column)
            if not path:
                continue
            if not os.path.isfile(path):
                problems.append(f"{row.where(column)}: file not found: {path}")
                continue
            if not os.access(path, os.R_OK):
                problems.append(f"{row.where(column)}: file is not readable: {path}")
                continue
            with open(path, "rb") as handle:
                magic = handle.read(4)
            if column != "bam" and magic[:2] != b"\x1f\x8b":
                problems.append(
                    f"{row.where(column)}: {path} is not gzip-compressed (FASTQs must be .gz)"
                )
            elif column != "bam":
                damage = gzip_damage(path)
                if damage:
                    problems.append(f"{row.where(column)}: {path} {damage}")
            elif column == "bam" and magic[:2] != b"\x1f\x8b" and magic != b"CRAM":
                problems.append(f"{row.where(column)}: {path} is neither a BAM nor a CRAM file")
    return problems


# Files up to this size are decompressed completely when the sheets are read; larger ones are
# tested by the trim_reads job (gzip -t), which reads them anyway.
FULL_GZIP_CHECK_BYTES = 16 * 2**20
BGZF_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")


def gzip_damage(path):
    """Why a gzip FASTQ is unusable ('is truncated ...'), or None when it looks whole.

    Small files are decompressed in full; a BGZF file of any size must end with the BGZF
    end-of-file block. Larger plain-gzip files are left to the trim_reads job.
    """
    size = os.path.getsize(path)
    with open(path, "rb") as handle:
        is_bgzf = handle.read(4) == BGZF_EOF[:4]
        if is_bgzf and size >= len(BGZF_EOF):
            handle.seek(size - len(BGZF_EOF))
            if handle.read() != BGZF_EOF:
                return "is truncated: the BGZF end-of-file block is missing"
    if size <= FULL_GZIP_CHECK_BYTES:
        try:
            with gzip.open(path, "rb") as handle:
                while handle.read(2**20):
                    pass
        except (EOFError, OSError, zlib.error) as error:
            return f"is truncated or corrupt ({error}); re-copy it from its source"
    return None


def first_read_length(fastq, reads=1000):
    """The longest of the first ``reads`` reads of a gzip FASTQ (0 if unreadable)."""
    longest = 0
    try:
        with gzip.open(fastq, "rt") as handle:
            for number, line in enumerate(handle):
                if number % 4 == 1:
                    longest = max(longest, len(line.rstrip("\n")))
                if number >= 4 * reads:
                    break
    except (OSError, EOFError, zlib.error):
        return 0
    return longest


def fasta_contigs(fasta):
    """Contig name → length from the FASTA's .fai, or by reading the FASTA when there is none."""
    fai = fasta + ".fai"
    contigs = {}
    if os.path.isfile(fai):
        with open(fai) as handle:
            for line in handle:
                name, length = line.split("\t")[:2]
                contigs[name] = int(length)
        return contigs
    opener = gzip.open if fasta.endswith(".gz") else open
    name = None
    with opener(fasta, "rt") as handle:
        for line in handle:
            if line.startswith(">"):
                name = line[1:].split()[0]
                contigs[name] = 0
            elif name is not None:
                contigs[name] += len(line.strip())
    return contigs


def _feature_contigs(path):
    """Contig names in column 1 of a BED, GFF3 or GTF file (comments and track lines skipped)."""
    opener = gzip.open if path.endswith(".gz") else open
    names = {}
    with opener(path, "rt") as handle:
        for number, line in enumerate(handle, start=1):
            if line.startswith(("#", "track", "browser")) or not line.strip():
                continue
            names.setdefault(line.split("\t", 1)[0], number)
    return names


def _naming_hint(missing, known):
    """Suggest the fix when contigs differ only by a 'chr' prefix (chr2 vs 2)."""
    flipped = {m[3:] if m.startswith("chr") else "chr" + m for m in missing}
    if flipped & set(known):
        return (
            " — the names differ by a 'chr' prefix (e.g. 'chr2' vs '2'): rename the contigs "
            "of one file so that both use the same convention"
        )
    return ""


def check_reference(reference, units):
    """Reference files exist; targets, annotation and BAM units name only FASTA contigs."""
    problems = []
    for key in ("fasta", "gff3", "gtf", "targets"):
        path = reference.get(key)
        if path and not os.path.isfile(path):
            problems.append(f"config.yaml, key 'reference: {key}': file not found: {path}")
    fasta = reference.get("fasta")
    if problems or not fasta:
        return problems
    contigs = fasta_contigs(fasta)
    for key in ("targets", "gff3", "gtf"):
        path = reference.get(key)
        if not path:
            continue
        found = _feature_contigs(path)
        missing = [c for c in found if c not in contigs]
        if missing:
            shown = ", ".join(f"'{c}' (line {found[c]})" for c in missing[:5])
            problems.append(
                f"{path} (reference: {key}): contigs not in the reference FASTA {fasta}: "
                f"{shown}{_naming_hint(missing, contigs)}"
            )
    for row in units:
        bam = row.values.get("bam")
        if bam and os.path.isfile(bam):
            problems.extend(_check_bam_contigs(row, bam, contigs, fasta))
    return problems


def _check_bam_contigs(row, bam, contigs, fasta):
    """A BAM/CRAM unit's @SQ lines must match the reference in names and lengths."""
    import pysam

    try:
        with pysam.AlignmentFile(bam, reference_filename=fasta) as handle:
            header = dict(zip(handle.references, handle.lengths))
    except (ValueError, OSError) as error:
        return [f"{row.where('bam')}: cannot read {bam}: {error}"]
    missing = [c for c in header if c not in contigs]
    if missing:
        return [
            f"{row.where('bam')}: {bam} is aligned to contigs not in the reference "
            f"({', '.join(missing[:5])}){_naming_hint(missing, contigs)}"
        ]
    differ = [c for c in header if header[c] != contigs[c]]
    if differ:
        c = differ[0]
        return [
            f"{row.where('bam')}: {bam} has contig {c} of length {header[c]} but the reference "
            f"has {contigs[c]}: it was aligned to another assembly; realign from FASTQ"
        ]
    return []


def load_sheets(config, schema_dir, check_files=True):
    """Read, validate and cross-check all sheets named in ``config``; raise SheetError on any
    problem. ``check_files`` adds the file-system checks (inputs exist, gzip, contigs)."""
    problems = []
    loaded = {}
    for name, label in (("samples", "sample_id"), ("units", "sample_id"), ("treatments", None)):
        path = config.get(name)
        if not path:
            problems.append(f"config.yaml: key '{name}' (path to {name}.tsv) is missing")
            loaded[name] = []
            continue
        schema = load_schema(os.path.join(schema_dir, f"{name}.schema.yaml"))
        rows, found = read_sheet(path, schema, path, label)
        loaded[name] = rows
        problems.extend(found)
    if problems:
        raise SheetError(problems)
    problems.extend(
        check_cohort(
            loaded["samples"], loaded["units"], loaded["treatments"], config.get("tumor_only", [])
        )
    )
    resolve_unit_paths(loaded["units"], os.path.dirname(os.path.abspath(config["units"])))
    if check_files:
        problems.extend(check_unit_files(loaded["units"]))
        problems.extend(check_reference(config.get("reference", {}), loaded["units"]))
    if problems:
        raise SheetError(problems)
    return Sheets(
        samples=[r.values for r in loaded["samples"]],
        units=[r.values for r in loaded["units"]],
        treatments=[r.values for r in loaded["treatments"]],
    )
