# Input functions of the RNA rules (rules/rna_*.smk); no rules here. Included after
# rules/common.smk, whose lookups (COHORT, samples_of, fill, per_sample) they use.

from resistance_timeline.expression.contrasts import plan_contrasts  # noqa: E402

# pre/post pairs of RNA samples around each line of therapy, and the cohort contrasts they
# make (resistance_timeline.expression.contrasts): fixes the expression outputs at parse time
RNA_SAMPLE_RECORDS = [
    record
    for p in PATIENTS
    for record in COHORT.records(
        p, "rna", ("patient_id", "sample_id", "day", "timepoint")
    )
]
CONTRASTS = plan_contrasts(
    RNA_SAMPLE_RECORDS, SHEETS.treatments, config["expression"]["cohort_scope"]
)
# said before any job runs (test_expression's log says it again); once, in the main process
if workflow.is_main_process:
    for message in CONTRASTS.warnings():
        print(f"resistance-timeline: warning: {message}", file=sys.stderr)


def markdup_pipe(bam, prefix, stats):
    """The shell pipe that marks the PCR duplicates of an RNA BAM in any order: collate by
    name, add mate tags (fixmate -m), sort by coordinate, markdup with its statistics in
    ``stats``; the rule appends where the marked BAM goes. ``bam``, ``prefix`` (of the
    temporary files) and ``stats`` are placeholders of the rule's shell command. Shared by
    import_rna_bam and measure_rna_duplicates, so an imported and a STAR-aligned sample's
    duplicate rates are measured alike."""
    return (
        f"samtools collate -@ {{threads}} -O -u {bam} {{resources.tmpdir}}/collate_$$"
        " | samtools fixmate -@ {threads} -m -u - -"
        f" | samtools sort -@ {{threads}} -m 1G -u -T {prefix}.tmp -"
        f" | samtools markdup -@ {{threads}} -T {prefix}.md -f {stats} -"
    )


def cohort_models_by_patient(plan):
    """Patient -> the cohort models its pairs belong to, in plan order."""
    models = {}
    for model in plan.cohort:
        for patient in model.patients:
            models.setdefault(patient, []).append(model)
    return models


# indexed once for patient_cohort_models (rules/common.smk)
PATIENT_COHORT_MODELS = cohort_models_by_patient(CONTRASTS)
# the expression tables whose names the plan fixes: written once here, used by the rules
PATIENT_CONTRASTS = "results/expression/{patient}.contrasts.tsv"
COHORT_CONTRAST = "results/expression/cohort.{contrast}.tsv"
# the GTF parsed once (rule build_gene_model); every RNA rule but STAR's index reads this
GENE_MODEL = "results/reference/genes.model.tsv"
GENE_SETS = external(
    sorted(
        portable(p)
        for p in glob.glob(
            os.path.join(WORKFLOW_DIR, "resources", "gene_sets", "*.tsv")
        )
    )
)


# --- input functions: RNA --------------------------------------------------------------------


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
    return [r["sample_id"] for r in RNA_SAMPLE_RECORDS]


def get_rna_gene_counts(wildcards):
    """Per-sample gene count tables of every RNA sample, in rna_sample_ids order."""
    return [rna_gene_counts(SAMPLES[s]["patient_id"], s) for s in rna_sample_ids()]


def get_sample_gene_counts(wildcards):
    """One RNA sample's gene count table (rna_gene_counts)."""
    return rna_gene_counts(wildcards.patient, wildcards.sample)


def rna_strandedness(patient, sample):
    """A sample's strandedness table (inferred, configured, used), as infer_strandedness
    declares it."""
    return fill(rules.infer_strandedness.output[0], patient=patient, sample=sample)


def get_sample_strandedness(wildcards):
    """The strandedness table of one RNA sample."""
    return rna_strandedness(wildcards.patient, wildcards.sample)


def get_patient_strandedness(wildcards):
    """Strandedness tables of the patient's RNA samples, in samples_of order."""
    return per_sample(rules.infer_strandedness.output[0], wildcards.patient, "rna")


def get_rna_strandedness(wildcards):
    """Strandedness tables of every RNA sample, in rna_sample_ids order."""
    return [rna_strandedness(SAMPLES[s]["patient_id"], s) for s in rna_sample_ids()]


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


def get_sample_imbalance(wildcards):
    """One RNA sample's kinase 3'-to-5' imbalance table (weak-partner rescue)."""
    return fill(
        rules.measure_kinase_imbalance.output[0],
        patient=wildcards.patient,
        sample=wildcards.sample,
    )


def get_patient_imbalance(wildcards):
    """Per-sample kinase 3'-to-5' imbalance tables of the patient's RNA samples."""
    return per_sample(
        rules.measure_kinase_imbalance.output[0], wildcards.patient, "rna"
    )


# The workflow's own STAR index, sized to the memory it may use (rna.star_index_mem_mb):
# the genome's size from the FASTA's .fai (the configured one, else the prepared copy).
STAR_PLAN = star_index.plan_index(
    star_index.genome_of(
        config["reference"]["fasta"]
        if os.path.isfile(config["reference"]["fasta"] + ".fai")
        else REF_FASTA
    ),
    config["rna"]["star_index_mem_mb"],
)


def get_star_index(wildcards):
    """The STAR genome directory the alignments read: the lab's (ancient: see BWA_INDEX in
    rules/common.smk) or the one build_star_index makes."""
    return STAR_INDEX if STAR_INDEX == OWN_STAR_INDEX else ancient(local(STAR_INDEX))


def star_index_mem_mb(wildcards, attempt):
    """The index build's memory: the modelled peak with a tenth spare within
    rna.star_index_mem_mb (at least 4 GB); more on a retry."""
    return STAR_PLAN.job_mb * attempt


def star_index_limit(wildcards, resources):
    """--limitGenomeGenerateRAM in bytes, from the job's memory."""
    return STAR_PLAN.limit_ram(resources.mem_mb)


def star_align_mem_mb(wildcards, threads, attempt):
    """One alignment's memory: the index it loads (the lab's files' sizes, or the planned
    own index), the BAM-sorting buffer (rna.star_sort_mem_mb) and buffers; more on a retry.
    """
    load = (
        STAR_PLAN.load_mb
        if STAR_INDEX == OWN_STAR_INDEX or not os.path.isdir(STAR_INDEX)
        else star_index.index_load_mb(STAR_INDEX)
    )
    sort = config["rna"]["star_sort_mem_mb"]
    return star_index.map_memory_mb(load, sort, threads) + (attempt - 1) * sort


def star_sjdb_overhang(wildcards):
    """STAR's --sjdbOverhang from the RNA reads. An input function, so the FASTQs are opened
    only when the index is to be built, not each time the workflow parses."""
    rna = [s for p in PATIENTS for s in samples_of(p, "rna")]
    return star_index.sjdb_overhang(
        [u["fq1"] for s in rna for u in UNITS[s].values() if "fq1" in u]
    )


def get_rna_sample_records(wildcards):
    """Every RNA sample of the cohort (patient, id, day, label), patient by patient."""
    return RNA_SAMPLE_RECORDS


# the pairs behind each cohort model, for its figures' titles
COHORT_PAIRS = {model.name: len(model.pairs) for model in CONTRASTS.cohort}


def get_cohort_pairs(wildcards):
    """How many patients' pre/post pairs the cohort model {contrast} fits."""
    return COHORT_PAIRS[wildcards.contrast]
