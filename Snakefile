# resistance-timeline: serial WES, cfDNA and RNA-Seq of patients on targeted therapy, merged
# into one timeline per patient. See README.md; configuration keys in config/README.md.
#
# The rules, the configuration and the report are set up in workflow/Snakefile, the entry a
# module from a git source names; this file lets `snakemake` run in a clone as it always has.
# (The include: directive would drop the included file's default target, rule all: Snakemake
# keeps only the main Snakefile's, hence the call it stands for, keeping it.)

workflow.include("workflow/Snakefile", overwrite_default_target=True)
