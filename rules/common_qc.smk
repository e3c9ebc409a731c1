# Input functions of the QC rules (rules/dna_align.smk's fragment lengths, rules/report.smk's
# MultiQC); no rules here. Included after rules/common.smk, whose lookups (SAMPLES, UNITS,
# fill, per_sample, patients_with) they use.


def get_patient_fragment_stats(wildcards):
    """samtools stats of the patient's WES samples, in samples_of order."""
    return per_sample(rules.measure_fragments.output[0], wildcards.patient, "wes")


# --- input functions: QC report -------------------------------------------------------------
def get_multiqc_inputs(wildcards):
    """The QC files MultiQC reads: fastp reports of every FASTQ unit, duplicate marking,
    target coverage and samtools stats (insert sizes) of every WES sample, STAR's summary of every STAR-aligned RNA sample,
    duplicate marking of every RNA sample imported as a BAM."""
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
        fill(
            (
                rules.import_rna_bam.output.stats
                if rna_is_imported(s)
                else rules.align_rna.output.final_log
            ),
            patient=p,
            sample=s,
        )
        for p in patients_with("rna")
        for s in samples_of(p, "rna")
    ]
    return fastp + wes + rna
