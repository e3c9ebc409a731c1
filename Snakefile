# resistance-timeline: serial WES, cfDNA and RNA-Seq of patients on targeted therapy, merged
# into one timeline per patient. See README.md; configuration keys in config/README.md.
#
# Configuration: `--configfile my/config.yaml` (that file alone; keys it leaves out take the
# schema's defaults), or, without one, the shipped demo configuration config/config.yaml
# (loaded in rules/common.smk, so a user's file is never merged over the demo's).

from snakemake.utils import min_version

min_version("9.0")


report: "resources/report/workflow.rst"


include: "rules/common.smk"
include: "rules/common_cnv.smk"
include: "rules/common_rna.smk"
include: "rules/common_clones.smk"
include: "rules/common_timeline.smk"


wildcard_constraints:
    patient=ID_PATTERN,
    sample=ID_PATTERN,
    unit=ID_PATTERN,


include: "rules/reference.smk"
include: "rules/reads.smk"
include: "rules/dna_align.smk"
include: "rules/dna_variants.smk"
include: "rules/dna_cnv.smk"
include: "rules/rna_align.smk"
include: "rules/rna_expression.smk"
include: "rules/rna_fusions.smk"
include: "rules/clones.smk"
include: "rules/timeline.smk"
include: "rules/report.smk"


# A job process (cluster or sub-process job) runs the jobs it is given, never this target: it
# skips listing every output of the cohort.
rule all:
    default_target: True
    input:
        final_outputs() if workflow.is_main_process else [],
