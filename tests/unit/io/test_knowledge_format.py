"""resistance_timeline.io.knowledge_format: the shared reader of the knowledge-base files and
its errors (file, line, column)."""

import pytest

from resistance_timeline.io.knowledge_format import KnowledgeFormatError, read_rows

REQUIRED = ("gene", "drug")
KNOWN = ("gene", "drug", "note")


def table(tmp_path, text):
    path = tmp_path / "t.tsv"
    path.write_text(text, encoding="utf-8")
    return path


def test_rows_with_line_numbers_and_version(tmp_path):
    path = table(tmp_path, "# about\n# version: test 2026-12-01\n\ngene\tdrug\nALK\tx\n\nKIT\ty\n")
    rows, version = read_rows(path, REQUIRED, KNOWN)
    assert version == "test 2026-12-01"
    assert rows == [(5, {"gene": "ALK", "drug": "x"}), (7, {"gene": "KIT", "drug": "y"})]


@pytest.mark.parametrize(
    "text,message",
    [
        ("# version: v\ngene\tdrug\nALK\n", "t.tsv, line 3: 1 fields, the header has 2"),
        ("# version: v\ngene\n", "t.tsv, line 2, column 'drug': column missing"),
        ("# version: v\ngene\tdrug\tdose\n", "t.tsv, line 2, column 'dose': unknown column"),
        ("# version: v\ngene\tdrug\tgene\n", "line 2: a column is named twice"),
        ("# version: v\ngene\tdrug\n# late\n", "line 3: comment line after the header"),
        ("gene\tdrug\nALK\tx\n", "line 1: no '# version: <name> <date>' comment line"),
        ("# version: v\n", "line 1: no header row"),
    ],
)
def test_errors_name_file_line_and_column(tmp_path, text, message):
    with pytest.raises(KnowledgeFormatError, match=message.replace("(", r"\(")):
        read_rows(table(tmp_path, text), REQUIRED, KNOWN)
