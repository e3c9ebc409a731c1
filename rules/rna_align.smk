# RNA alignment with STAR (chimeric detection on, gene counts), or an aligned RNA BAM taken
# as given and counted the way STAR counts.


rule build_star_index:
    input:
        fasta=REF_FASTA,
        gtf=get_gtf,
    output:
        directory(STAR_INDEX),
    log:
        "logs/build_star_index/genome.log",
    benchmark:
        "benchmarks/build_star_index/genome.tsv"
    conda:
        "../envs/star.yaml"
    threads: 8
    resources:
        mem_mb=star_mem_mb,
        runtime=240,
    params:
        overhang=star_sjdb_overhang,
        sa_bases=star_sa_index_bases,
    shell:
        "(mkdir -p {output}"
        " && STAR --runMode genomeGenerate --runThreadN {threads} --genomeDir {output}"
        " --genomeFastaFiles {input.fasta} --sjdbGTFfile {input.gtf}"
        " --sjdbOverhang {params.overhang} --genomeSAindexNbases {params.sa_bases}"
        " --outFileNamePrefix {output}/ --outTmpDir {resources.tmpdir}/star_index_$$"
        ") > {log} 2>&1"


rule align_rna:
    input:
        unpack(get_rna_fastqs),
        index=STAR_INDEX,
    output:
        bam="results/rna/{patient}/{sample}.bam",
        bai="results/rna/{patient}/{sample}.bam.bai",
        counts="results/rna/{patient}/{sample}.ReadsPerGene.out.tab",
        junctions="results/rna/{patient}/{sample}.Chimeric.out.junction",
        final_log="results/qc/star/{patient}/{sample}.Log.final.out",
    log:
        "logs/align_rna/{patient}/{sample}.log",
    benchmark:
        "benchmarks/align_rna/{patient}/{sample}.tsv"
    conda:
        "../envs/star.yaml"
    threads: 8
    resources:
        mem_mb=star_mem_mb,
        runtime=240,
    params:
        prefix=get_star_prefix,
        read_groups=get_rna_read_groups,
        reads=get_star_read_files,
        extra=config["rna"]["star_extra"],
    shell:
        # chimeric alignments go into the BAM (WithinBAM) and the junction table, so fusions
        # can be called from either; SortedByCoordinate BAM for coverage and counting
        "(STAR --runThreadN {threads} --genomeDir {input.index}"
        " --readFilesIn {params.reads} --readFilesCommand gzip -dc"
        " --outFileNamePrefix {params.prefix} --outTmpDir {resources.tmpdir}/star_$$"
        " --outSAMtype BAM SortedByCoordinate --outSAMattrRGline {params.read_groups}"
        " --outSAMattributes NH HI AS nM NM ch --outSAMstrandField intronMotif"
        " --quantMode GeneCounts"
        " --chimSegmentMin 12 --chimJunctionOverhangMin 8 --chimMultimapNmax 0"
        " --chimOutType Junctions WithinBAM SoftClip"
        " --alignSJstitchMismatchNmax 5 -1 5 5 {params.extra}"
        " && mv {params.prefix}Aligned.sortedByCoord.out.bam {output.bam}"
        " && mv {params.prefix}Log.final.out {output.final_log}"
        " && samtools index {output.bam}"
        ") > {log} 2>&1"


rule import_rna_bam:
    input:
        get_bam_unit,
    output:
        bam="results/rna/{patient}/{sample}.imported.bam",
        bai="results/rna/{patient}/{sample}.imported.bam.bai",
    log:
        "logs/import_rna_bam/{patient}/{sample}.log",
    benchmark:
        "benchmarks/import_rna_bam/{patient}/{sample}.tsv"
    conda:
        "../envs/samtools.yaml"
    threads: 4
    resources:
        mem_mb=4000,
        runtime=120,
    shell:
        # sorted and indexed here whatever order it came in; alignments are not changed
        "(samtools sort -@ {threads} -m 1G -T {output.bam}.tmp -o {output.bam} {input}"
        " && samtools index {output.bam}) 2> {log}"


rule count_rna_bam:
    input:
        bam=rules.import_rna_bam.output.bam,
        bai=rules.import_rna_bam.output.bai,
        gtf=get_gtf,
    output:
        "results/rna/{patient}/{sample}.imported.ReadsPerGene.out.tab",
    log:
        "logs/count_rna_bam/{patient}/{sample}.log",
    benchmark:
        "benchmarks/count_rna_bam/{patient}/{sample}.tsv"
    conda:
        "../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=120,
    script:
        "../scripts/count_rna_bam.py"
