"""A UMI library with known duplicates, run for real (fastp, bwa, samtools markdup): distinct
fragments that share their ends but not their UMIs are kept; PCR copies sharing both are
marked; the QC table gives the rate with and without the UMIs. The reads are written here
from the demo genome: 40 fragments at distinct positions, 20 more molecules at 20 of those
positions with other UMIs, and 15 PCR copies (same position, same UMI)."""

import random

import pandas as pd
import pysam
import pytest

from helpers import REPO, run_snakemake

COHORT = REPO / "resources" / "demo" / "cohort"
FRAGMENT, READ, UMI = 300, 100, 8
COMPLEMENT = str.maketrans("ACGTN", "TGCAN")


def fastq_pairs(genome, contig, start, rng):
    """(read-1 records, read-2 records) with the UMI at the start of read 1."""

    def umi():
        return "".join(rng.choice("ACGT") for _ in range(UMI))

    molecules = [(start + 5 * i, umi()) for i in range(40)]
    molecules += [(pos, umi()) for pos, _ in molecules[:20]]  # same ends, other UMI: kept
    molecules += molecules[20:35]  # PCR copies: same ends, same UMI: duplicates
    r1, r2 = [], []
    for n, (pos, tag) in enumerate(molecules):
        seq = genome.fetch(contig, pos, pos + FRAGMENT).upper()
        mate = seq.translate(COMPLEMENT)[::-1]
        for reads, text in ((r1, tag + seq[:READ]), (r2, mate[:READ])):
            reads.append(f"@m{n} {len(reads) and 1}\n{text}\n+\n{'I' * len(text)}\n")
    return r1, r2


@pytest.fixture(scope="module")
def umi_project(tmp_path_factory):
    root = tmp_path_factory.mktemp("umi")
    ref = COHORT / "reference"
    targets = [line.split("\t") for line in (ref / "targets.bed").read_text().splitlines()]
    contig, start, end = next(
        (c, int(s), int(e)) for c, s, e, *_ in targets if int(e) - int(s) > 500
    )
    rng = random.Random(7)
    with pysam.FastaFile(str(ref / "genome.fa")) as genome:
        for sample in ("UMI-N", "UMI-P1"):
            r1, r2 = fastq_pairs(genome, contig, start - 50, rng)
            for name, reads in (("R1", r1), ("R2", r2)):
                with pysam.BGZFile(str(root / f"{sample}.{name}.fastq.gz"), "wb") as out:
                    out.write("".join(reads).encode())
    (root / "samples.tsv").write_text(
        "patient_id\tsample_id\tassay\tmaterial\tday\ttimepoint\n"
        "UMI\tUMI-N\twes\tnormal\t0\tblood\n"
        "UMI\tUMI-P1\twes\tcfdna\t30\tplasma\n"
    )
    (root / "units.tsv").write_text(
        "sample_id\tunit_id\tfq1\tfq2\tumi\n"
        "UMI-N\tL1\tUMI-N.R1.fastq.gz\tUMI-N.R2.fastq.gz\t\n"
        "UMI-P1\tL1\tUMI-P1.R1.fastq.gz\tUMI-P1.R2.fastq.gz\tread1:8\n"
    )
    (root / "treatments.tsv").write_text(
        "patient_id\tline\tdrug\tstart_day\tend_day\tbest_response\nUMI\t1\tlorlatinib\t10\t\tPR\n"
    )
    (root / "config.yaml").write_text(
        f"samples: {root}/samples.tsv\nunits: {root}/units.tsv\n"
        f"treatments: {root}/treatments.tsv\n"
        f"reference:\n  fasta: {ref}/genome.fa\n  gff3: {ref}/annotation.gff3\n"
        f"  targets: {ref}/targets.bed\n"
    )
    args = ("--configfile", str(root / "config.yaml"), "--cores", "2", "results/qc/duplicates.tsv")
    result = run_snakemake(*args, cwd=root)
    assert result.returncode == 0, result.stderr[-4000:]
    return root / "results"


def test_umis_keep_distinct_fragments_that_share_their_ends(umi_project):
    table = pd.read_csv(umi_project / "qc" / "duplicates.tsv", sep="\t").set_index("sample_id")
    assert list(table.columns) == [
        *("material", "umi", "reads_examined", "duplicate_fraction"),
        "duplicate_fraction_by_position",
    ]
    plasma, normal = table.loc["UMI-P1"], table.loc["UMI-N"]
    assert plasma.umi == "read1:8" and pd.isna(normal.umi)
    assert plasma.reads_examined == normal.reads_examined == 150  # 75 pairs
    # with UMIs only the 15 PCR copies are duplicates; by position the 20 other molecules too
    assert plasma.duplicate_fraction == pytest.approx(30 / 150)
    assert plasma.duplicate_fraction_by_position == pytest.approx(70 / 150)
    # the same reads without a UMI column: marked by position alone (the UMI bases stay in
    # read 1, soft-clipped), as before this feature
    assert normal.duplicate_fraction == normal.duplicate_fraction_by_position
    stats = (umi_project / "qc" / "markdup" / "UMI" / "UMI-P1.markdup.txt").read_text()
    assert "--barcode-rgx" in stats.splitlines()[0]
