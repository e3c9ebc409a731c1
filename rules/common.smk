# Functions shared by the rules: configuration and sheet validation, lookups, input functions.
# This file holds no rules. Path templates are written once, in the rule that makes the file
# (its output:); functions here fill them in through rules.<name>.output.

import glob
import os
import sys

from snakemake.io import flag, get_flag_value, local
from snakemake.path_modifier import PATH_MODIFIER_FLAG


include: "source.smk"


# The workflow's own folder (workflow.basedir is the importing lab's when it is used as a
# module; from a git source, a checkout of its commit: rules/source.smk); the one place the
# import path is set: the package beside the rule scripts. A rule script from a git source
# runs from Snakemake's source cache, with no package beside it: its process is told where
# the checkout's is (set here, in every process that parses the workflow, cluster jobs too).
WORKFLOW_DIR, WORKFLOW_VERSION = workflow_source(workflow.current_basedir)
sys.path.insert(0, os.path.abspath(os.path.join(WORKFLOW_DIR, "scripts")))
if WORKFLOW_DIR.startswith(CHECKOUTS):
    _paths = [sys.path[0], *filter(None, [os.environ.get("PYTHONPATH")])]
    os.environ.update(PYTHONPATH=os.pathsep.join(dict.fromkeys(_paths)))
# What made an output is provenance, not a setting: jobs read it from their environment, so
# a new version of the workflow does not rerun what an older one made (its outputs keep
# saying which version made them).
os.environ.update(RESISTANCE_TIMELINE_VERSION=WORKFLOW_VERSION)
from resistance_timeline.setup.config import (  # noqa: E402
    ConfigError,
    knowledge_files,
    load_config,
    configured_panel,
    load_schema,
    portable,
    shipped_file,
)
from resistance_timeline.setup.cohort import RECORD_KEYS, Cohort  # noqa: E402
from resistance_timeline.setup import star_index  # noqa: E402
from resistance_timeline.setup import resources as sizing  # noqa: E402
from resistance_timeline.setup.resources import (  # noqa: E402
    runtime_from_input,
    threads_from_input,
)
from resistance_timeline.setup.sheets import SheetError, load_sheets  # noqa: E402
from resistance_timeline.knowledge import tables as knowledge  # noqa: E402
from resistance_timeline.dna import umi  # noqa: E402

SCHEMAS = os.path.join(WORKFLOW_DIR, "config", "schemas")


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
        os.path.join(WORKFLOW_DIR, "config", "config.yaml"),
        validate=workflow.is_main_process,
    )
except ConfigError as error:
    _stop("the configuration is invalid", error.problems)
# The knowledge base's files (config 'knowledge'): the shipped tables and the lab's own, each
# once, as every rule that matches events takes them.
KNOWLEDGE, _missing = knowledge_files(config["knowledge"], WORKFLOW_DIR, CONFIG_NAME)
if _missing:
    _stop("the configuration is invalid", _missing)
# The identity check's SNP panel: a lab's, the shipped GRCh38 one (its fit checked in the job,
# against the FASTA index), or none.
IDENTITY_PANEL, IDENTITY_PANEL_AUTO = configured_panel(
    config["identity"]["snp_panel"], config["reference"]["build"], WORKFLOW_DIR
)
# A malformed row stops the run here, naming its file, line and column: checked once, in the
# main process (jobs re-parse the workflow; the rules that match events read the files again).
# Its drug table checks treatments.tsv's drug names: a misspelt drug matches no knowledge.
DRUGS = None
try:
    if workflow.is_main_process:
        DRUGS = knowledge.load_knowledge(
            KNOWLEDGE["knowledge"], KNOWLEDGE["drugs"], KNOWLEDGE["regions"]
        ).drugs
except knowledge.KnowledgeFormatError as error:
    _stop("the knowledge base is invalid", [str(error)])

try:
    # Validation and file checks (inputs exist, gzip, contigs) run once, in the main process;
    # jobs re-parse the workflow and only need the sheets' values. What the file checks read
    # is remembered per file (size, mtime), so a re-run reads only changed files. `snakemake
    # --lint` (parsed without checking envvars) skips the file checks: the workflow catalog
    # lints a fresh clone, where the demo cohort is not generated yet.
    SHEETS = load_sheets(
        config,
        SCHEMAS,
        check_files=workflow.is_main_process and workflow.check_envvars,
        validate=workflow.is_main_process,
        facts_store=".snakemake/resistance-timeline/file-facts.json",
        config_name=CONFIG_NAME,
        drugs=DRUGS,
        drug_table=config["knowledge"]["drugs"],
    )
except SheetError as error:
    _stop("the sample sheets are invalid", error.problems)
# The lab's own columns are kept (results/timeline/cohort.samples.tsv) and named once.
if workflow.is_main_process:
    print(*SHEETS.notices(), sep="\n", file=sys.stderr, end="")

COHORT = Cohort(SHEETS)
SAMPLES, UNITS, PATIENTS = COHORT.samples, COHORT.units, COHORT.patients
samples_of, patients_with = COHORT.samples_of, COHORT.patients_with
tumour_samples, normals_of = COHORT.tumour_samples, COHORT.normals_of
is_fastq_unit, rna_is_imported = COHORT.is_fastq_unit, COHORT.rna_is_imported

# The reference's derived files, made once under results/reference/ (rules/reference.smk).
REF_FASTA = "results/reference/genome.fa"
REF_FAI = f"{REF_FASTA}.fai"
TARGETS_BED = "results/reference/targets.bed"
# The aligners' indexes: the lab's own (reference.bwa_index, reference.star_index; checked
# against the FASTA at parse time, read in place, never rebuilt: no rule makes them, and
# ancient() keeps a copied or touched index from realigning every sample), else the ones
# the workflow builds under results/reference/.
OWN_BWA_PREFIX = REF_FASTA
OWN_STAR_INDEX = "results/reference/star"
BWA_PREFIX = config["reference"].get("bwa_index") or OWN_BWA_PREFIX
BWA_INDEX = multiext(BWA_PREFIX, ".amb", ".ann", ".bwt", ".pac", ".sa")
STAR_INDEX = config["reference"].get("star_index") or OWN_STAR_INDEX
if BWA_PREFIX != OWN_BWA_PREFIX:
    BWA_INDEX = [ancient(local(f)) for f in BWA_INDEX]

# Wildcards take the sheet schema's id pattern without its anchors: no dots, slashes, spaces or
# shell metacharacters can ever reach a path or a command line.
ID_PATTERN = load_schema(os.path.join(SCHEMAS, "samples.schema.yaml"))["properties"][
    "sample_id"
]["pattern"].strip("^$")
# a per-patient table beside a cohort one (cohort.maf, cohort.events.tsv): 'cohort' is no
# patient there (the ruleorder says so too, but a module's renamed rules lose it)
PATIENT_NOT_COHORT = f"(?!cohort(?![A-Za-z0-9_-])){ID_PATTERN}"


# --- helpers ---------------------------------------------------------------------------------
def grow_with_attempt(mem_mb):
    """A mem_mb resource that doubles, triples ... on each retry after running out of memory."""

    def mem_for_attempt(wildcards, attempt):
        return mem_mb * attempt

    return mem_for_attempt


def fill(template, **wildcards):
    """A rule's declared output path template (rules.<name>.output.<key>) filled in. Under a
    module's ``prefix:`` the template holds the prefix already: the filled path keeps
    Snakemake's mark of a modified path, so the prefix is not added a second time."""
    path = str(template).format(**wildcards)
    if get_flag_value(template, PATH_MODIFIER_FLAG):
        return flag(path, PATH_MODIFIER_FLAG)
    return path


def external(path):
    """A file the lab gives or the workflow ships (reference, reads, knowledge, gene sets, SNP
    panel), or a list of them: marked local(), so that a module's ``prefix:`` is put before
    the workflow's own outputs only, never before these."""
    if isinstance(path, (list, tuple)):
        return [external(p) for p in path]
    return local(path) if path else path


# the knowledge base's files as rule inputs
KNOWLEDGE_INPUTS = {key: external(files) for key, files in KNOWLEDGE.items()}
# genes of clonal haematopoiesis (config genotyping: clonal_hematopoiesis: genes)
CH_GENES = external(
    shipped_file(config["genotyping"]["clonal_hematopoiesis"]["genes"], WORKFLOW_DIR)
)


def per_sample(template, patient, assay, materials=None):
    """``template`` filled in for the patient's samples of an assay (and materials), in
    samples_of order."""
    chosen = samples_of(patient, assay, materials)
    return [fill(template, patient=patient, sample=s) for s in chosen]


# --- reference files (only the assays present need them; see config/README.md) ------------
def get_gff3(wildcards):
    """The GFF3 of config reference: gff3 (WES annotation)."""
    return external(config["reference"]["gff3"])


def get_gtf(wildcards):
    """The GTF of config reference: gtf (RNA: STAR, counts, fusions)."""
    return external(config["reference"]["gtf"])


def get_targets(wildcards):
    """The capture BED of config reference: targets (WES)."""
    return external(config["reference"]["targets"])


# --- input functions: reads and alignment ----------------------------------------------------
def get_fastq(wildcards):
    """The raw paired FASTQ of one unit."""
    unit = UNITS[wildcards.sample][wildcards.unit]
    return {"r1": external(unit["fq1"]), "r2": external(unit["fq2"])}


def get_read_group(wildcards):
    """bwa's -R read group: ID sample.unit, SM sample, LB sample, PU unit, PL from config."""
    platform = config["reads"]["platform"]
    s, u = wildcards.sample, wildcards.unit
    return f"@RG\\tID:{s}.{u}\\tSM:{s}\\tLB:{s}\\tPU:{u}\\tPL:{platform}"


def align_memory_mb(wildcards, input, threads, attempt):
    """bwa mem | fixmate | sort: the index bwa holds plus buffers per thread."""
    return sizing.align_memory_mb(input.index, threads, attempt)


def coverage_memory_mb(wildcards, attempt):
    """mosdepth: twice the longest contig in 32-bit depths."""
    return sizing.mosdepth_memory_mb(REF_FAI, attempt)


def get_bwa_prefix(wildcards, input):
    """bwa mem's index argument: the prefix of the index files the job reads."""
    return input.index[0].removesuffix(".amb")


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
    return external(unit["bam"])


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
    return COHORT.records(patient, assay)


def get_patient_wes_samples(wildcards):
    """The patient's WES samples, in get_patient_bams order."""
    return sample_records(wildcards.patient, "wes")


def get_patient_genotyping_samples(wildcards):
    """The patient's WES samples for the genotyper: with what each normal is (blood, tissue)."""
    keys = (*RECORD_KEYS, "normal_source")
    return COHORT.records(wildcards.patient, "wes", keys=keys)


def get_genotyping_threads(wildcards):
    """The genotyper's workers: one per WES sample of the patient (it counts samples in
    parallel), at most 8."""
    return min(len(get_patient_bams(wildcards)), 8)


def get_freebayes_options(wildcards):
    """freebayes options for one patient (Cohort.freebayes_options)."""
    return COHORT.freebayes_options(wildcards.patient, config["calling"])


# --- targets of a full run -------------------------------------------------------------------
def final_outputs():
    """Every target of a full run; rule all asks for exactly these."""
    qc = get_multiqc_inputs(None)  # fastp, duplicate marking, coverage, STAR summaries
    per_patient = [
        fill(template, patient=p)
        for template, assay in (
            (rules.tabulate_variants.output[0], "wes"),
            (rules.write_maf.output[0], "wes"),
            (rules.check_sample_identity.output[0], "wes"),
            (rules.summarize_fragments.output.table, "wes"),
            (rules.track_fusions.output[0], "rna"),
            (rules.gather_kinase_imbalance.output[0], "rna"),
        )
        for p in patients_with(assay)
    ]
    if patients_with("wes"):
        per_patient += [*rules.gather_maf.output, *rules.tabulate_duplicates.output]
    counts = list(rules.build_count_matrix.output) if patients_with("rna") else []
    if patients_with("rna"):
        counts += list(rules.test_expression.output)
        counts += [
            fill(template, patient=p)
            for p in CONTRASTS.patients
            for template in rules.plot_expression.output
        ]
        counts += [
            fill(template, contrast=c)
            for c in CONTRASTS.cohort_names
            for template in rules.plot_cohort_expression.output
        ]
    cnv_patients = [p for p in PATIENTS if tumour_samples(p)]
    cnv = [
        fill(template, patient=p)
        for p in cnv_patients
        for template in (
            rules.call_gene_copy_number.output[0],
            *rules.plot_gene_copy_number.output,
        )
    ] + [
        fill(template, patient=p, sample=s)
        for p in cnv_patients
        for s in tumour_samples(p)
        for template in rules.plot_copy_ratios.output
    ]
    timeline = [
        fill(template, patient=p)
        for p in PATIENTS
        for template in (*rules.build_timeline.output, *rules.plot_timeline.output)
    ] + list(rules.gather_cohort_events.output)
    timeline += list(rules.tabulate_samples.output) + list(
        rules.build_cbioportal_study.output
    )
    # nothing to report, no MultiQC
    timeline += list(rules.run_multiqc.output) if qc else []
    timeline += list(rules.record_versions.output)
    clones = [
        fill(t, patient=p)
        for p in clone_patients()
        for t in (*rules.estimate_clones.output, *rules.plot_clones.output)
    ]
    return qc + per_patient + counts + cnv + timeline + clones
