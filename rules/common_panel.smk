# Input functions of the panel of normals (rules/dna_panel.smk): which normals it piles up,
# and which panel each patient's genotyper reads (config panel_of_normals: source).

from resistance_timeline.setup.panel_of_normals import bam_index, panel_normal_name

PANEL_OF_NORMALS = "results/reference/panel_of_normals.tsv.gz"
PANEL_SOURCE = config["panel_of_normals"]["source"]
# whether a cohort build has any normal to pile up: decided once, not per genotyping job
PANEL_HAS_NORMALS = bool(
    COHORT.cohort_normals() or config["panel_of_normals"]["extra_normals"]
)


def panel_normals():
    """(name, BAM, index) of the normals a cohort build piles up: the cohort's WES normals
    (by sample id), then panel_of_normals: extra_normals (by file name without .bam/.cram).
    """
    found = []
    for s in COHORT.cohort_normals():
        where = {"patient": SAMPLES[s]["patient_id"], "sample": s}
        bam, bai = rules.mark_duplicates.output.bam, rules.mark_duplicates.output.bai
        found.append((s, fill(bam, **where), fill(bai, **where)))
    for path in config["panel_of_normals"]["extra_normals"]:
        found.append(
            (panel_normal_name(path), external(path), external(bam_index(path)))
        )
    return found


def get_panel_bams(wildcards):
    """The BAMs of the panel's normals."""
    return [bam for _, bam, _ in panel_normals()]


def get_panel_bais(wildcards):
    """Their indexes (.bai, or .crai beside a CRAM)."""
    return [bai for *_, bai in panel_normals()]


def get_panel_normal_names(wildcards):
    """The panel's normals in pileup order (the table's ##normals line)."""
    return [name for name, *_ in panel_normals()]


def get_panel_of_normals(wildcards):
    """The panel the genotyper reads: the cohort's build, a prebuilt table, or none ([])."""
    if PANEL_SOURCE == "none":
        return []
    if PANEL_SOURCE == "cohort":
        # the rule's own output, so that under a module's prefix it carries the prefix
        return rules.build_panel_of_normals.output.table if PANEL_HAS_NORMALS else []
    return external(PANEL_SOURCE)


def get_panel_of_normals_index(wildcards):
    """The tabix index of that panel ([] without one)."""
    if PANEL_SOURCE not in ("none", "cohort"):
        return external(f"{PANEL_SOURCE}.tbi")
    if PANEL_SOURCE == "none" or not PANEL_HAS_NORMALS:
        return []
    return rules.build_panel_of_normals.output.tbi
