"""The catalogue of bad inputs in config/README.md and the tests tagged ``@bad_input(id)``
hold the same ids, each row naming the test that checks its message; the catalogue keeps at
least 30 bad inputs."""

import re

from helpers import REPO

TAG = re.compile(r'@bad_input\("([a-z0-9-]+)"\)\s*\n(?:@.*\n)*def (test_\w+)')
WHEN = {"parse time", "job", "accepted", "warning"}


def tagged_tests():
    """id -> 'tests/...py::test_name' for every tagged test."""
    tags = {}
    for path in sorted((REPO / "tests").rglob("*.py")):
        for key, test in TAG.findall(path.read_text()):
            assert key not in tags, f"{key} tags {tags[key]} and {path}::{test}"
            tags[key] = f"{path.relative_to(REPO)}::{test}"
    return tags


def catalogue_rows():
    """The rows of the catalogue table: (id, bad input, what the user sees, when, test)."""
    text = (REPO / "config" / "README.md").read_text()
    table = text[text.index("| id | bad input | what the user sees | when | test |") :]
    rows = []
    for line in table.splitlines()[2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        assert len(cells) == 5, line
        rows.append(cells)
    return rows


def test_catalogue_and_tagged_tests_hold_the_same_ids():
    rows = catalogue_rows()
    ids = [r[0].strip("`") for r in rows]
    assert len(ids) == len(set(ids)), "an id is listed twice"
    tags = tagged_tests()
    assert set(ids) == set(tags), (
        f"untested rows: {sorted(set(ids) - set(tags))}; "
        f"tests missing from the table: {sorted(set(tags) - set(ids))}"
    )
    for key, _, seen, when, test in rows:
        key = key.strip("`")
        assert test.strip("`") == tags[key], f"{key}: the table names {test}, the tag {tags[key]}"
        assert when in WHEN, f"{key}: when is {when!r}"
        assert seen, key
    bad = [r for r in rows if r[3] != "accepted" and not r[0].startswith("`parse-errors")]
    assert len(bad) >= 30
