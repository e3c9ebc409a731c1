"""Which knowledge-base files a config names (resistance_timeline.setup.config.knowledge_files):
the shipped tables plus the lab's own, each once, relative paths from the working directory
else the workflow's folder, and missing files named with both places."""

import os

from helpers import REPO
from resistance_timeline.setup.config import knowledge_files, schema_defaults

SHIPPED = [
    str(REPO / "resources" / "resistance_markers.tsv"),
    str(REPO / "resources" / "knowledge" / "curated_resistance.tsv"),
    str(REPO / "resources" / "knowledge" / "civic_predictive.tsv"),
]


def settings(**given):
    return {**schema_defaults()["knowledge"], **given}


def test_the_defaults_are_the_shipped_tables_from_any_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    files, problems = knowledge_files(settings(), str(REPO))
    assert problems == [] and files["knowledge"] == SHIPPED
    assert files["drugs"] == str(REPO / "resources" / "knowledge" / "drugs.tsv")


def test_own_sources_are_added_and_a_shipped_table_is_read_once(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lab").mkdir()
    (tmp_path / "lab" / "ours.tsv").write_text("")
    own = ["lab/ours.tsv", "resources/resistance_markers.tsv", SHIPPED[1]]
    files, problems = knowledge_files(settings(sources=own), str(REPO))
    assert problems == [] and files["knowledge"] == [*SHIPPED, "lab/ours.tsv"]
    assert os.path.isfile(files["knowledge"][-1])  # from the working directory


def test_only_own_sources_when_the_shipped_ones_are_switched_off(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ours.tsv").write_text("")
    files, _ = knowledge_files(settings(shipped_sources=[], sources=["ours.tsv"]), str(REPO))
    assert files["knowledge"] == ["ours.tsv"]


def test_missing_and_empty_are_named(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _, problems = knowledge_files(settings(sources=["lab/none.tsv"]), str(REPO), "my.yaml")
    assert problems == [
        "my.yaml, key 'knowledge.sources': file not found: lab/none.tsv (nor in the "
        f"workflow's folder {REPO})"
    ]
    _, problems = knowledge_files(settings(shipped_sources=[]), str(REPO), "my.yaml")
    assert problems == [
        "my.yaml, key 'knowledge': no knowledge tables (shipped_sources and sources are both "
        "empty); list at least one"
    ]
