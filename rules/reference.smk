# The reference genome, prepared once under results/reference/: FASTA (uncompressed; a plain
# FASTA linked in place), its indexes, the capture targets sorted and merged, and the GTF's compact gene model.


rule prepare_reference:
    input:
        external(config["reference"]["fasta"]),
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
        # gzip/bgzip FASTAs are decompressed (STAR reads plain FASTA only); a plain FASTA is
        # linked in place, not copied, and so is its .fai when it is newer than the FASTA; the
        # link is relative for a FASTA given by a relative path (a moved project keeps it)
        '(d=$(dirname {output.fasta}); link() {{ case "$1" in /*) realpath "$1";;'
        ' *) realpath -s --relative-to="$d" "$1";; esac; }};'
        " if gzip -t {input:q} 2>/dev/null; then gzip -dc {input:q} > {output.fasta}"
        " && samtools faidx {output.fasta};"
        ' else ln -sfn "$(link {input:q})" {output.fasta}'
        " && if [ -s {input:q}.fai ] && [ {input:q}.fai -nt {input:q} ];"
        ' then ln -sfn "$(link {input:q}.fai)" {output.fai};'
        " else samtools faidx {output.fasta}; fi; fi) 2> {log}"


rule index_reference_bwa:
    input:
        REF_FASTA,
    output:
        multiext(OWN_BWA_PREFIX, ".amb", ".ann", ".bwt", ".pac", ".sa"),
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
        gff3=get_gff3,
    output:
        TARGETS_BED,
    log:
        "logs/prepare_targets/targets.log",
    benchmark:
        "benchmarks/prepare_targets/targets.tsv"
    # quick table work: run on the submitting host, not as a cluster job
    localrule: True
    conda:
        "../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=grow_with_attempt(2000),
        runtime=30,
    script:
        # 4 columns, the name a gene (from the GFF3 where the BED's is none), sorted, merged
        "../scripts/prepare_targets.py"


rule build_gene_model:
    input:
        get_gtf,
    output:
        GENE_MODEL,
    log:
        "logs/build_gene_model/genes.log",
    benchmark:
        "benchmarks/build_gene_model/genes.tsv"
    conda:
        "../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=grow_with_attempt(4000),
        runtime=30,
    script:
        "../scripts/build_gene_model.py"
