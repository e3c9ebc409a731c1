# Input functions of the cohort-wide outputs of rules/timeline.smk; no rules here. Included
# after rules/common.smk and the other common_*.smk, whose lookups they use.


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


def get_cbioportal_segment_samples(wildcards):
    """The sample ids of get_cbioportal_tables' segments, same order."""
    return [s for p in PATIENTS for s in tumour_samples(p)]
