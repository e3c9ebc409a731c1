# Cohort gene-count matrix from the per-sample gene counts (STAR GeneCounts, or the same
# counting applied to imported BAMs).


rule build_count_matrix:
    input:
        counts=get_rna_gene_counts,
        strandedness=get_rna_strandedness,
        genes=GENE_MODEL,
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
        mem_mb=grow_with_attempt(4000),
        runtime=30,
    params:
        samples=rna_sample_ids(),
    script:
        "../scripts/build_count_matrix.py"


rule test_expression:
    input:
        counts=rules.build_count_matrix.output.counts,
        gene_sets=GENE_SETS,
    output:
        normalized="results/expression/normalized.tsv",
        pathways="results/expression/pathways.tsv",
        gene_set_tests="results/expression/gene_set_tests.tsv",
        # one table per RNA patient and per cohort contrast, planned from the sheets
        patient_contrasts=[
            fill(PATIENT_CONTRASTS, patient=p) for p in CONTRASTS.patients
        ],
        cohort_contrasts=[
            fill(COHORT_CONTRAST, contrast=c) for c in CONTRASTS.cohort_names
        ],
    log:
        "logs/test_expression/cohort.log",
    benchmark:
        "benchmarks/test_expression/cohort.tsv"
    conda:
        "../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=grow_with_attempt(4000),
        runtime=60,
    params:
        samples=get_rna_sample_records,
        treatments=SHEETS.treatments,
        settings=config["expression"],
    script:
        "../scripts/test_expression.py"


rule plot_expression:
    input:
        contrasts=PATIENT_CONTRASTS,
        normalized=rules.test_expression.output.normalized,
        pathways=rules.test_expression.output.pathways,
    output:
        volcano=report(
            "results/expression/{patient}.volcano.png",
            caption="../resources/report/expression.rst",
            category="{patient}",
            subcategory="Expression",
            labels={"figure": "volcano"},
        ),
        ma=report(
            "results/expression/{patient}.ma.png",
            caption="../resources/report/expression.rst",
            category="{patient}",
            subcategory="Expression",
            labels={"figure": "MA"},
        ),
        timecourse=report(
            "results/expression/{patient}.timecourse.png",
            caption="../resources/report/expression.rst",
            category="{patient}",
            subcategory="Expression",
            labels={"figure": "over time"},
        ),
    log:
        "logs/plot_expression/{patient}.log",
    benchmark:
        "benchmarks/plot_expression/{patient}.tsv"
    conda:
        "../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=15,
    params:
        patient="{patient}",
        samples=get_patient_rna_samples,
        settings=config["expression"],
    script:
        "../scripts/plot_expression.py"


rule plot_cohort_expression:
    input:
        COHORT_CONTRAST,
    output:
        volcano=report(
            "results/expression/cohort.{contrast}.volcano.png",
            caption="../resources/report/expression_cohort.rst",
            category="Cohort",
            subcategory="Expression",
            labels={"contrast": "{contrast}", "figure": "volcano"},
        ),
        ma=report(
            "results/expression/cohort.{contrast}.ma.png",
            caption="../resources/report/expression_cohort.rst",
            category="Cohort",
            subcategory="Expression",
            labels={"contrast": "{contrast}", "figure": "MA"},
        ),
    log:
        "logs/plot_cohort_expression/{contrast}.log",
    benchmark:
        "benchmarks/plot_cohort_expression/{contrast}.tsv"
    wildcard_constraints:
        contrast=r"[a-z0-9_]+",
    conda:
        "../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=15,
    params:
        contrast="{contrast}",
        pairs=get_cohort_pairs,
    script:
        "../scripts/plot_cohort_expression.py"
