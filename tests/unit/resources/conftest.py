"""Fixtures of the demo-cohort tests: the generated cohort, its genome and its transcripts,
read once per session."""

from pathlib import Path

import pytest

from helpers import gff3_transcripts, read_fasta


@pytest.fixture(scope="session")
def cohort(demo_cohort) -> Path:
    return demo_cohort


@pytest.fixture(scope="session")
def genome(cohort) -> dict[str, str]:
    return read_fasta(cohort / "reference" / "genome.fa")


@pytest.fixture(scope="session")
def transcripts(cohort) -> dict[str, dict]:
    return gff3_transcripts(cohort / "reference" / "annotation.gff3")
