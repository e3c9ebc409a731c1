# Tumour fraction, minimal residual disease and clones per patient: every tumour and cfDNA
# sample's tumour fraction from the truncal variants, tumour presence by pooling, cancer cell
# fractions and clusters of variants over the samples, and the fish plot.


rule estimate_clones:
    input:
        variants=rules.tabulate_variants.output[0],
        vcf=rules.annotate_variants.output.vcf,
        genes=rules.call_gene_copy_number.output[0],
        segments=get_patient_cns,
    output:
        tumour_fraction=report(
            "results/clones/{patient}.tumour_fraction.tsv",
            caption="../resources/report/tumour_fraction.rst",
            category="{patient}",
            subcategory="Clones",
            labels={"table": "tumour fraction"},
        ),
        clusters="results/clones/{patient}.clusters.tsv",
        variants="results/clones/{patient}.variants.tsv",
        tree="results/clones/{patient}.tree.tsv",
    log:
        "logs/estimate_clones/{patient}.log",
    benchmark:
        "benchmarks/estimate_clones/{patient}.tsv"
    conda:
        "../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=15,
    params:
        patient="{patient}",
        samples=get_timeline_samples,
        settings=config["clones"],
    script:
        "../scripts/estimate_clones.py"


rule plot_clones:
    input:
        tumour_fraction=rules.estimate_clones.output.tumour_fraction,
        clusters=rules.estimate_clones.output.clusters,
        tree=rules.estimate_clones.output.tree,
    output:
        png=report(
            "results/clones/{patient}.clones.png",
            caption="../resources/report/clones.rst",
            category="{patient}",
            subcategory="Clones",
            labels={"figure": "fish plot and tumour fraction"},
        ),
        svg="results/clones/{patient}.clones.svg",
    log:
        "logs/plot_clones/{patient}.log",
    benchmark:
        "benchmarks/plot_clones/{patient}.tsv"
    conda:
        "../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=15,
    params:
        patient="{patient}",
        treatments=get_patient_treatments,
    script:
        "../scripts/plot_clones.py"
