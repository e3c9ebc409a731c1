# Input functions of the QC rules (rules/reads.smk's and rules/dna_align.smk's UMI options,
# duplicate and fragment-length tables; rules/report.smk's MultiQC); no rules here. Included
# after rules/common.smk, whose lookups (SAMPLES, UNITS, fill, per_sample, patients_with) they
# use.


def get_umi_options(wildcards):
    """fastp's UMI options of a unit (units.tsv umi; dna/umi.py), '' without UMIs."""
    return umi.fastp_options(UNITS[wildcards.sample][wildcards.unit].get("umi"))


def sample_umi(sample):
    """A sample's UMI read structure ('' without): every unit has the same (sheet rule)."""
    return next(iter(UNITS[sample].values())).get("umi") or ""


def get_markdup_barcode(wildcards):
    """samtools markdup's barcode option for a UMI sample, '' for the others."""
    return umi.MARKDUP_BARCODE if sample_umi(wildcards.sample) else ""


def wes_samples():
    """Every WES sample of the cohort, patient by patient."""
    return [s for p in patients_with("wes") for s in samples_of(p, "wes")]


def get_duplicate_stats(wildcards):
    """Duplicate-marking statistics of every WES sample, and by position alone of the UMI
    samples."""
    marked, by_position = [], []
    for s in wes_samples():
        where = {"patient": SAMPLES[s]["patient_id"], "sample": s}
        marked.append(fill(rules.mark_duplicates.output.stats, **where))
        if sample_umi(s):
            by_position.append(
                fill(rules.measure_duplicates_by_position.output[0], **where)
            )
    return {"stats": marked, "by_position": by_position}


def get_duplicate_samples(wildcards):
    """The WES samples of the duplicates table: id, material, UMI read structure."""
    return [
        {"sample_id": s, "material": SAMPLES[s]["material"], "umi": sample_umi(s)}
        for s in wes_samples()
    ]


def get_patient_fragment_stats(wildcards):
    """samtools stats of the patient's WES samples, in samples_of order."""
    return per_sample(rules.measure_fragments.output[0], wildcards.patient, "wes")


# --- input functions: QC report -------------------------------------------------------------
def get_multiqc_inputs(wildcards):
    """The QC files MultiQC reads: fastp reports of every FASTQ unit; duplicate marking,
    target coverage and samtools stats (insert sizes) of every WES sample; STAR's summary and
    the duplicate rate of every STAR-aligned RNA sample; duplicate marking of every RNA sample
    imported as a BAM.
    """
    fastp = [
        fill(
            rules.trim_reads.output.json,
            patient=SAMPLES[s]["patient_id"],
            sample=s,
            unit=u,
        )
        for s, units in UNITS.items()
        for u in units
        if is_fastq_unit(s, u)
    ]
    wes = [
        path
        for p in patients_with("wes")
        for template in (
            rules.mark_duplicates.output.stats,
            *rules.measure_coverage.output[:2],
            rules.measure_fragments.output[0],
        )
        for path in per_sample(template, p, "wes")
    ]
    rna = [
        fill(template, patient=p, sample=s)
        for p in patients_with("rna")
        for s in samples_of(p, "rna")
        for template in (
            (rules.import_rna_bam.output.stats,)
            if rna_is_imported(s)
            else (
                rules.align_rna.output.final_log,
                rules.measure_rna_duplicates.output[0],
            )
        )
    ]
    return fastp + wes + rna
