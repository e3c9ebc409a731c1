"""Shared by the bad-input tests: what load_sheets reports for a broken project, and the
``bad_input`` tag that ties a test to its row of the catalogue in config/README.md
(tests/unit/setup/test_catalogue.py keeps the two in step)."""

from helpers import REPO
from resistance_timeline.setup.sheets import SheetError, load_sheets

SCHEMAS = str(REPO / "config" / "schemas")


def bad_input(key):
    """Tag a test as the one of catalogue row ``key`` (a marker only: the catalogue test
    reads the tags from the source)."""

    def tag(test):
        test.bad_input = key
        return test

    return tag


def problems(project, check_files=True, config=None, **options):
    """The problems load_sheets reports for the project (empty when it is valid)."""
    try:
        load_sheets(config or project.config, SCHEMAS, check_files=check_files, **options)
    except SheetError as error:
        return error.problems
    return []


def only_problem(project, **options):
    """The one problem the project has (fails when it has none or several)."""
    found = problems(project, **options)
    assert len(found) == 1, found
    return found[0]


def one_problem_with(project, *parts):
    """The problem that contains every one of ``parts`` (fails when none does)."""
    found = problems(project)
    matching = [p for p in found if all(part in p for part in parts)]
    assert matching, found
    return matching[0]
