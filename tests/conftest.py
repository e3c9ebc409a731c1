"""Shared fixtures: a tiny valid project to break, the demo cohort, one demo run."""

import os

import pytest

from helpers import REPO, Project, run_snakemake


@pytest.fixture
def project(tmp_path):
    return Project(tmp_path)


@pytest.fixture(scope="session")
def demo_cohort():
    """The demo cohort under resources/demo/cohort (generated once if missing)."""
    from make_demo_cohort import ensure_cohort

    ensure_cohort(REPO / "resources" / "demo" / "cohort")
    return REPO / "resources" / "demo" / "cohort"


@pytest.fixture(scope="session")
def demo_results(demo_cohort):
    """One run of the whole workflow on the demo cohort (the default config), shared by every
    end-to-end test; a finished earlier run (e.g. from 'install.sh demo') is reused as is."""
    cores = os.environ.get("CORES", "2")
    result = run_snakemake("--cores", cores, timeout=3600)
    assert result.returncode == 0, result.stderr[-5000:]
    return REPO / "results"


@pytest.fixture(scope="session")
def truth(demo_cohort):
    """The demo cohort's truth tables, by name (variants, cnv, fusions, expression, ...)."""
    import pandas as pd

    folder = demo_cohort / "truth"
    return {p.stem: pd.read_csv(p, sep="\t") for p in folder.glob("*.tsv")}
