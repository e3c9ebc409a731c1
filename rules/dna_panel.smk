# The panel of normals: per target chunk, the pileup of every panel normal (the cohort's WES
# normals and panel_of_normals: extra_normals), merged into one per-site table of their alt
# reads, results/reference/panel_of_normals.tsv.gz. The genotyper tests every candidate
# against it (genotyping: background, panel_artefact). A prebuilt panel
# (panel_of_normals: source: <file>.tsv.gz) is used as given: these rules are then not planned.


rule pileup_panel_of_normals:
    input:
        bams=get_panel_bams,
        bais=get_panel_bais,
        fasta=REF_FASTA,
        fai=REF_FAI,
        targets=TARGET_CHUNK,
    output:
        temp("results/reference/panel_of_normals/chunk_{chunk}.bcf"),
    log:
        "logs/pileup_panel_of_normals/chunk_{chunk}.log",
    benchmark:
        "benchmarks/pileup_panel_of_normals/chunk_{chunk}.tsv"
    wildcard_constraints:
        chunk=r"\d+",
    conda:
        "../envs/bcftools.yaml"
    threads: 1
    resources:
        mem_mb=grow_with_attempt(2000),
        runtime=runtime_from_input(
            "pileup_panel_of_normals", "bams", share=1 / config["calling"]["scatter"]
        ),
    params:
        # each BAM one sample, named as in the panel's ##normals line (same order as bams)
        names=get_panel_normal_names,
        min_mapq=config["genotyping"]["min_mapq"],
        min_baseq=config["genotyping"]["min_baseq"],
        extra=config["panel_of_normals"]["mpileup_extra"],
        min_alt_reads=config["panel_of_normals"]["min_alt_reads"],
    shell:
        # -B: no BAQ (raw base qualities, as the genotyper counts); -A: orphan reads too.
        # Records with an alt allele (3+ alleles beside <*>) are split one per allele and
        # normalized as the candidates are; an allele with fewer pooled alt reads than the
        # table keeps is dropped here already (7x less temporary BCF in bench/). A chunk
        # without targets gives an empty BCF.
        "(if [ -s {input.targets} ]; then"
        " rg=$(mktemp) && trap 'rm -f $rg' EXIT"
        " && paste -d ' ' <(printf '* %s\\n' {input.bams:q}) <(printf '%s\\n' {params.names:q})"
        " > $rg"
        " && bcftools mpileup --no-version -f {input.fasta} -R {input.targets} -B -A"
        " -q {params.min_mapq} -Q {params.min_baseq} -d 100000 -G $rg {params.extra}"
        " -a FORMAT/AD,FORMAT/ADF,FORMAT/ADR -Ou {input.bams}"
        " | bcftools view --no-version -m3 -Ou"
        " | bcftools norm --no-version -f {input.fasta} -m- -Ou"
        " | bcftools view --no-version -i 'ALT!=\"<*>\" && SUM(FMT/AD[*:1])>={params.min_alt_reads}'"
        " -Ob -o {output};"
        " else : > {output}; echo 'no targets in this chunk'; fi) 2> {log}"


rule build_panel_of_normals:
    input:
        pileups=expand(
            rules.pileup_panel_of_normals.output[0],
            chunk=range(config["calling"]["scatter"]),
        ),
        targets=TARGETS_BED,
    output:
        table=PANEL_OF_NORMALS,
        tbi=f"{PANEL_OF_NORMALS}.tbi",
    log:
        "logs/build_panel_of_normals/panel.log",
    benchmark:
        "benchmarks/build_panel_of_normals/panel.tsv"
    conda:
        "../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=runtime_from_input("build_panel_of_normals", "pileups"),
    params:
        normals=get_panel_normal_names,
        min_alt_reads=config["panel_of_normals"]["min_alt_reads"],
        min_mapq=config["genotyping"]["min_mapq"],
        min_baseq=config["genotyping"]["min_baseq"],
    script:
        "../scripts/build_panel_of_normals.py"
