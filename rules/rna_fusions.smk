# Gene fusions per RNA sample from chimeric alignments, tracked over every RNA sample of the
# patient; kinase 3'-to-5' expression imbalance as independent evidence.


rule call_fusions:
    input:
        unpack(get_rna_bam),
        **KNOWLEDGE_INPUTS,
        genes=GENE_MODEL,
        fasta=REF_FASTA,
        strandedness=get_sample_strandedness,
        imbalance=get_sample_imbalance,
    output:
        fusions="results/fusions/{patient}/{sample}.fusions.tsv",
        candidates="results/fusions/{patient}/{sample}.candidates.tsv",
    log:
        "logs/call_fusions/{patient}/{sample}.log",
    benchmark:
        "benchmarks/call_fusions/{patient}/{sample}.tsv"
    conda:
        "../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=grow_with_attempt(2000),
        runtime=runtime_from_input("call_fusions", "bam"),
    params:
        sample_id="{sample}",
        settings=config["fusions"],
        strandedness=config["rna"]["strandedness"],
    script:
        "../scripts/call_fusions.py"


rule measure_kinase_imbalance:
    input:
        unpack(get_rna_bam),
        genes=GENE_MODEL,
    output:
        "results/fusions/{patient}/{sample}.kinase_imbalance.tsv",
    log:
        "logs/measure_kinase_imbalance/{patient}/{sample}.log",
    benchmark:
        "benchmarks/measure_kinase_imbalance/{patient}/{sample}.tsv"
    conda:
        "../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=30,
    params:
        sample_id="{sample}",
        settings=config["fusions"],
    script:
        "../scripts/measure_kinase_imbalance.py"


rule track_fusions:
    input:
        unpack(get_patient_rna_bams),
        calls=get_patient_fusion_calls,
        strandedness=get_patient_strandedness,
        genes=GENE_MODEL,
    output:
        "results/fusions/{patient}.fusions.tsv",
    log:
        "logs/track_fusions/{patient}.log",
    benchmark:
        "benchmarks/track_fusions/{patient}.tsv"
    conda:
        "../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=grow_with_attempt(4000),
        runtime=30,
    params:
        patient="{patient}",
        samples=get_patient_rna_samples,
        settings=config["fusions"],
        strandedness=config["rna"]["strandedness"],
    script:
        "../scripts/track_fusions.py"


rule gather_kinase_imbalance:
    input:
        get_patient_imbalance,
    output:
        "results/fusions/{patient}.kinase_imbalance.tsv",
    log:
        "logs/gather_kinase_imbalance/{patient}.log",
    benchmark:
        "benchmarks/gather_kinase_imbalance/{patient}.tsv"
    # quick table work: run on the submitting host, not as a cluster job
    localrule: True
    conda:
        "../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=10,
    params:
        patient="{patient}",
        samples=get_patient_rna_samples,
    script:
        "../scripts/gather_kinase_imbalance.py"
