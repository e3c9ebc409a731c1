# DNA variants per patient: joint candidates over every WES sample (scattered over chunks of
# the targets, calling.scatter), each candidate measured in every sample, annotated, matched to
# the resistance knowledge base, identity-checked.

TARGET_CHUNK = "results/reference/chunks/chunk_{chunk}.bed"


rule split_targets:
    input:
        TARGETS_BED,
    output:
        expand(TARGET_CHUNK, chunk=range(config["calling"]["scatter"])),
    log:
        "logs/split_targets/targets.log",
    benchmark:
        "benchmarks/split_targets/targets.tsv"
    # quick table work: run on the submitting host, not as a cluster job
    localrule: True
    conda:
        "../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        chunks=config["calling"]["scatter"],  # rewrites the chunks when calling.scatter changes
    script:
        "../scripts/split_targets.py"


rule call_candidates:
    input:
        bams=get_patient_bams,
        bais=get_patient_bais,
        fasta=REF_FASTA,
        fai=REF_FAI,
        targets=TARGET_CHUNK,
    output:
        temp("results/variants/{patient}/chunks/chunk_{chunk}.raw.vcf"),
    log:
        "logs/call_candidates/{patient}/chunk_{chunk}.log",
    benchmark:
        "benchmarks/call_candidates/{patient}/chunk_{chunk}.tsv"
    wildcard_constraints:
        chunk=r"\d+",
    conda:
        "../envs/freebayes.yaml"
    threads: 1
    resources:
        mem_mb=grow_with_attempt(4000),
        runtime=runtime_from_input(
            "call_candidates", "bams", share=1 / config["calling"]["scatter"]
        ),
    params:
        options=get_freebayes_options,
    shell:
        # pooled-continuous keeps low-VAF somatic alleles; QUAL is not filtered here (a 4% VAF
        # allele can have QUAL near 0): the genotyping step decides from the read counts.
        # A chunk left without targets (fewer targets than chunks) gives an empty file.
        "if [ -s {input.targets} ]; then"
        " freebayes -f {input.fasta} --targets {input.targets} {params.options}"
        " {input.bams} > {output} 2> {log};"
        " else : > {output}; echo 'no targets in this chunk' > {log}; fi"


rule normalize_candidates:
    input:
        vcfs=expand(
            rules.call_candidates.output[0],
            chunk=range(config["calling"]["scatter"]),
            allow_missing=True,
        ),
        fasta=REF_FASTA,
    output:
        vcf="results/variants/{patient}/candidates.vcf.gz",
        tbi="results/variants/{patient}/candidates.vcf.gz.tbi",
    log:
        "logs/normalize_candidates/{patient}.log",
    benchmark:
        "benchmarks/normalize_candidates/{patient}.tsv"
    conda:
        "../envs/bcftools.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=60,
    shell:
        # gather the chunks in chunk order (the order of one freebayes run over all targets;
        # empty chunks left out), split multi-allelic sites, break freebayes' complex haplotype
        # alleles into SNVs and indels, left-align against the reference, then drop exact
        # duplicates and genotypes
        "(bcftools concat --no-version -Ou $(for f in {input.vcfs}; do if [ -s $f ]; then echo $f; fi; done)"
        " | bcftools norm --no-version -f {input.fasta} -m -both -a --atom-overlaps . -Ou"
        " | bcftools norm --no-version -f {input.fasta} -d exact -Ou"
        " | bcftools view --no-version -G -Oz -o {output.vcf}"
        " && bcftools index -t {output.vcf}) 2> {log}"


rule genotype_timepoints:
    input:
        candidates=rules.normalize_candidates.output.vcf,
        bams=get_patient_bams,
        bais=get_patient_bais,
        fasta=REF_FASTA,
        fai=REF_FAI,
        targets=TARGETS_BED,
        ch_genes=CH_GENES,
        panel=get_panel_of_normals,
        panel_index=get_panel_of_normals_index,
    output:
        vcf="results/variants/{patient}/genotypes.vcf.gz",
        tbi="results/variants/{patient}/genotypes.vcf.gz.tbi",
    log:
        "logs/genotype_timepoints/{patient}.log",
    benchmark:
        "benchmarks/genotype_timepoints/{patient}.tsv"
    conda:
        "../envs/python.yaml"
    threads: get_genotyping_threads
    resources:
        mem_mb=grow_with_attempt(4000),
        runtime=runtime_from_input("genotype_timepoints", "bams"),
    params:
        samples=get_patient_genotyping_samples,
        thresholds=config["genotyping"],
    script:
        "../scripts/genotype_timepoints.py"


rule annotate_variants:
    input:
        vcf=rules.genotype_timepoints.output.vcf,
        tbi=rules.genotype_timepoints.output.tbi,
        fasta=REF_FASTA,
        gff3=get_gff3,
    output:
        vcf="results/variants/{patient}.variants.vcf.gz",
        tbi="results/variants/{patient}.variants.vcf.gz.tbi",
    log:
        "logs/annotate_variants/{patient}.log",
    benchmark:
        "benchmarks/annotate_variants/{patient}.tsv"
    conda:
        "../envs/bcftools.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=60,
    shell:
        # --local-csq: each variant on its own. Variants of different timepoints or clones are
        # not one haplotype, and haplotype-aware csq would renumber the protein across them.
        "(bcftools csq --no-version --local-csq -f {input.fasta} -g {input.gff3:q} --force"
        " -Oz -o {output.vcf} {input.vcf}"
        " && bcftools index -t {output.vcf}) 2> {log}"


rule tabulate_variants:
    input:
        **KNOWLEDGE_INPUTS,
        vcf=rules.annotate_variants.output.vcf,
        tbi=rules.annotate_variants.output.tbi,
        gff3=get_gff3,
    output:
        "results/variants/{patient}.variants.tsv",
    log:
        "logs/tabulate_variants/{patient}.log",
    benchmark:
        "benchmarks/tabulate_variants/{patient}.tsv"
    conda:
        "../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=grow_with_attempt(4000),
        runtime=30,
    params:
        patient="{patient}",
        samples=get_patient_wes_samples,
    script:
        "../scripts/tabulate_variants.py"


rule write_maf:
    input:
        rules.tabulate_variants.output[0],
    output:
        "results/variants/{patient}.maf",
    log:
        "logs/write_maf/{patient}.log",
    benchmark:
        "benchmarks/write_maf/{patient}.tsv"
    wildcard_constraints:
        patient=PATIENT_NOT_COHORT,
    conda:
        "../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=grow_with_attempt(2000),
        runtime=30,
    params:
        build=config["reference"]["build"],
    script:
        "../scripts/write_maf.py"


rule gather_maf:
    input:
        expand(rules.write_maf.output[0], patient=patients_with("wes")),
    output:
        "results/variants/cohort.maf",
    log:
        "logs/gather_maf/cohort.log",
    benchmark:
        "benchmarks/gather_maf/cohort.tsv"
    # quick table work: run on the submitting host, not as a cluster job
    localrule: True
    conda:
        "../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=grow_with_attempt(2000),
        runtime=30,
    script:
        "../scripts/gather_maf.py"


# the cohort MAF is not a patient's
ruleorder: gather_maf > write_maf


rule check_sample_identity:
    input:
        vcf=rules.genotype_timepoints.output.vcf,
        tbi=rules.genotype_timepoints.output.tbi,
        segments=get_patient_cns,
        bams=get_patient_bams,
        bais=get_patient_bais,
        fasta=REF_FASTA,
        fai=REF_FAI,
        panel=external(IDENTITY_PANEL) or [],
    output:
        "results/qc/identity/{patient}.identity.tsv",
    log:
        "logs/check_sample_identity/{patient}.log",
    benchmark:
        "benchmarks/check_sample_identity/{patient}.tsv"
    conda:
        "../envs/python.yaml"
    threads: get_genotyping_threads
    resources:
        mem_mb=grow_with_attempt(2000),
        runtime=runtime_from_input("genotype_timepoints", "bams"),
    params:
        settings=config["identity"],
        samples=get_patient_wes_samples,
        tumours=get_cnv_samples,
        counting=config["genotyping"],
        neutral_max_abs_log2=config["cnv"]["min_abs_log2"],
        panel_auto=IDENTITY_PANEL_AUTO,
    script:
        "../scripts/check_sample_identity.py"
