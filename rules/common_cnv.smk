# Input functions of the copy-number rules (rules/dna_cnv.smk); no rules here. Included after
# rules/common.smk, whose lookups (COHORT, samples_of, fill, per_sample) they use.


# --- input functions: copy number ------------------------------------------------------


def normal_coverage(normals):
    """Target and antitarget coverage tables of the given normal samples."""
    out = rules.measure_bin_coverage.output
    return {
        key: [
            fill(out[key], patient=SAMPLES[n]["patient_id"], sample=n) for n in normals
        ]
        for key in ("targets", "antitargets")
    }


def get_matched_normal_coverage(wildcards):
    """The coverage tables of the patient's matched normal."""
    return normal_coverage(normals_of(wildcards.patient))


def get_cohort_normal_coverage(wildcards):
    """The coverage tables of every normal of the cohort."""
    return normal_coverage(COHORT.cohort_normals())


def get_cnv_reference(wildcards):
    """The reference .cnn a sample's copy ratios are computed against."""
    kind = COHORT.cnv_reference(wildcards.patient, config["cnv"]["reference"]).kind
    if kind == "matched":
        return fill(
            rules.build_matched_cnv_reference.output[0], patient=wildcards.patient
        )
    if kind == "pooled":
        return rules.build_pooled_cnv_reference.output[0]
    if kind == "file":  # the lab's prebuilt panel-of-normals reference, used as given
        return external(config["cnv"]["reference"])
    return rules.build_flat_cnv_reference.output[0]


def get_cnv_reference_label(wildcards):
    """The genes table's reference column: matched:<normal>, pooled:<n>_normals,
    file:<name>.cnn or flat."""
    return COHORT.cnv_reference(wildcards.patient, config["cnv"]["reference"]).label


def get_patient_normal(wildcards):
    """The patient's normal sample id (defines the het SNPs), or None (tumour-only)."""
    normals = normals_of(wildcards.patient)
    return normals[0] if normals else None


def get_patient_cnr(wildcards):
    """The bin tables of the patient's tumour and cfDNA samples, in timeline order."""
    out = rules.call_copy_ratios.output.cnr
    return per_sample(out, wildcards.patient, "wes", ("tumor", "cfdna"))


def get_patient_cns(wildcards):
    """The segment tables (with intervals) of get_patient_cnr's samples, same order."""
    out = rules.call_copy_ratios.output.cns
    return per_sample(out, wildcards.patient, "wes", ("tumor", "cfdna"))


def get_cnv_samples(wildcards):
    """get_patient_cnr's samples as the gene calls need them (with the sheet's purity)."""
    keys = ("sample_id", "material", "day", "timepoint", "purity")
    return COHORT.records(wildcards.patient, "wes", keys, ("tumor", "cfdna"))
