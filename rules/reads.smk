# Per-unit read preparation: integrity check, adapter and quality trimming with fastp.


rule check_read_pairs:
    input:
        unpack(get_fastq),
    output:
        "results/qc/reads/{patient}/{sample}.{unit}.pairs.tsv",
    log:
        "logs/check_read_pairs/{patient}/{sample}.{unit}.log",
    benchmark:
        "benchmarks/check_read_pairs/{patient}/{sample}.{unit}.tsv"
    conda:
        "../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=runtime_from_input("check_read_pairs"),
    script:
        # both files read to the end side by side: a truncated gzip, mates of different
        # lengths or names out of step stop the unit here, with the reason in the log
        "../scripts/check_read_pairs.py"


rule trim_reads:
    input:
        unpack(get_fastq),
        pairs=rules.check_read_pairs.output[0],
    output:
        r1=temp("results/reads/{patient}/{sample}.{unit}.R1.fastq.gz"),
        r2=temp("results/reads/{patient}/{sample}.{unit}.R2.fastq.gz"),
        json="results/qc/fastp/{patient}/{sample}.{unit}.fastp.json",
        html="results/qc/fastp/{patient}/{sample}.{unit}.fastp.html",
    log:
        "logs/trim_reads/{patient}/{sample}.{unit}.log",
    benchmark:
        "benchmarks/trim_reads/{patient}/{sample}.{unit}.tsv"
    conda:
        "../envs/fastp.yaml"
    threads: threads_from_input("trim_reads", "r1", "r2")
    resources:
        mem_mb=grow_with_attempt(sizing.FASTP_MB),
        runtime=runtime_from_input("trim_reads", "r1", "r2"),
    params:
        extra=config["reads"]["fastp_extra"],
        umi=get_umi_options,
    shell:
        # the FASTQ paths are the user's (units.tsv): quoted, as they may hold any character;
        # a UMI library's UMI leaves the read for its name (dna/umi.py)
        "fastp --in1 {input.r1:q} --in2 {input.r2:q} --out1 {output.r1} --out2 {output.r2}"
        " --json {output.json} --html {output.html} --thread {threads} {params.extra}"
        " {params.umi} > {log} 2>&1"
