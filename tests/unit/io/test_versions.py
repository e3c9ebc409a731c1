"""versions.tsv: tool versions in each tool's own words, pins read from the conda
environment files when a tool is not on the PATH, knowledge versions from the tables."""

import pytest

from helpers import REPO
from resistance_timeline.io import versions
from resistance_timeline.io.tables import read_tsv

ENVS = REPO / "envs"


@pytest.mark.parametrize(
    "text, version",
    [
        (
            "\nProgram: bwa (alignment via BWT)\nVersion: 0.7.17-r1188\n",
            "0.7.17-r1188",
        ),
        ("samtools 1.16.1\nUsing htslib 1.16\nCopyright (C) 2022 Genome Research Ltd.", "1.16.1"),
        ("version:  v1.3.6", "1.3.6"),
        ("2.7.10b", "2.7.10b"),
        ("fastp 0.23.2", "0.23.2"),
        ("multiqc, version 1.35", "1.35"),
        ("no version here", ""),
    ],
)
def test_parse_version_reads_each_tools_own_words(text, version):
    assert versions.parse_version(text) == version


def test_pinned_versions_come_from_the_conda_environment_files():
    assert versions.pinned_version(ENVS / "bwa.yaml", "bwa") == "0.7.17"
    assert versions.pinned_version(ENVS / "star.yaml", "star") == "2.7.10b"
    assert versions.pinned_version(ENVS / "cnvkit.yaml", "cnvkit") == "0.9.14"  # pip section
    assert versions.pinned_version(ENVS / "bwa.yaml", "star") == ""
    for tool, (_, env_file, package) in versions.TOOLS.items():
        assert versions.pinned_version(ENVS / env_file, package), tool


def test_knowledge_versions_are_the_tables_version_lines(tmp_path):
    table = tmp_path / "own.tsv"
    table.write_text("# our lab's table\n# version: lab 2026-11\ngene\tvariant\nALK\tL1196Q\n")
    assert versions.table_version(table) == "lab 2026-11"
    (tmp_path / "bare.tsv").write_text("gene\tvariant\n")
    assert versions.table_version(tmp_path / "bare.tsv") == ""


def test_a_tool_off_the_path_is_given_as_pinned(tmp_path, monkeypatch):
    monkeypatch.setattr(versions.shutil, "which", lambda name: None)
    table = tmp_path / "k.tsv"
    table.write_text("# version: k1\ngene\n")
    out = tmp_path / "versions.tsv"
    rows = versions.write_versions(out, "v1.0.0", ENVS, [table])
    assert rows == read_tsv(out)
    by_name = {row["component"]: row for row in rows}
    assert by_name["resistance-timeline"] == {
        "component": "resistance-timeline",
        "kind": "workflow",
        "version": "v1.0.0",
        "source": "git",
    }
    assert by_name["bwa"] == {
        "component": "bwa",
        "kind": "tool",
        "version": "0.7.17",
        "source": "envs/bwa.yaml (pinned)",
    }
    assert by_name["k.tsv"]["version"] == "k1" and by_name["pandas"]["version"]


def test_the_running_version_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("RESISTANCE_TIMELINE_VERSION", "v1.0.0-2-g1a2b3c4")
    assert versions.running_version() == "v1.0.0-2-g1a2b3c4"
    monkeypatch.delenv("RESISTANCE_TIMELINE_VERSION")
    assert versions.running_version().startswith("unknown")
