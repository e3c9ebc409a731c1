"""Real RNA-Seq reads with a known fusion (tests/data/hcc1395_chr2, README there): HCC1395
breast cancer cell line reads of a 1.54 Mb stretch of chr2 with its GENCODE genes, from the
Trinity CTAT DISCASM tutorial. The whole workflow runs on them as an RNA-only cohort of one
FASTQ sample (strandedness inferred), and its fusion calls are checked against the tutorial's
published result: PLA2R1--RBMS1 at chr2:272580 / chr2:599999 (recall 1 of 1), nothing else."""

import gzip
import shutil

import pandas as pd
import pytest

from helpers import REPO, run_snakemake

DATA = REPO / "tests" / "data" / "hcc1395_chr2"


@pytest.fixture(scope="module")
def real_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("hcc1395")
    for name in ("minichr2.fa", "minichr2.gtf"):
        with gzip.open(DATA / f"{name}.gz") as src, open(root / name, "wb") as dst:
            shutil.copyfileobj(src, dst)
    (root / "samples.tsv").write_text(
        "patient_id\tsample_id\tassay\tmaterial\tday\ttimepoint\tpurity\n"
        "HCC1395\tHCC1395-R0\trna\ttumor\t0\tcell line\t\n"
    )
    reads = [DATA / f"HCC1395-miniplus_{r}.fastq.gz" for r in (1, 2)]
    (root / "units.tsv").write_text(
        f"sample_id\tunit_id\tfq1\tfq2\tbam\nHCC1395-R0\tL1\t{reads[0]}\t{reads[1]}\t\n"
    )
    (root / "treatments.tsv").write_text(
        "patient_id\tline\tdrug\tstart_day\tend_day\tbest_response\n"
        "HCC1395\t1\talectinib\t10\t\tPR\n"
    )
    (root / "config.yaml").write_text(
        "samples: samples.tsv\nunits: units.tsv\ntreatments: treatments.tsv\n"
        "reference:\n  fasta: minichr2.fa\n  gtf: minichr2.gtf\n"
        "rna:\n  strandedness: auto\n"
    )
    result = run_snakemake("--configfile", "config.yaml", "--cores", "2", cwd=root, timeout=1200)
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    return root / "results"


def test_the_published_fusion_and_nothing_else(real_run):
    published = pd.read_csv(DATA / "GMAP-fusion.fusion_predictions.tsv", sep="\t").iloc[0]
    table = pd.read_csv(real_run / "fusions" / "HCC1395.fusions.tsv", sep="\t")
    assert list(table.fusion) == ["PLA2R1::RBMS1"]  # recall 1 of 1, no other passing call
    call = table.iloc[0]
    assert (call.breakpoint5, call.breakpoint3) == (
        published.LeftBreakpoint,
        published.RightBreakpoint,
    )
    assert call.status == "detected" and str(call.in_frame).lower() == "true"
    assert call.reading_frame == "in-frame"
    # measured: 127 split reads, 48 spanning pairs (GMAP-fusion counts 199 and 41 its own way)
    assert call.split_reads >= 100 and call.spanning_pairs >= 30


def test_the_library_is_read_as_unstranded(real_run):
    path = real_run / "qc" / "star" / "HCC1395" / "HCC1395-R0.strandedness.tsv"
    row = pd.read_csv(path, sep="\t").iloc[0]
    assert (row.inferred, row.used) == ("unstranded", "unstranded"), row
    assert 0.4 <= row.sense_fraction <= 0.6
