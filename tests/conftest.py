"""Shared fixtures: the repository paths, a tiny valid project to break, the demo cohort."""

import gzip
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))

SAMPLES = """\
patient_id\tsample_id\tassay\tmaterial\tday\ttimepoint\tpurity
P1\tP1-N\twes\tnormal\t0\tblood\t
P1\tP1-T0\twes\ttumor\t0\tdiagnosis\t0.6
P1\tP1-T1\twes\ttumor\t100\trelapse on drug A\t0.5
P1\tP1-R0\trna\ttumor\t0\tdiagnosis\t
"""
UNITS = """\
sample_id\tunit_id\tfq1\tfq2\tbam
P1-N\tL1\treads/P1-N.R1.fastq.gz\treads/P1-N.R2.fastq.gz\t
P1-T0\tL1\treads/P1-T0.R1.fastq.gz\treads/P1-T0.R2.fastq.gz\t
P1-T1\tL1\treads/P1-T1.R1.fastq.gz\treads/P1-T1.R2.fastq.gz\t
P1-R0\tL1\treads/P1-R0.R1.fastq.gz\treads/P1-R0.R2.fastq.gz\t
"""
TREATMENTS = """\
patient_id\tline\tdrug\tstart_day\tend_day\tbest_response
P1\t1\tdrug A\t10\t90\tPR
P1\t2\tdrug B\t110\t\tSD
"""
CONFIG = """\
samples: {d}/samples.tsv
units: {d}/units.tsv
treatments: {d}/treatments.tsv
reference:
  fasta: {d}/ref/genome.fa
  gff3: {d}/ref/genes.gff3
  gtf: {d}/ref/genes.gtf
  targets: {d}/ref/targets.bed
"""


class Project:
    """A small, valid project on disk whose files the tests edit to break one rule each."""

    def __init__(self, root: Path):
        self.root = root
        (root / "reads").mkdir()
        (root / "ref").mkdir()
        self.write("samples.tsv", SAMPLES)
        self.write("units.tsv", UNITS)
        self.write("treatments.tsv", TREATMENTS)
        self.write("config.yaml", CONFIG.format(d=root))
        self.write("ref/genome.fa", ">chr1\n" + "ACGT" * 50 + "\n>chr2\n" + "GATC" * 50 + "\n")
        self.write("ref/targets.bed", "chr1\t10\t100\tGENEA\nchr2\t20\t80\tGENEB\n")
        self.write("ref/genes.gff3", "##gff-version 3\nchr1\t.\tgene\t11\t100\t.\t+\t.\tID=g1\n")
        self.write("ref/genes.gtf", 'chr1\t.\texon\t11\t100\t.\t+\t.\tgene_id "g1";\n')
        for sample in ("P1-N", "P1-T0", "P1-T1", "P1-R0"):
            for mate in ("R1", "R2"):
                self.fastq(f"reads/{sample}.{mate}.fastq.gz")

    def write(self, name, text):
        path = self.root / name
        path.write_text(text)
        return path

    def fastq(self, name, reads=4):
        with gzip.open(self.root / name, "wt") as handle:
            for i in range(reads):
                handle.write(f"@r{i}\n{'ACGT' * 10}\n+\n{'I' * 40}\n")

    def edit(self, name, old, new):
        path = self.root / name
        text = path.read_text()
        assert old in text, f"{old!r} not in {name}"
        path.write_text(text.replace(old, new))

    @property
    def config(self):
        import yaml

        return yaml.safe_load((self.root / "config.yaml").read_text())


@pytest.fixture
def project(tmp_path):
    return Project(tmp_path)


def run_snakemake(*args, cwd=REPO, timeout=300):
    """Run the workflow's snakemake (the one of this Python) and capture its output."""
    cmd = [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile"), *args]
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)


@pytest.fixture(scope="session")
def demo_cohort():
    """The demo cohort under resources/demo/cohort (generated once if missing)."""
    sys.path.insert(0, str(REPO / "resources" / "demo"))
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
