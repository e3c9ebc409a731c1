"""Synthetic sheets for the planning benchmark: per patient 1 WES normal, 4 tumour/cfDNA WES
samples, 3 RNA samples (one tiny valid gzip FASTQ pair each) and two lines of therapy, plus a
config that points the shipped demo reference at them, and a two-rule floor Snakefile."""

import gzip
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO_REFERENCE = ROOT / "resources" / "demo" / "cohort" / "reference"
# (sample suffix, assay, material, day, timepoint, purity)
SAMPLES = (
    ("N", "wes", "normal", 0, "germline", ""),
    ("T0", "wes", "tumor", 0, "diagnosis", "0.6"),
    ("T1", "wes", "tumor", 120, "progression on drug A", "0.5"),
    ("P1", "wes", "cfdna", 200, "on drug B", "0.2"),
    ("P2", "wes", "cfdna", 300, "relapse on drug B", "0.2"),
    ("R0", "rna", "tumor", 0, "diagnosis", ""),
    ("R1", "rna", "tumor", 120, "progression on drug A", ""),
    ("R2", "rna", "tumor", 300, "relapse on drug B", ""),
)
TREATMENTS = ((1, "crizotinib", 14, 120, "PR"), (2, "alectinib", 130, 300, "PR"))
READ = "ACGT" * 25


def _fastq(path, mate):
    """Four 100 bp reads, gzip-compressed."""
    with gzip.open(path, "wt", compresslevel=1) as handle:
        for i in range(4):
            handle.write(f"@r{i}/{mate}\n{READ}\n+\n{'I' * len(READ)}\n")


def write_cohort(workdir, patients):
    """Sheets, FASTQs and config.yaml for ``patients`` patients under ``workdir``; returns the
    config path. Existing files are kept (the same cohort is reused across runs)."""
    workdir = Path(workdir)
    config = workdir / "config.yaml"
    if config.is_file():
        return config
    reads = workdir / "reads"
    reads.mkdir(parents=True, exist_ok=True)
    samples = ["patient_id\tsample_id\tassay\tmaterial\tday\ttimepoint\tpurity"]
    units = ["sample_id\tunit_id\tfq1\tfq2\tbam"]
    treatments = ["patient_id\tline\tdrug\tstart_day\tend_day\tbest_response"]
    for n in range(1, patients + 1):
        patient = f"P{n:04d}"
        for suffix, assay, material, day, label, purity in SAMPLES:
            sample = f"{patient}-{suffix}"
            samples.append(f"{patient}\t{sample}\t{assay}\t{material}\t{day}\t{label}\t{purity}")
            pair = [reads / f"{sample}.L1.R{mate}.fastq.gz" for mate in (1, 2)]
            for mate, path in enumerate(pair, start=1):
                _fastq(path, mate)
            units.append(f"{sample}\tL1\treads/{pair[0].name}\treads/{pair[1].name}\t")
        for line, drug, start, end, response in TREATMENTS:
            treatments.append(f"{patient}\t{line}\t{drug}\t{start}\t{end}\t{response}")
    for name, rows in (("samples", samples), ("units", units), ("treatments", treatments)):
        (workdir / f"{name}.tsv").write_text("\n".join(rows) + "\n")
    text = (ROOT / "config" / "config.yaml").read_text()
    for name in ("samples", "units", "treatments"):
        text = text.replace(f"config/demo/{name}.tsv", str(workdir / f"{name}.tsv"))
    text = text.replace("resources/demo/cohort/reference", str(DEMO_REFERENCE))
    text = text.replace(
        "resources/resistance_markers.tsv", str(ROOT / "resources" / "resistance_markers.tsv")
    )
    partial = config.with_suffix(".partial")
    partial.write_text(text)
    os.replace(partial, config)
    return config


FLOOR = """\
N = int(config["jobs"]) - 1


rule all:
    input:
        expand("out/{i}.txt", i=range(N)),


rule make:
    output:
        "out/{i}.txt",
    shell:
        "touch {output}"
"""


def _write_snakefile(workdir, name, text):
    path = Path(workdir) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def write_floor(workdir):
    """The two-rule floor Snakefile (its job count comes from --config jobs=N)."""
    return _write_snakefile(workdir, "floor.smk", FLOOR)


# The floor with this workflow's shape: the same jobs, and per job about as many files (inputs,
# outputs, a log and a benchmark each), so what is left of the gap is the workflow's own cost.
MATCHED_FLOOR = """\
N, K, O = (int(config[k]) for k in ("jobs", "inputs", "outputs"))
A = N // 2  # producer jobs (no inputs); the other half each read K files of producers


def reads(wildcards):
    i = int(wildcards.i)
    return [f"a/{(i + j) % A}.{j % O}.txt" for j in range(K)]


rule all:
    input:
        expand("b/{i}.0.txt", i=range(N - 1 - A)),


rule a:
    output:
        [f"a/{{i}}.{k}.txt" for k in range(O)],
    log:
        "logs/a/{i}.log",
    benchmark:
        "benchmarks/a/{i}.tsv"
    shell:
        "touch {output}"


rule b:
    input:
        reads,
    output:
        [f"b/{{i}}.{k}.txt" for k in range(O)],
    log:
        "logs/b/{i}.log",
    benchmark:
        "benchmarks/b/{i}.tsv"
    shell:
        "touch {output}"
"""


def write_matched_floor(workdir):
    """The matched floor Snakefile (--config jobs=N inputs=K outputs=O)."""
    return _write_snakefile(workdir, "floor-matched.smk", MATCHED_FLOOR)
