# Per-unit read preparation: integrity check, adapter and quality trimming with fastp.


rule trim_reads:
    input:
        unpack(get_fastq),
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
    threads: 4
    resources:
        mem_mb=2000,
        runtime=60,
    params:
        extra=config["reads"]["fastp_extra"],
    shell:
        # A truncated or corrupt gzip stops the unit here with the file named, instead of
        # fastp quietly keeping the reads read before the damage.
        "(for fq in {input.r1:q} {input.r2:q}; do"
        '   gzip -t "$fq" || {{ echo "ERROR: $fq is not a valid gzip file (truncated or'
        ' corrupt); unit {wildcards.unit} of sample {wildcards.sample}"; exit 1; }};'
        " done;"
        " fastp --in1 {input.r1:q} --in2 {input.r2:q} --out1 {output.r1} --out2 {output.r2}"
        " --json {output.json} --html {output.html} --thread {threads} {params.extra}"
        ") > {log} 2>&1"
