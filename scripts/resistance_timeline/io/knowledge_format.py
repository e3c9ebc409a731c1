"""Reading the knowledge-base files (resources/knowledge/README.md): a '#' comment block with a
``# version: <name> <date>`` line, a header row, tab-separated rows. Every problem is raised as
a KnowledgeFormatError naming the file, the line and the column."""

from pathlib import Path


class KnowledgeFormatError(ValueError):
    """A knowledge-base file breaks its format: says where (file, line, column) and what."""

    def __init__(self, path, line, column, problem):
        where = f"{path}, line {line}" + (f", column '{column}'" if column else "")
        super().__init__(f"{where}: {problem}")
        self.path, self.line, self.column, self.problem = str(path), line, column, problem


def comment_version(line):
    """The version a ``# version: <name> <date>`` comment line gives, else None."""
    text = line.lstrip("#").strip()
    if line.startswith("#") and text.lower().startswith("version:"):
        return text.split(":", 1)[1].strip()
    return None


def read_rows(path, required, known):
    """([(line number, row dict)], version) of a knowledge-base file. ``required`` columns must
    be in the header (and, as fields, present on every row); columns outside ``known`` are an
    error too (a typo would silently drop a column)."""
    version, header, rows = "", None, []
    with open(path, encoding="utf-8", newline="") as handle:
        for number, line in enumerate(handle, start=1):
            line = line.rstrip("\r\n")
            if line.startswith("#"):
                if header is not None:
                    raise KnowledgeFormatError(path, number, "", "comment line after the header")
                version = comment_version(line) or version
                continue
            if not line.strip():
                continue
            fields = line.split("\t")
            if header is None:
                header = _header(path, number, fields, required, known)
                continue
            if len(fields) != len(header):
                raise KnowledgeFormatError(
                    path, number, "", f"{len(fields)} fields, the header has {len(header)}"
                )
            rows.append((number, dict(zip(header, fields))))
    if header is None:
        raise KnowledgeFormatError(path, 1, "", "no header row")
    if not version:
        raise KnowledgeFormatError(path, 1, "", "no '# version: <name> <date>' comment line")
    return rows, version


def _header(path, number, fields, required, known):
    missing = [c for c in required if c not in fields]
    if missing:
        raise KnowledgeFormatError(path, number, missing[0], "column missing from the header")
    unknown = [c for c in fields if c not in known]
    if unknown:
        raise KnowledgeFormatError(path, number, unknown[0], "unknown column")
    if len(set(fields)) != len(fields):
        raise KnowledgeFormatError(path, number, "", "a column is named twice")
    return fields


def file_name(path) -> str:
    return Path(path).name
