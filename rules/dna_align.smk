# DNA alignment: bwa mem per unit, lanes merged per sample, duplicates marked, coverage.


rule align_reads:
    input:
        r1=rules.trim_reads.output.r1,
        r2=rules.trim_reads.output.r2,
        index=BWA_INDEX,
    output:
        temp("results/align/{patient}/{sample}.{unit}.aligned.bam"),
    log:
        "logs/align_reads/{patient}/{sample}.{unit}.log",
    benchmark:
        "benchmarks/align_reads/{patient}/{sample}.{unit}.tsv"
    conda:
        "../envs/bwa.yaml"
    threads: threads_from_input("align_reads", "r1", "r2")
    resources:
        mem_mb=align_memory_mb,
        runtime=runtime_from_input("align_reads", "r1", "r2"),
    params:
        read_group=get_read_group,
        index=get_bwa_prefix,
        extra=config["alignment"]["bwa_extra"],
    shell:
        # fixmate -m adds the mate tags markdup needs (bwa output is name-grouped already).
        # An index with a .alt file beside it (GRCh38 with alt contigs) maps alt-aware, as
        # bwa mem does by itself.
        "(bwa mem -t {threads} -R '{params.read_group}' {params.extra} {params.index:q}"
        " {input.r1} {input.r2}"
        " | samtools fixmate -m - -"
        " | samtools sort -@ {threads} -m 512M -T {output}.tmp -o {output} -) 2> {log}"


rule import_dna_bam:
    input:
        bam=get_bam_unit,
        fasta=REF_FASTA,
    output:
        temp("results/align/{patient}/{sample}.{unit}.imported.bam"),
    log:
        "logs/import_dna_bam/{patient}/{sample}.{unit}.log",
    benchmark:
        "benchmarks/import_dna_bam/{patient}/{sample}.{unit}.tsv"
    conda:
        "../envs/samtools.yaml"
    threads: threads_from_input("import_dna_bam", "bam")
    resources:
        mem_mb=grow_with_attempt(4000),
        runtime=runtime_from_input("import_dna_bam", "bam"),
    params:
        read_group=get_read_group,
    shell:
        # no realignment: mates are regrouped to add markdup's mate tags, and every read
        # gets this unit's read group so the sample name is the sheet's
        "(samtools collate -O -u --reference {input.fasta} {input.bam:q}"
        " | samtools fixmate -m -u - -"
        " | samtools addreplacerg -m overwrite_all -r '{params.read_group}' -u -o - -"
        " | samtools sort -@ {threads} -m 512M -T {output}.tmp -o {output} -) 2> {log}"


rule mark_duplicates:
    input:
        get_unit_bams,
    output:
        bam="results/align/{patient}/{sample}.bam",
        bai="results/align/{patient}/{sample}.bam.bai",
        stats="results/qc/markdup/{patient}/{sample}.markdup.txt",
    log:
        "logs/mark_duplicates/{patient}/{sample}.log",
    benchmark:
        "benchmarks/mark_duplicates/{patient}/{sample}.tsv"
    conda:
        "../envs/samtools.yaml"
    threads: threads_from_input("mark_duplicates")
    resources:
        mem_mb=grow_with_attempt(2000),
        runtime=runtime_from_input("mark_duplicates"),
    params:
        barcode=get_markdup_barcode,
    shell:
        # a UMI library's pairs are duplicates only with the same position and UMI
        "(samtools merge -u -o - {input}"
        " | samtools markdup -c {params.barcode} -@ {threads} -T {output.bam}.tmp"
        " -f {output.stats} - {output.bam}"
        " && samtools index {output.bam}) 2> {log}"


rule measure_coverage:
    input:
        bam=rules.mark_duplicates.output.bam,
        bai=rules.mark_duplicates.output.bai,
        targets=TARGETS_BED,
    output:
        summary="results/qc/coverage/{patient}/{sample}.mosdepth.summary.txt",
        distribution="results/qc/coverage/{patient}/{sample}.mosdepth.global.dist.txt",
        regions="results/qc/coverage/{patient}/{sample}.regions.bed.gz",
        thresholds="results/qc/coverage/{patient}/{sample}.thresholds.bed.gz",
    log:
        "logs/measure_coverage/{patient}/{sample}.log",
    benchmark:
        "benchmarks/measure_coverage/{patient}/{sample}.tsv"
    conda:
        "../envs/mosdepth.yaml"
    threads: threads_from_input("measure_coverage", "bam")
    resources:
        mem_mb=coverage_memory_mb,
        runtime=runtime_from_input("measure_coverage", "bam"),
    params:
        prefix=get_mosdepth_prefix,
        thresholds=config["alignment"]["coverage_thresholds"],
    shell:
        "mosdepth --threads {threads} --no-per-base --by {input.targets}"
        " --thresholds {params.thresholds} {params.prefix} {input.bam} 2> {log}"


rule measure_fragments:
    input:
        bam=rules.mark_duplicates.output.bam,
        bai=rules.mark_duplicates.output.bai,
    output:
        "results/qc/fragments/{patient}/{sample}.samtools_stats.txt",
    log:
        "logs/measure_fragments/{patient}/{sample}.log",
    benchmark:
        "benchmarks/measure_fragments/{patient}/{sample}.tsv"
    conda:
        "../envs/samtools.yaml"
    threads: threads_from_input("measure_coverage", "bam")
    resources:
        mem_mb=grow_with_attempt(1000),
        runtime=runtime_from_input("measure_coverage", "bam"),
    params:
        min_mapq=config["fragments"]["min_mapq"],
    shell:
        # pairs of primary, mapped, non-duplicate, QC-passed reads (-F 0xF0C)
        "samtools stats -@ {threads} -F 0xF0C -q {params.min_mapq} {input.bam}"
        " > {output} 2> {log}"


rule summarize_fragments:
    input:
        stats=get_patient_fragment_stats,
    output:
        table="results/qc/fragments/{patient}.fragments.tsv",
        lengths="results/qc/fragments/{patient}.fragment_lengths.tsv",
        png=report(
            "results/qc/fragments/{patient}.fragment_lengths.png",
            caption="../resources/report/fragment_lengths.rst",
            category="{patient}",
            subcategory="Quality control",
            labels={"figure": "fragment lengths", "sample": "all"},
        ),
        svg="results/qc/fragments/{patient}.fragment_lengths.svg",
    log:
        "logs/summarize_fragments/{patient}.log",
    benchmark:
        "benchmarks/summarize_fragments/{patient}.tsv"
    conda:
        "../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        patient="{patient}",
        samples=get_patient_wes_samples,
        settings=config["fragments"],
    script:
        "../scripts/summarize_fragments.py"


rule measure_duplicates_by_position:
    input:
        bam=rules.mark_duplicates.output.bam,
    output:
        "results/qc/markdup/{patient}/{sample}.by_position.txt",
    log:
        "logs/measure_duplicates_by_position/{patient}/{sample}.log",
    benchmark:
        "benchmarks/measure_duplicates_by_position/{patient}/{sample}.tsv"
    conda:
        "../envs/samtools.yaml"
    threads: 1
    resources:
        mem_mb=grow_with_attempt(2000),
        runtime=runtime_from_input("mark_duplicates", "bam"),
    shell:
        # a UMI sample's duplicates as if it had no UMIs: marks cleared and set again by
        # position alone, statistics kept, reads discarded
        "samtools markdup -c -T {output}.tmp -f {output} {input.bam} /dev/null 2> {log}"


rule tabulate_duplicates:
    input:
        unpack(get_duplicate_stats),
    output:
        "results/qc/duplicates.tsv",
    log:
        "logs/tabulate_duplicates/cohort.log",
    benchmark:
        "benchmarks/tabulate_duplicates/cohort.tsv"
    # quick table work: run on the submitting host, not as a cluster job
    localrule: True
    conda:
        "../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        samples=get_duplicate_samples,
    script:
        "../scripts/tabulate_duplicates.py"
