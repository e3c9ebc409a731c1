# The reference genome, prepared once under results/reference/: FASTA (uncompressed), its
# indexes, and the capture targets sorted and merged.


# quick table work: run on the submitting host, not as cluster jobs
localrules:
    prepare_targets,


rule prepare_reference:
    input:
        config["reference"]["fasta"],
    output:
        fasta=REF_FASTA,
        fai=REF_FAI,
    log:
        "logs/prepare_reference/genome.log",
    benchmark:
        "benchmarks/prepare_reference/genome.tsv"
    conda:
        "../envs/samtools.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=30,
    shell:
        # gzip/bgzip FASTAs are decompressed so that every tool reads the same plain file
        "(if gzip -t {input:q} 2>/dev/null; then gzip -dc {input:q} > {output.fasta};"
        " else cp {input:q} {output.fasta}; fi"
        " && samtools faidx {output.fasta}) 2> {log}"


rule index_reference_bwa:
    input:
        REF_FASTA,
    output:
        BWA_INDEX,
    log:
        "logs/index_reference_bwa/genome.log",
    benchmark:
        "benchmarks/index_reference_bwa/genome.tsv"
    conda:
        "../envs/bwa.yaml"
    threads: 1
    resources:
        mem_mb=grow_with_attempt(8000),
        runtime=240,
    shell:
        "bwa index {input} 2> {log}"


rule prepare_targets:
    input:
        bed=get_targets,
        fai=REF_FAI,
    output:
        TARGETS_BED,
    log:
        "logs/prepare_targets/targets.log",
    benchmark:
        "benchmarks/prepare_targets/targets.tsv"
    conda:
        "../envs/bedtools.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    shell:
        # keep 4 columns (name = gene), sort by contig and start, merge overlapping baits
        "(grep -v -E '^(#|track|browser)' {input.bed:q}"
        ' | awk \'BEGIN{{OFS="\\t"}} {{print $1, $2, $3, (NF >= 4 ? $4 : ".")}}\''
        " | sort -k1,1 -k2,2n"
        " | bedtools merge -c 4 -o distinct -i - > {output}) 2> {log}"
