# Functions shared by the rules: configuration and sheet validation, lookups, input functions.
# This file holds no rules.

import math
import os
import sys

import jsonschema
import yaml

sys.path.insert(0, os.path.join(workflow.basedir, "scripts"))
from input_files import first_read_length  # noqa: E402
from sheets import SheetError, load_schema, load_sheets  # noqa: E402

SCHEMAS = os.path.join(workflow.basedir, "config", "schemas")


def _stop(title, problems):
    """End the run with a plain message listing every problem (no Python traceback)."""
    lines = "\n".join(f"  - {p}" for p in problems)
    raise SystemExit(
        f"resistance-timeline: {title} ({len(problems)} problem(s)); nothing was run.\n{lines}"
    )


def _validate_config(cfg):
    """Check config.yaml against its schema, filling in defaults; report all errors at once."""
    schema = load_schema(os.path.join(SCHEMAS, "config.schema.yaml"))
    problems = []
    for error in jsonschema.Draft202012Validator(schema).iter_errors(cfg):
        key = ": ".join(str(p) for p in error.path) or "(top level)"
        if error.validator == "additionalProperties":
            allowed = ", ".join(error.schema.get("properties", {}))
            problems.append(
                f"config.yaml, key '{key}': {error.message}; allowed keys: {allowed}"
            )
        else:
            problems.append(f"config.yaml, key '{key}': {error.message}")
    if problems:
        _stop("the configuration is invalid", problems)
    _fill_defaults(cfg, schema)


def _fill_defaults(cfg, schema):
    """Set every schema default missing from ``cfg`` (recursively, for nested sections)."""
    for key, spec in schema.get("properties", {}).items():
        if key not in cfg and "default" in spec:
            cfg[key] = yaml.safe_load(yaml.safe_dump(spec["default"]))
        if isinstance(cfg.get(key), dict) and spec.get("type") == "object":
            _fill_defaults(cfg[key], spec)


_validate_config(config)
try:
    # File checks (inputs exist, gzip, contig names) run once, in the main process; cluster
    # and sub-process jobs re-parse the workflow and only need the sheets' structure. What
    # they read is remembered per file (size, mtime), so a re-run reads only changed files.
    SHEETS = load_sheets(
        config,
        SCHEMAS,
        check_files=workflow.is_main_process,
        facts_store=".snakemake/resistance-timeline/file-facts.json",
    )
except SheetError as error:
    _stop("the sample sheets are invalid", error.problems)


def _workflow_file(path):
    """A path from config.yaml: as given when it exists from the working directory, else inside
    the workflow (so the shipped resources work from any working directory)."""
    if os.path.isabs(path) or os.path.exists(path):
        return path
    shipped = os.path.join(workflow.basedir, path)
    return shipped if os.path.exists(shipped) else path


MARKERS = _workflow_file(config["resistance_markers"])
if not os.path.isfile(MARKERS):
    _stop(
        "the configuration is invalid",
        [f"config.yaml, key 'resistance_markers': file not found: {MARKERS}"],
    )

SAMPLES = {s["sample_id"]: s for s in SHEETS.samples}
UNITS = {}
for _unit in SHEETS.units:
    UNITS.setdefault(_unit["sample_id"], {})[_unit["unit_id"]] = _unit
PATIENTS = SHEETS.patients()
REF = "results/reference/genome.fa"

# Wildcards take the sheet schema's id pattern without its anchors: no dots, slashes, spaces or
# shell metacharacters can ever reach a path or a command line.
ID_PATTERN = load_schema(os.path.join(SCHEMAS, "samples.schema.yaml"))["properties"][
    "sample_id"
]["pattern"].strip("^$")


# --- lookups ---------------------------------------------------------------------------------
def samples_of(patient, assay=None, materials=None):
    """Sample ids of a patient, ordered by day then material (normal first), optionally filtered."""
    order = {"normal": 0, "tumor": 1, "cfdna": 2}
    chosen = [
        s
        for s in SHEETS.samples
        if s["patient_id"] == patient
        and (assay is None or s["assay"] == assay)
        and (materials is None or s["material"] in materials)
    ]
    chosen.sort(key=lambda s: (s["day"], order[s["material"]], s["sample_id"]))
    return [s["sample_id"] for s in chosen]


def is_fastq_unit(sample, unit):
    """True when the unit is given as paired FASTQ (not as an aligned BAM)."""
    return "fq1" in UNITS[sample][unit]


def grow_with_attempt(mem_mb):
    """A mem_mb resource that doubles, triples ... on each retry after running out of memory."""

    def mem_for_attempt(wildcards, attempt):
        return mem_mb * attempt

    return mem_for_attempt


# --- input functions -------------------------------------------------------------------------
def get_fastq(wildcards):
    """The raw paired FASTQ of one unit."""
    unit = UNITS[wildcards.sample][wildcards.unit]
    return {"r1": unit["fq1"], "r2": unit["fq2"]}


def get_read_group(wildcards):
    """bwa's -R read group: ID sample.unit, SM sample, LB sample, PU unit, PL from config."""
    platform = config["reads"]["platform"]
    s, u = wildcards.sample, wildcards.unit
    return f"@RG\\tID:{s}.{u}\\tSM:{s}\\tLB:{s}\\tPU:{u}\\tPL:{platform}"


def get_unit_bams(wildcards):
    """All per-unit BAMs of a sample (aligned from FASTQ, or imported), to merge and mark."""
    p, s = wildcards.patient, wildcards.sample
    return [
        f"results/align/{p}/{s}.{u}.{'aligned' if is_fastq_unit(s, u) else 'imported'}.bam"
        for u in UNITS[s]
    ]


def get_bam_unit(wildcards):
    """The user's aligned BAM/CRAM of a unit (DNA) or of the sample's only unit (RNA)."""
    units = UNITS[wildcards.sample]
    unit = (
        units[wildcards.unit]
        if hasattr(wildcards, "unit")
        else next(iter(units.values()))
    )
    return unit["bam"]


def get_rna_fastqs(wildcards):
    """The trimmed FASTQ of every unit of an RNA sample: read-1 and read-2 lists, same order."""
    p, s = wildcards.patient, wildcards.sample
    return {
        f"r{mate}": [f"results/reads/{p}/{s}.{u}.R{mate}.fastq.gz" for u in UNITS[s]]
        for mate in (1, 2)
    }


def get_star_read_files(wildcards, input):
    """STAR's --readFilesIn value: comma-joined read-1 files, a space, read-2 files."""
    return f"{','.join(input.r1)} {','.join(input.r2)}"


def get_rna_read_groups(wildcards):
    """STAR's --outSAMattrRGline: one read group per unit, in --readFilesIn order."""
    s, platform = wildcards.sample, config["reads"]["platform"]
    return " , ".join(
        f"ID:{s}.{u} SM:{s} LB:{s} PU:{u} PL:{platform}" for u in UNITS[s]
    )


def rna_is_imported(sample):
    """True when an RNA sample comes as one aligned BAM instead of FASTQ."""
    return not is_fastq_unit(sample, next(iter(UNITS[sample])))


def rna_prefix(patient, sample):
    """Where a sample's RNA outputs start: STAR's, or those of an imported BAM."""
    kind = "imported." if rna_is_imported(sample) else ""
    return f"results/rna/{patient}/{sample}.{kind}"


def rna_bam_path(patient, sample):
    """The coordinate-sorted RNA BAM of a sample: STAR's, or the imported one."""
    return f"{rna_prefix(patient, sample)}bam"


def get_rna_bam(wildcards):
    """Input function form of rna_bam_path."""
    return rna_bam_path(wildcards.patient, wildcards.sample)


def get_rna_gene_counts(wildcards=None):
    """Per-sample gene count tables (STAR's ReadsPerGene format) of every RNA sample."""
    return [
        f"{rna_prefix(p, s)}ReadsPerGene.out.tab"
        for p in PATIENTS
        for s in samples_of(p, "rna")
    ]


def rna_sample_ids():
    """Every RNA sample, patient by patient, in timeline order: the count matrix columns."""
    return [s for p in PATIENTS for s in samples_of(p, "rna")]


def sample_records(patient, assay):
    """A patient's samples of one assay as the scripts receive them (id, material, day,
    label), in samples_of order."""
    return [
        {k: SAMPLES[s][k] for k in ("sample_id", "material", "day", "timepoint")}
        for s in samples_of(patient, assay)
    ]


def get_patient_rna_samples(wildcards):
    """The patient's RNA samples, in get_patient_rna_bams order."""
    return sample_records(wildcards.patient, "rna")


def get_patient_rna_bams(wildcards):
    """The RNA BAM of every RNA sample of the patient, in get_patient_rna_samples order."""
    p = wildcards.patient
    return [rna_bam_path(p, s) for s in samples_of(p, "rna")]


def get_patient_fusion_calls(wildcards):
    """Per-sample fusion calls of the patient's RNA samples."""
    p = wildcards.patient
    return [f"results/fusions/{p}/{s}.fusions.tsv" for s in samples_of(p, "rna")]


def get_patient_imbalance(wildcards):
    """Per-sample kinase 3'-to-5' imbalance tables of the patient's RNA samples."""
    p = wildcards.patient
    return [
        f"results/fusions/{p}/{s}.kinase_imbalance.tsv" for s in samples_of(p, "rna")
    ]


def _genome_bases():
    """Approximate genome size in bases from the FASTA's file size (gzip: about 3.3x)."""
    fasta = config["reference"]["fasta"]
    size = os.path.getsize(fasta) if os.path.exists(fasta) else 3_100_000_000
    return size * 3.3 if fasta.endswith(".gz") else size


def star_sa_index_bases(wildcards):
    """STAR's --genomeSAindexNbases: min(14, log2(genome length) / 2 - 1), per its manual."""
    return max(4, min(14, int(math.log2(_genome_bases()) / 2 - 1)))


def star_mem_mb(wildcards):
    """STAR's memory need: about 11 bytes per genome base (32 GB for human), at least 4 GB."""
    return max(4000, int(_genome_bases() * 11 / 1e6))


def star_sjdb_overhang(wildcards):
    """STAR's --sjdbOverhang: the longest RNA read (from the first reads of every RNA FASTQ
    unit) minus one; 100 when there is no RNA FASTQ to look at. An input function, so the
    FASTQs are opened only when the index is to be built, not each time the workflow parses.
    """
    longest = 0
    for sample in SAMPLES.values():
        if sample["assay"] != "rna":
            continue
        for unit in UNITS.get(sample["sample_id"], {}).values():
            if "fq1" in unit and os.path.exists(unit["fq1"]):
                longest = max(longest, first_read_length(unit["fq1"]))
    return longest - 1 if longest else 100


def get_patient_bams(wildcards):
    """Every WES BAM of a patient (normal first, then by day): the joint-calling inputs."""
    p = wildcards.patient
    return [f"results/align/{p}/{s}.bam" for s in samples_of(p, "wes")]


def get_patient_bais(wildcards):
    """The indexes of get_patient_bams."""
    return [f"{bam}.bai" for bam in get_patient_bams(wildcards)]


def get_patient_wes_samples(wildcards):
    """The patient's WES samples, in get_patient_bams order."""
    return sample_records(wildcards.patient, "wes")


def get_freebayes_options(wildcards):
    """freebayes options for one patient: its thresholds are the most permissive of the
    materials it has (freebayes applies one value to every sample of a joint run)."""
    calling = config["calling"]
    materials = {SAMPLES[s]["material"] for s in samples_of(wildcards.patient, "wes")}
    fraction = min(calling["min_alternate_fraction"][m] for m in materials)
    count = min(calling["min_alternate_count"][m] for m in materials)
    return (
        f"--pooled-continuous --min-alternate-fraction {fraction}"
        f" --min-alternate-count {count}"
        f" --min-mapping-quality {calling['min_mapping_quality']}"
        f" --min-base-quality {calling['min_base_quality']} {calling['freebayes_extra']}"
    )


def _sample_paths(template, assay, materials=None):
    """Expand a results path over every (patient, sample) of an assay."""
    return [
        template.format(patient=p, sample=s)
        for p in PATIENTS
        for s in samples_of(p, assay, materials)
    ]


def final_outputs():
    """Every target of a full run; rule all asks for exactly these."""
    fastp_reports = [
        f"results/qc/fastp/{SAMPLES[s]['patient_id']}/{s}.{u}.fastp.json"
        for s, units in UNITS.items()
        for u, unit in units.items()
        if "fq1" in unit
    ]
    coverage = _sample_paths(
        "results/qc/coverage/{patient}/{sample}.mosdepth.summary.txt", "wes"
    )
    wes_patients = [p for p in PATIENTS if samples_of(p, "wes")]
    rna_patients = [p for p in PATIENTS if samples_of(p, "rna")]
    variants = [f"results/variants/{p}.variants.tsv" for p in wes_patients]
    identity = [f"results/qc/identity/{p}.identity.tsv" for p in wes_patients]
    fusions = [f"results/fusions/{p}.fusions.tsv" for p in rna_patients]
    counts = ["results/expression/counts.tsv"] if rna_patients else []
    return fastp_reports + coverage + variants + identity + fusions + counts
