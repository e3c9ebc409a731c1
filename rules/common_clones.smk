# Input functions of the clone rules (rules/clones.smk) and the clone tables the timeline
# reads; no rules here. Included after rules/common.smk, whose lookups (fill, samples_of,
# tumour_samples) they use.


def clone_patients():
    """Patients with WES tumour or cfDNA samples: the ones with a clone analysis."""
    return [p for p in PATIENTS if samples_of(p, "wes") and tumour_samples(p)]


def get_timeline_clones(wildcards):
    """The patient's tumour-fraction and cluster tables for the timeline (empty lists for a
    patient without WES tumour samples)."""
    p = wildcards.patient
    if p not in clone_patients():
        return {"tumour_fraction": [], "clusters": []}
    out = rules.estimate_clones.output
    return {
        "tumour_fraction": [fill(out.tumour_fraction, patient=p)],
        "clusters": [fill(out.clusters, patient=p)],
    }
