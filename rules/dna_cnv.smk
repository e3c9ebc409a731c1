# Copy number of every tumour and cfDNA WES sample with CNVkit (on- and off-target bins, a
# copy-ratio reference from the normals, CBS segments with bootstrap intervals), and the
# gene-level calls of each patient with allelic evidence from the germline het SNPs.


rule prepare_cnv_bins:
    input:
        targets=TARGETS_BED,
        fasta=REF_FASTA,
        fai=REF_FAI,
    output:
        access="results/cnv/reference/access.bed",
        targets="results/cnv/reference/targets.bed",
        antitargets="results/cnv/reference/antitargets.bed",
    log:
        "logs/prepare_cnv_bins/reference.log",
    benchmark:
        "benchmarks/prepare_cnv_bins/reference.tsv"
    conda:
        "../envs/cnvkit.yaml"
    threads: 1
    resources:
        mem_mb=grow_with_attempt(8000),
        runtime=120,
    params:
        gap=config["cnv"]["access_min_gap"],
        target_size=config["cnv"]["target_avg_size"],
        antitarget_size=config["cnv"]["antitarget_avg_size"],
    shell:
        "(cnvkit.py access {input.fasta} -s {params.gap} -o {output.access}"
        " && cnvkit.py target {input.targets} --split -a {params.target_size}"
        " -o {output.targets}"
        " && cnvkit.py antitarget {output.targets} -g {output.access}"
        " -a {params.antitarget_size} -o {output.antitargets}) > {log} 2>&1"


rule measure_bin_coverage:
    input:
        bam=rules.mark_duplicates.output.bam,
        bai=rules.mark_duplicates.output.bai,
        targets=rules.prepare_cnv_bins.output.targets,
        antitargets=rules.prepare_cnv_bins.output.antitargets,
    output:
        # CNVkit takes the sample id from the file name before its first dot
        targets="results/cnv/{patient}/{sample}.targetcoverage.cnn",
        antitargets="results/cnv/{patient}/{sample}.antitargetcoverage.cnn",
    log:
        "logs/measure_bin_coverage/{patient}/{sample}.log",
    benchmark:
        "benchmarks/measure_bin_coverage/{patient}/{sample}.tsv"
    conda:
        "../envs/cnvkit.yaml"
    threads: threads_from_input("measure_bin_coverage", "bam")
    resources:
        mem_mb=grow_with_attempt(4000),
        runtime=runtime_from_input("measure_bin_coverage", "bam"),
    params:
        min_mapq=config["cnv"]["min_mapq"],
    shell:
        "(cnvkit.py coverage -q {params.min_mapq} -p {threads} {input.bam} {input.targets}"
        " -o {output.targets}"
        " && cnvkit.py coverage -q {params.min_mapq} -p {threads} {input.bam}"
        " {input.antitargets} -o {output.antitargets}) > {log} 2>&1"


rule build_matched_cnv_reference:
    input:
        unpack(get_matched_normal_coverage),
        fasta=REF_FASTA,
        fai=REF_FAI,
    output:
        "results/cnv/{patient}/reference.cnn",
    log:
        "logs/build_matched_cnv_reference/{patient}.log",
    benchmark:
        "benchmarks/build_matched_cnv_reference/{patient}.tsv"
    conda:
        "../envs/cnvkit.yaml"
    threads: 1
    resources:
        mem_mb=grow_with_attempt(4000),
        runtime=60,
    shell:
        "cnvkit.py reference {input.targets} {input.antitargets} -f {input.fasta}"
        " -o {output} > {log} 2>&1"


rule build_pooled_cnv_reference:
    input:
        unpack(get_cohort_normal_coverage),
        fasta=REF_FASTA,
        fai=REF_FAI,
    output:
        "results/cnv/pooled.reference.cnn",
    log:
        "logs/build_pooled_cnv_reference/cohort.log",
    benchmark:
        "benchmarks/build_pooled_cnv_reference/cohort.tsv"
    conda:
        "../envs/cnvkit.yaml"
    threads: 1
    resources:
        mem_mb=grow_with_attempt(8000),
        runtime=120,
    shell:
        "cnvkit.py reference {input.targets} {input.antitargets} -f {input.fasta}"
        " -o {output} > {log} 2>&1"


rule build_flat_cnv_reference:
    input:
        targets=rules.prepare_cnv_bins.output.targets,
        antitargets=rules.prepare_cnv_bins.output.antitargets,
        fasta=REF_FASTA,
        fai=REF_FAI,
    output:
        "results/cnv/flat.reference.cnn",
    log:
        "logs/build_flat_cnv_reference/cohort.log",
    benchmark:
        "benchmarks/build_flat_cnv_reference/cohort.tsv"
    conda:
        "../envs/cnvkit.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=60,
    shell:
        # last resort: no normal in the cohort, so bins are corrected for GC and repeats only
        "(echo 'WARNING: no WES normal in the cohort: copy ratios use a flat reference;"
        " capture biases are not removed' >&2"
        " && cnvkit.py reference -t {input.targets} -a {input.antitargets} -f {input.fasta}"
        " -o {output}) > {log} 2>&1"


rule call_copy_ratios:
    input:
        targets=rules.measure_bin_coverage.output.targets,
        antitargets=rules.measure_bin_coverage.output.antitargets,
        reference=get_cnv_reference,
    output:
        cnr="results/cnv/{patient}/{sample}.cnr",
        cns="results/cnv/{patient}/{sample}.cns",
        raw=temp("results/cnv/{patient}/{sample}.segments.cns"),
    log:
        "logs/call_copy_ratios/{patient}/{sample}.log",
    benchmark:
        "benchmarks/call_copy_ratios/{patient}/{sample}.tsv"
    conda:
        "../envs/cnvkit.yaml"
    threads: 1
    resources:
        mem_mb=grow_with_attempt(4000),
        runtime=120,
    params:
        method=config["cnv"]["segment_method"],
        threshold=config["cnv"]["segment_threshold"],
        alpha=config["cnv"]["ci_alpha"],
        bootstraps=config["cnv"]["bootstraps"],
    shell:
        # smoothed bootstrap off: CNVkit draws its noise unseeded, and intervals must be
        # the same on every run (segments with fewer than cnv.min_bins bins are not called)
        "(cnvkit.py fix {input.targets} {input.antitargets} {input.reference} -o {output.cnr}"
        " && cnvkit.py segment {output.cnr} -m {params.method} -t {params.threshold}"
        " -o {output.raw}"
        " && cnvkit.py segmetrics {output.cnr} -s {output.raw} --ci --alpha {params.alpha}"
        " -b {params.bootstraps} --smooth-bootstrap 0 -o {output.cns}) > {log} 2>&1"


rule plot_copy_ratios:
    input:
        cnr=rules.call_copy_ratios.output.cnr,
        cns=rules.call_copy_ratios.output.cns,
    output:
        png=report(
            "results/cnv/{patient}/{sample}.scatter.png",
            caption="../resources/report/copy_ratio_scatter.rst",
            category="{patient}",
            subcategory="Copy number",
            labels={"figure": "copy ratios", "sample": "{sample}"},
        ),
        svg="results/cnv/{patient}/{sample}.scatter.svg",
    log:
        "logs/plot_copy_ratios/{patient}/{sample}.log",
    benchmark:
        "benchmarks/plot_copy_ratios/{patient}/{sample}.tsv"
    conda:
        "../envs/cnvkit.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=15,
    shell:
        "(for out in {output.png} {output.svg}; do"
        "   cnvkit.py scatter {input.cnr} -s {input.cns} --title {wildcards.sample} -o $out;"
        " done) > {log} 2>&1"


rule call_gene_copy_number:
    input:
        cnr=get_patient_cnr,
        cns=get_patient_cns,
        bins=rules.prepare_cnv_bins.output.targets,
        genotypes=rules.genotype_timepoints.output.vcf,
        tbi=rules.genotype_timepoints.output.tbi,
    output:
        "results/cnv/{patient}.genes.tsv",
    log:
        "logs/call_gene_copy_number/{patient}.log",
    benchmark:
        "benchmarks/call_gene_copy_number/{patient}.tsv"
    conda:
        "../envs/cnvkit.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        patient="{patient}",
        samples=get_cnv_samples,
        normal=get_patient_normal,
        reference=get_cnv_reference_label,
        settings=config["cnv"],
    script:
        "../scripts/call_gene_copy_number.py"


rule plot_gene_copy_number:
    input:
        rules.call_gene_copy_number.output[0],
    output:
        png=report(
            "results/cnv/{patient}.copy_number.png",
            caption="../resources/report/copy_number.rst",
            category="{patient}",
            subcategory="Copy number",
            labels={"figure": "changed genes", "sample": "all"},
        ),
        svg="results/cnv/{patient}.copy_number.svg",
    log:
        "logs/plot_gene_copy_number/{patient}.log",
    benchmark:
        "benchmarks/plot_gene_copy_number/{patient}.tsv"
    conda:
        "../envs/cnvkit.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        patient="{patient}",
        samples=get_cnv_samples,
    script:
        "../scripts/plot_gene_copy_number.py"
