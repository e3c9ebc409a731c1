# The timeline: per patient, every event of the DNA, copy-number, fusion and expression arms
# over its samples and lines of therapy, classified and matched to the knowledge base.


rule build_timeline:
    input:
        unpack(get_timeline_tables),
        unpack(get_timeline_clones),
        **KNOWLEDGE_INPUTS,
    output:
        timeline="results/timeline/{patient}.timeline.tsv",
        events=report(
            "results/timeline/{patient}.events.tsv",
            caption="../resources/report/events.rst",
            category="{patient}",
            subcategory="Timeline",
            labels={"table": "events"},
        ),
        wide="results/timeline/{patient}.wide.tsv",
        cbioportal="results/timeline/{patient}.cbioportal_timeline.tsv",
    log:
        "logs/build_timeline/{patient}.log",
    benchmark:
        "benchmarks/build_timeline/{patient}.tsv"
    wildcard_constraints:
        patient=PATIENT_NOT_COHORT,
    conda:
        "../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        patient="{patient}",
        samples=get_timeline_samples,
        treatments=get_patient_treatments,
        cohort_drugs=get_patient_cohort_drugs,
        settings=config["timeline"],
    script:
        "../scripts/build_timeline.py"


rule gather_cohort_events:
    input:
        events=expand(rules.build_timeline.output.events, patient=PATIENTS),
    output:
        "results/timeline/cohort.events.tsv",
    log:
        "logs/gather_cohort_events/cohort.log",
    benchmark:
        "benchmarks/gather_cohort_events/cohort.tsv"
    # quick table work: run on the submitting host, not as a cluster job
    localrule: True
    conda:
        "../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    script:
        "../scripts/gather_cohort_events.py"


rule tabulate_samples:
    output:
        "results/timeline/cohort.samples.tsv",
    log:
        "logs/tabulate_samples/cohort.log",
    benchmark:
        "benchmarks/tabulate_samples/cohort.tsv"
    # quick table work: run on the submitting host, not as a cluster job
    localrule: True
    conda:
        "../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        samples=list(SAMPLES.values()),
        unit_kinds=COHORT.unit_kinds(),
        treatments=SHEETS.treatments,
        own=SHEETS.sample_own,
    script:
        "../scripts/tabulate_samples.py"


rule build_cbioportal_study:
    input:
        unpack(get_cbioportal_tables),
        samples=rules.tabulate_samples.output[0],
    output:
        directory("results/cbioportal"),
    log:
        "logs/build_cbioportal_study/cohort.log",
    benchmark:
        "benchmarks/build_cbioportal_study/cohort.tsv"
    conda:
        "../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=grow_with_attempt(2000),
        runtime=30,
    params:
        treatments=SHEETS.treatments,
        settings=config["cbioportal"],
        build=config["reference"]["build"],
    script:
        "../scripts/build_cbioportal_study.py"


# the cohort table is not a patient's events table (a patient id 'cohort' would clash)
ruleorder: gather_cohort_events > build_timeline


rule plot_timeline:
    input:
        timeline=rules.build_timeline.output.timeline,
        events=rules.build_timeline.output.events,
    output:
        png=report(
            "results/timeline/{patient}.timeline.png",
            caption="../resources/report/timeline_figure.rst",
            category="{patient}",
            subcategory="Timeline",
            labels={"figure": "timeline"},
        ),
        svg="results/timeline/{patient}.timeline.svg",
    log:
        "logs/plot_timeline/{patient}.log",
    benchmark:
        "benchmarks/plot_timeline/{patient}.tsv"
    conda:
        "../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=15,
    params:
        patient="{patient}",
        treatments=get_patient_treatments,
        settings=config["timeline"],
        samples=get_timeline_samples,
    script:
        "../scripts/plot_timeline.py"
