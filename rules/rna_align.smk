# RNA alignment with STAR (chimeric detection on, gene counts), or an aligned RNA BAM taken
# as given and counted the way STAR counts; the library's strandedness inferred per sample.


rule build_star_index:
    input:
        fasta=REF_FASTA,
        gtf=get_gtf,
    output:
        directory(OWN_STAR_INDEX),
    log:
        "logs/build_star_index/genome.log",
    benchmark:
        "benchmarks/build_star_index/genome.tsv"
    conda:
        "../envs/star.yaml"
    threads: 8
    resources:
        mem_mb=star_index_mem_mb,
        runtime=240,
    params:
        overhang=star_sjdb_overhang,
        sa_bases=STAR_PLAN.sa_index_bases,
        sparsity=STAR_PLAN.sparsity,
        bin_bits=STAR_PLAN.chr_bin_bits,
        limit=star_index_limit,
    shell:
        # a sparse suffix array (every D-th suffix) so the build and the alignments fit the
        # memory of rna.star_index_mem_mb (setup/star_index.py)
        "(mkdir -p {output}"
        " && STAR --runMode genomeGenerate --runThreadN {threads} --genomeDir {output}"
        " --genomeFastaFiles {input.fasta} --sjdbGTFfile {input.gtf:q}"
        " --sjdbOverhang {params.overhang} --genomeSAindexNbases {params.sa_bases}"
        " --genomeSAsparseD {params.sparsity} --genomeChrBinNbits {params.bin_bits}"
        " --limitGenomeGenerateRAM {params.limit}"
        " --outFileNamePrefix {output}/ --outTmpDir {resources.tmpdir}/star_index_$$"
        ") > {log} 2>&1"


rule align_rna:
    input:
        unpack(get_rna_fastqs),
        index=get_star_index,
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
    threads: threads_from_input("align_rna", "r1", "r2")
    resources:
        mem_mb=star_align_mem_mb,
        runtime=runtime_from_input("align_rna", "r1", "r2"),
    params:
        prefix=get_star_prefix,
        read_groups=get_rna_read_groups,
        reads=get_star_read_files,
        sort_ram=config["rna"]["star_sort_mem_mb"] * 1_000_000,
        extra=config["rna"]["star_extra"],
    shell:
        # chimeric alignments go into the BAM (WithinBAM) and the junction table, so fusions
        # can be called from either; multi-mapping reads, chimeric ones included, are kept
        # (up to 50 places, as Arriba recommends) for partners with pseudogene copies
        # (rna/fusion_multimappers.py); SortedByCoordinate BAM for coverage and counting
        "(STAR --runThreadN {threads} --genomeDir {input.index}"
        " --readFilesIn {params.reads} --readFilesCommand gzip -dc"
        " --outFileNamePrefix {params.prefix} --outTmpDir {resources.tmpdir}/star_$$"
        " --outSAMtype BAM SortedByCoordinate --limitBAMsortRAM {params.sort_ram}"
        " --outSAMattrRGline {params.read_groups}"
        " --outSAMattributes NH HI AS nM NM ch --outSAMstrandField intronMotif"
        " --quantMode GeneCounts"
        " --outFilterMultimapNmax 50"
        " --chimSegmentMin 12 --chimJunctionOverhangMin 8 --chimMultimapNmax 50"
        " --chimOutType Junctions WithinBAM SoftClip"
        " --alignSJstitchMismatchNmax 5 -1 5 5 {params.extra}"
        " && mv {params.prefix}Aligned.sortedByCoord.out.bam {output.bam}"
        " && mv {params.prefix}Log.final.out {output.final_log}"
        " && samtools index {output.bam}"
        ") > {log} 2>&1"


rule measure_rna_duplicates:
    input:
        bam=rules.align_rna.output.bam,
    output:
        "results/qc/markdup_star/{patient}/{sample}.markdup.txt",
    log:
        "logs/measure_rna_duplicates/{patient}/{sample}.log",
    benchmark:
        "benchmarks/measure_rna_duplicates/{patient}/{sample}.tsv"
    conda:
        "../envs/samtools.yaml"
    threads: threads_from_input("measure_rna_duplicates")
    resources:
        mem_mb=grow_with_attempt(4000),
        runtime=runtime_from_input("measure_rna_duplicates"),
    shell:
        # the duplicate rate of a STAR-aligned sample, for the QC report (as import_rna_bam
        # measures an imported one); STAR's BAM is left unmarked, its gene counts keep
        # duplicates as STAR's own do
        "("
        + markdup_pipe("{input.bam:q}", "{output}", "{output}")
        + " /dev/null) 2> {log}"


rule import_rna_bam:
    input:
        get_bam_unit,
    output:
        bam="results/rna/{patient}/{sample}.imported.bam",
        bai="results/rna/{patient}/{sample}.imported.bam.bai",
        stats="results/qc/markdup_rna/{patient}/{sample}.markdup.txt",
    log:
        "logs/import_rna_bam/{patient}/{sample}.log",
    benchmark:
        "benchmarks/import_rna_bam/{patient}/{sample}.tsv"
    conda:
        "../envs/samtools.yaml"
    threads: threads_from_input("import_rna_bam")
    resources:
        mem_mb=grow_with_attempt(4000),
        runtime=runtime_from_input("import_rna_bam"),
    shell:
        # sorted and indexed here whatever order it came in, PCR duplicates marked (flag 1024;
        # fusion support skips them, gene counts keep them as STAR does); alignments unchanged
        "("
        + markdup_pipe("{input:q}", "{output.bam}", "{output.stats}")
        + " {output.bam} && samtools index {output.bam}) 2> {log}"


rule count_rna_bam:
    input:
        bam=rules.import_rna_bam.output.bam,
        bai=rules.import_rna_bam.output.bai,
        genes=GENE_MODEL,
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
        runtime=runtime_from_input("count_rna_bam", "bam"),
    script:
        "../scripts/count_rna_bam.py"


rule infer_strandedness:
    input:
        get_sample_gene_counts,
    output:
        "results/qc/star/{patient}/{sample}.strandedness.tsv",
    log:
        "logs/infer_strandedness/{patient}/{sample}.log",
    benchmark:
        "benchmarks/infer_strandedness/{patient}/{sample}.tsv"
    conda:
        "../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=500,
        runtime=10,
    params:
        sample_id="{sample}",
        configured=config["rna"]["strandedness"],
    script:
        "../scripts/infer_strandedness.py"
