# The cohort's QC in one MultiQC report (fastp, duplicate marking, target coverage, STAR),
# included in the workflow's HTML report (snakemake --report, see README.md).


rule run_multiqc:
    input:
        get_multiqc_inputs,
    output:
        report(
            "results/qc/multiqc/multiqc_report.html",
            caption="../resources/report/multiqc.rst",
            category="Quality control",
        ),
    log:
        "logs/run_multiqc/cohort.log",
    benchmark:
        "benchmarks/run_multiqc/cohort.tsv"
    conda:
        "../envs/multiqc.yaml"
    threads: 1
    resources:
        mem_mb=grow_with_attempt(4000),
        runtime=30,
    params:
        config=os.path.join(WORKFLOW_DIR, "resources", "multiqc_config.yaml"),
    shell:
        # exactly the declared inputs (a file list), never a scan of results/
        "(outdir=$(dirname {output}) && mkdir -p $outdir"
        " && printf '%s\\n' {input} > $outdir.files"
        " && multiqc --force --no-version-check --config {params.config:q}"
        " --file-list $outdir.files"
        " --outdir $outdir --filename multiqc_report.html"
        " && rm $outdir.files) > {log} 2>&1"


rule record_versions:
    input:
        knowledge=KNOWLEDGE_INPUTS["knowledge"],
        drugs=KNOWLEDGE_INPUTS["drugs"],
        regions=KNOWLEDGE_INPUTS["regions"],
    output:
        report(
            "results/versions.tsv",
            caption="../resources/report/versions.rst",
            category="Software versions",
        ),
    log:
        "logs/record_versions/cohort.log",
    benchmark:
        "benchmarks/record_versions/cohort.tsv"
    # asks each tool its version: run on the submitting host, not as a cluster job
    localrule: True
    conda:
        "../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        # the version of this run (a new version remakes this table, nothing else)
        workflow_version=WORKFLOW_VERSION,
        envs=os.path.join(WORKFLOW_DIR, "envs"),
    script:
        "../scripts/record_versions.py"
