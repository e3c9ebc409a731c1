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
    shell:
        # exactly the declared inputs (a file list), never a scan of results/
        "(outdir=$(dirname {output}) && mkdir -p $outdir"
        " && printf '%s\\n' {input} > $outdir.files"
        " && multiqc --force --no-version-check --file-list $outdir.files"
        " --outdir $outdir --filename multiqc_report.html"
        " && rm $outdir.files) > {log} 2>&1"
