# Cohort gene-count matrix from the per-sample gene counts (STAR GeneCounts, or the same
# counting applied to imported BAMs).


rule build_count_matrix:
    input:
        counts=get_rna_gene_counts,
        gtf=get_gtf,
    output:
        counts="results/expression/counts.tsv",
        summary="results/qc/star/counts_summary.tsv",
    log:
        "logs/build_count_matrix/cohort.log",
    benchmark:
        "benchmarks/build_count_matrix/cohort.tsv"
    conda:
        "../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        samples=rna_sample_ids(),
        strandedness=config["rna"]["strandedness"],
    script:
        "../scripts/build_count_matrix.py"
