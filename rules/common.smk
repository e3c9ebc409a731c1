# Functions shared by the rules: configuration and sheet validation, lookups, input functions.
# This file holds no rules. Path templates are written once, in the rule that makes the file
# (its output:); functions here fill them in through rules.<name>.output.

import math
import os
import sys

# the one place the import path is set: the package beside the rule scripts
sys.path.insert(0, os.path.join(workflow.basedir, "scripts"))
from resistance_timeline.setup.config import (  # noqa: E402
    ConfigError,
    load_config,
    load_schema,
    shipped_file,
)
from resistance_timeline.setup.input_files import first_read_length  # noqa: E402
from resistance_timeline.setup.sheets import SheetError, load_sheets  # noqa: E402

SCHEMAS = os.path.join(workflow.basedir, "config", "schemas")


def _stop(title, problems):
    """End the run with a plain message listing every problem (no Python traceback)."""
    lines = "\n".join(f"  - {p}" for p in problems)
    raise SystemExit(
        f"resistance-timeline: {title} ({len(problems)} problem(s)); nothing was run.\n{lines}"
    )


try:
    # --configfile given: that file alone (schema defaults for what it leaves out);
    # none: the shipped demo configuration
    CONFIG_NAME = load_config(
        config,
        [str(f) for f in workflow.overwrite_configfiles],
        os.path.join(workflow.basedir, "config", "config.yaml"),
    )
except ConfigError as error:
    _stop("the configuration is invalid", error.problems)
try:
    # File checks (inputs exist, gzip, contig names) run once, in the main process; cluster
    # and sub-process jobs re-parse the workflow and only need the sheets' structure. What
    # they read is remembered per file (size, mtime), so a re-run reads only changed files.
    SHEETS = load_sheets(
        config,
        SCHEMAS,
        check_files=workflow.is_main_process,
        facts_store=".snakemake/resistance-timeline/file-facts.json",
        config_name=CONFIG_NAME,
    )
except SheetError as error:
    _stop("the sample sheets are invalid", error.problems)

MARKERS = shipped_file(config["resistance_markers"], workflow.basedir)
if not os.path.isfile(MARKERS):
    _stop(
        "the configuration is invalid",
        [f"{CONFIG_NAME}, key 'resistance_markers': file not found: {MARKERS}"],
    )

SAMPLES = {s["sample_id"]: s for s in SHEETS.samples}
UNITS = {}
for _unit in SHEETS.units:
    UNITS.setdefault(_unit["sample_id"], {})[_unit["unit_id"]] = _unit
PATIENTS = SHEETS.patients()

# The reference's derived files, made once under results/reference/ (rules/reference.smk).
REF_FASTA = "results/reference/genome.fa"
REF_FAI = f"{REF_FASTA}.fai"
BWA_INDEX = multiext(REF_FASTA, ".amb", ".ann", ".bwt", ".pac", ".sa")
TARGETS_BED = "results/reference/targets.bed"
STAR_INDEX = "results/reference/star"

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


def patients_with(assay):
    """Patients with at least one sample of the assay, in sheet order."""
    return [p for p in PATIENTS if samples_of(p, assay)]


def is_fastq_unit(sample, unit):
    """True when the unit is given as paired FASTQ (not as an aligned BAM)."""
    return "fq1" in UNITS[sample][unit]


def grow_with_attempt(mem_mb):
    """A mem_mb resource that doubles, triples ... on each retry after running out of memory."""

    def mem_for_attempt(wildcards, attempt):
        return mem_mb * attempt

    return mem_for_attempt


def fill(template, **wildcards):
    """A rule's declared output path template (rules.<name>.output.<key>) filled in."""
    return str(template).format(**wildcards)


def per_sample(template, patient, assay):
    """``template`` filled in for every sample of the patient's assay, in samples_of order."""
    return [
        fill(template, patient=patient, sample=s) for s in samples_of(patient, assay)
    ]


# --- reference files (only the assays present need them; see config/README.md) ------------
def get_gff3(wildcards):
    """The GFF3 of config reference: gff3 (WES annotation)."""
    return config["reference"]["gff3"]


def get_gtf(wildcards):
    """The GTF of config reference: gtf (RNA: STAR, counts, fusions)."""
    return config["reference"]["gtf"]


def get_targets(wildcards):
    """The capture BED of config reference: targets (WES)."""
    return config["reference"]["targets"]


# --- input functions: reads and alignment ----------------------------------------------------
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
        fill(
            (rules.align_reads if is_fastq_unit(s, u) else rules.import_dna_bam).output[
                0
            ],
            patient=p,
            sample=s,
            unit=u,
        )
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


def get_mosdepth_prefix(wildcards, output):
    """mosdepth's output prefix: its summary file's path without the suffix mosdepth adds."""
    return output.summary.removesuffix(".mosdepth.summary.txt")


def get_patient_bams(wildcards):
    """Every WES BAM of a patient (normal first, then by day): the joint-calling inputs."""
    return per_sample(rules.mark_duplicates.output.bam, wildcards.patient, "wes")


def get_patient_bais(wildcards):
    """The indexes of get_patient_bams."""
    return per_sample(rules.mark_duplicates.output.bai, wildcards.patient, "wes")


def sample_records(patient, assay):
    """A patient's samples of one assay as the scripts receive them (id, material, day,
    label), in samples_of order."""
    return [
        {k: SAMPLES[s][k] for k in ("sample_id", "material", "day", "timepoint")}
        for s in samples_of(patient, assay)
    ]


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


# --- input functions: RNA --------------------------------------------------------------------
def rna_is_imported(sample):
    """True when an RNA sample comes as one aligned BAM instead of FASTQ."""
    return not is_fastq_unit(sample, next(iter(UNITS[sample])))


def rna_outputs(patient, sample):
    """The BAM and index of a sample's RNA alignment, as declared by align_rna (or by
    import_rna_bam for a BAM unit)."""
    maker = rules.import_rna_bam if rna_is_imported(sample) else rules.align_rna
    return {
        key: fill(maker.output[key], patient=patient, sample=sample)
        for key in ("bam", "bai")
    }


def get_rna_bam(wildcards):
    """The coordinate-sorted BAM and index of one RNA sample: STAR's, or the imported one."""
    return rna_outputs(wildcards.patient, wildcards.sample)


def get_rna_fastqs(wildcards):
    """The trimmed FASTQ of every unit of an RNA sample: read-1 and read-2 lists, same order."""
    out = rules.trim_reads.output
    p, s = wildcards.patient, wildcards.sample
    return {
        key: [fill(out[key], patient=p, sample=s, unit=u) for u in UNITS[s]]
        for key in ("r1", "r2")
    }


def get_star_prefix(wildcards, output):
    """STAR's --outFileNamePrefix: the sample's BAM path without 'bam' (STAR names its
    ReadsPerGene.out.tab and Chimeric.out.junction from it, as align_rna declares)."""
    return output.bam.removesuffix("bam")


def get_star_read_files(wildcards, input):
    """STAR's --readFilesIn value: comma-joined read-1 files, a space, read-2 files."""
    return f"{','.join(input.r1)} {','.join(input.r2)}"


def get_rna_read_groups(wildcards):
    """STAR's --outSAMattrRGline: one read group per unit, in --readFilesIn order."""
    s, platform = wildcards.sample, config["reads"]["platform"]
    return " , ".join(
        f"ID:{s}.{u} SM:{s} LB:{s} PU:{u} PL:{platform}" for u in UNITS[s]
    )


def rna_gene_counts(patient, sample):
    """A sample's gene count table (ReadsPerGene format): STAR's, or counted from its BAM."""
    if rna_is_imported(sample):
        return fill(rules.count_rna_bam.output[0], patient=patient, sample=sample)
    return fill(rules.align_rna.output.counts, patient=patient, sample=sample)


def rna_sample_ids():
    """Every RNA sample, patient by patient, in timeline order: the count matrix columns."""
    return [s for p in PATIENTS for s in samples_of(p, "rna")]


def get_rna_gene_counts(wildcards):
    """Per-sample gene count tables of every RNA sample, in rna_sample_ids order."""
    return [rna_gene_counts(SAMPLES[s]["patient_id"], s) for s in rna_sample_ids()]


def get_patient_rna_samples(wildcards):
    """The patient's RNA samples, in get_patient_rna_bams order."""
    return sample_records(wildcards.patient, "rna")


def get_patient_rna_bams(wildcards):
    """The RNA BAM and index of every RNA sample of the patient, in samples_of order."""
    files = [
        rna_outputs(wildcards.patient, s) for s in samples_of(wildcards.patient, "rna")
    ]
    return {"bams": [f["bam"] for f in files], "bais": [f["bai"] for f in files]}


def get_patient_fusion_calls(wildcards):
    """Per-sample fusion calls of the patient's RNA samples."""
    return per_sample(rules.call_fusions.output.fusions, wildcards.patient, "rna")


def get_patient_imbalance(wildcards):
    """Per-sample kinase 3'-to-5' imbalance tables of the patient's RNA samples."""
    return per_sample(
        rules.measure_kinase_imbalance.output[0], wildcards.patient, "rna"
    )


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


# --- targets of a full run -------------------------------------------------------------------
def final_outputs():
    """Every target of a full run; rule all asks for exactly these."""
    fastp_reports = [
        fill(
            rules.trim_reads.output.json,
            patient=SAMPLES[s]["patient_id"],
            sample=s,
            unit=u,
        )
        for s, units in UNITS.items()
        for u, unit in units.items()
        if "fq1" in unit
    ]
    coverage = [
        path
        for p in patients_with("wes")
        for path in per_sample(rules.measure_coverage.output.summary, p, "wes")
    ]
    per_patient = [
        fill(template, patient=p)
        for template, assay in (
            (rules.tabulate_variants.output[0], "wes"),
            (rules.check_sample_identity.output[0], "wes"),
            (rules.track_fusions.output[0], "rna"),
            (rules.gather_kinase_imbalance.output[0], "rna"),
        )
        for p in patients_with(assay)
    ]
    counts = list(rules.build_count_matrix.output) if patients_with("rna") else []
    return fastp_reports + coverage + per_patient + counts
