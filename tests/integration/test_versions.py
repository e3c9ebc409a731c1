"""What made the demo run's results: results/versions.tsv (the workflow's version, every tool
found on the PATH with its version, the Python packages, the knowledge tables' versions) and
the version line of every variant VCF's header."""

import subprocess

import pysam
import pytest

from helpers import REPO
from resistance_timeline.io.tables import read_tsv
from resistance_timeline.io.versions import PYTHON_PACKAGES, TOOLS


@pytest.fixture(scope="module")
def versions(demo_results):
    return {row["component"]: row for row in read_tsv(demo_results / "versions.tsv")}


def clone_version():
    describe = ["git", "-C", str(REPO), "describe", "--tags", "--always", "--dirty"]
    return subprocess.run(describe, capture_output=True, text=True, check=True).stdout.strip()


def test_versions_name_the_workflow_every_tool_and_package(versions):
    workflow = versions["resistance-timeline"]
    assert (workflow["kind"], workflow["version"]) == ("workflow", clone_version())
    for tool in TOOLS:  # Debian's and the venv's tools, on the PATH of the demo run
        assert versions[tool]["kind"] == "tool" and versions[tool]["version"][0].isdigit(), tool
        assert versions[tool]["source"].startswith("/"), versions[tool]
    assert versions["bwa"]["version"].startswith("0.7.17")
    assert versions["STAR"]["version"].startswith("2.7")
    for package in PYTHON_PACKAGES:
        assert versions[package]["version"], package
    knowledge = versions["civic_predictive.tsv"]
    assert (knowledge["kind"], knowledge["version"]) == ("knowledge", "CIViC 2024-08-01")
    assert versions["drugs.tsv"]["kind"] == "knowledge"


def test_every_variant_vcf_names_the_version_that_wrote_it(demo_results, versions):
    vcfs = sorted((demo_results / "variants").glob("*.variants.vcf.gz"))
    assert len(vcfs) == 3
    for vcf in vcfs:
        with pysam.VariantFile(str(vcf)) as handle:
            lines = [r for r in handle.header.records if r.key == "resistance-timelineVersion"]
        assert [r.value for r in lines] == [versions["resistance-timeline"]["version"]], vcf
