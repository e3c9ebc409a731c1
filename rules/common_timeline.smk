# Input functions of rules/timeline.smk; no rules here. Included after rules/common.smk and
# the other common_*.smk, whose lookups they use.


# --- input functions: timeline --------------------------------------------------------------
def get_timeline_tables(wildcards):
    """The arms' tables of one patient (an empty list for an arm the patient has no samples
    of): variants, copy number, fusions, expression contrasts and pathway tables."""
    p = wildcards.patient
    wes, rna = samples_of(p, "wes"), samples_of(p, "rna")
    expression = rules.test_expression.output
    return {
        "variants": [fill(rules.tabulate_variants.output[0], patient=p)] if wes else [],
        "cnv": (
            [fill(rules.call_gene_copy_number.output[0], patient=p)]
            if tumour_samples(p)
            else []
        ),
        "fusions": [fill(rules.track_fusions.output[0], patient=p)] if rna else [],
        "contrasts": [fill(PATIENT_CONTRASTS, patient=p)] if rna else [],
        "pathways": [expression.pathways] if rna else [],
        "gene_set_tests": [expression.gene_set_tests] if rna else [],
        "cohort_contrasts": [
            fill(COHORT_CONTRAST, contrast=c.name) for c in patient_cohort_models(p)
        ],
    }


def patient_cohort_models(patient):
    """The cohort expression models the patient's pre/post pairs belong to (indexed once in
    rules/common_rna.smk)."""
    return list(PATIENT_COHORT_MODELS.get(patient, ()))


def get_patient_cohort_drugs(wildcards):
    """The drugs of patient_cohort_models ('' for an any_inhibitor model), same order."""
    return [c.drug for c in patient_cohort_models(wildcards.patient)]


def get_timeline_samples(wildcards):
    """Every sample of the patient, all assays, in timeline order."""
    keys = ("sample_id", "assay", "material", "day", "timepoint", "purity")
    return COHORT.records(wildcards.patient, None, keys)


def get_patient_treatments(wildcards):
    """The patient's lines of therapy, as in treatments.tsv."""
    return COHORT.treatments_of(wildcards.patient)


# --- input functions: the cBioPortal study ----------------------------------------------


def get_cbioportal_tables(wildcards):
    """Every table the cBioPortal study is made of, each only for the patients that have it
    (the study writes only what the cohort has)."""
    cnv_patients = [p for p in PATIENTS if tumour_samples(p)]
    rna = patients_with("rna")
    return {
        "variants": [
            fill(rules.tabulate_variants.output[0], patient=p)
            for p in patients_with("wes")
        ],
        "cnv": [
            fill(rules.call_gene_copy_number.output[0], patient=p) for p in cnv_patients
        ],
        "segments": [
            path
            for p in cnv_patients
            for path in per_sample(
                rules.call_copy_ratios.output.cns, p, "wes", ("tumor", "cfdna")
            )
        ],
        "tumour_fraction": [
            fill(rules.estimate_clones.output.tumour_fraction, patient=p)
            for p in clone_patients()
        ],
        "fusions": [fill(rules.track_fusions.output[0], patient=p) for p in rna],
        "normalized": [rules.test_expression.output.normalized] if rna else [],
        "events": [
            fill(rules.build_timeline.output.events, patient=p) for p in PATIENTS
        ],
        "timelines": [
            fill(rules.build_timeline.output.timeline, patient=p) for p in PATIENTS
        ],
    }
