"""The workflow as a user meets it on the command line: bad sheets stop it with a plain
message (no traceback) before any job, a valid project dry-runs, lint and format are clean."""

from setup_support import bad_input

from helpers import REPO, run_snakemake


def dry_run(project, *extra):
    return run_snakemake(
        "--configfile", str(project.root / "config.yaml"), "-n", *extra, cwd=project.root
    )


def test_valid_project_dry_runs_every_stage(project):
    result = dry_run(project)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-4000:]
    for rule in ("trim_reads", "align_reads", "mark_duplicates", "measure_coverage"):
        assert rule in out
    # three WES samples aligned; the RNA sample is trimmed but not aligned by bwa
    assert "results/align/P1/P1-T1.bam" in out and "results/align/P1/P1-R0.bam" not in out


@bad_input("parse-errors-stop-the-run")
def test_bad_sheet_stops_with_plain_message_before_any_job(project):
    project.edit("samples.tsv", "P1\tP1-T1\t", "P1\tP1 T1\t")
    (project.root / "reads" / "P1-N.R2.fastq.gz").unlink()
    config = str(project.root / "config.yaml")
    for mode in (["-n"], ["--cores", "1"]):  # a dry-run, then a real run
        result = run_snakemake("--configfile", config, *mode, cwd=project.root)
        assert result.returncode != 0
        err = result.stderr
        # the sheets' own problems first; the files are checked once the sheets parse
        assert "the sample sheets are invalid (1 problem(s)); nothing was run." in err
        assert "samples.tsv, line 4 (sample P1 T1), column 'sample_id'" in err
        assert "Traceback" not in err and 'File "' not in err
        assert not (project.root / "results").exists() and not (project.root / "logs").exists()


def test_a_cluster_job_does_not_check_again_what_the_main_process_checked(project):
    """Snakemake starts every cluster job as ``snakemake --target-jobs ... --mode remote``,
    which parses the workflow again from the same config and sheets: what only validation finds
    (a value the schema refuses, a misspelt key) stops the main process, and a job, reading
    files the main process checked, parses without looking for it again."""
    project.edit("samples.tsv", "\t0.6\n", "\t1.6\n")  # purity above the schema's maximum 1
    result = dry_run(project)
    assert result.returncode != 0
    assert "line 3 (sample P1-T0), column 'purity': 1.6 is out of range" in result.stderr
    text = (project.root / "config.yaml").read_text()
    project.write("config.yaml", text + "reads:\n  platfrom: ILLUMINA\n")
    job = ("--target-jobs", "trim_reads:patient=P1,sample=P1-N,unit=L1", "--mode", "remote")
    result = dry_run(project, *job, "--allowed-rules", "trim_reads")
    assert result.returncode == 0, result.stderr[-3000:]
    assert (
        "rule trim_reads:" in result.stdout
        and "wildcards: patient=P1, sample=P1-N" in result.stdout
    )


def test_missing_fastq_named_on_the_command_line(project):
    (project.root / "reads" / "P1-N.R2.fastq.gz").unlink()
    result = dry_run(project)
    assert result.returncode != 0
    assert "units.tsv, line 2 (sample P1-N), column 'fq2': file not found" in result.stderr
    assert "Traceback" not in result.stderr


def test_misspelt_drug_stops_the_run_with_the_closest_name(project):
    project.edit("treatments.tsv", "\tdrug A\t", "\tosimertinb\t")
    result = dry_run(project)
    assert result.returncode != 0
    assert "the sample sheets are invalid (1 problem(s)); nothing was run." in result.stderr
    assert "line 2, column 'drug': 'osimertinb' is not a drug of" in result.stderr
    assert "did you mean 'osimertinib'" in result.stderr and "Traceback" not in result.stderr


def test_own_columns_are_named_once_and_the_run_goes_on(project):
    text = (project.root / "units.tsv").read_text().splitlines()
    rows = [f"{line}\t{cell}" for line, cell in zip(text, ["flowcell", "H1", "H1", "H2", ""])]
    project.write("units.tsv", "\n".join(rows) + "\n")
    result = dry_run(project)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stderr.count("your own column(s) flowcell kept as written") == 1


def test_sheets_with_dates_dry_run(project):
    for sheet, old, new in (
        ("samples.tsv", "\t0\t", "\t2024-01-11\t"),
        ("samples.tsv", "\t100\t", "\t2024-04-20\t"),
        ("treatments.tsv", "\t10\t90\t", "\t2024-01-21\t2024-04-10\t"),
        ("treatments.tsv", "\t110\t", "\t2024-04-30\t"),
    ):
        project.edit(sheet, old, new)
    result = dry_run(project)
    assert result.returncode == 0, result.stderr[-3000:]


def test_config_typo_is_named_with_the_closest_key(project):
    text = (project.root / "config.yaml").read_text()
    project.write("config.yaml", text + "reads:\n  platfrom: ILLUMINA\n")
    result = dry_run(project)
    assert result.returncode != 0
    assert (
        f"{project.root}/config.yaml, key 'reads': unknown key 'platfrom'; did you mean "
        "'platform'?" in result.stderr
    )
    assert "Traceback" not in result.stderr


@bad_input("fastq-truncated-large")
def test_large_truncated_gzip_stops_its_unit_job_with_the_file_named(project):
    """FASTQs over the parse-time limit (16 MiB) are read in full by check_read_pairs."""
    import gzip
    import os
    import random

    from resistance_timeline.setup import input_files

    rng = random.Random(1)
    path = project.root / "reads" / "P1-T0.R1.fastq.gz"
    with gzip.open(path, "wb", compresslevel=1) as handle:
        while handle.fileobj.tell() < input_files.FULL_GZIP_CHECK_BYTES + 2**20:
            block = []
            for i in range(2000):
                seq = "".join(rng.choices("ACGT", k=100))
                qual = "".join(rng.choices("#+5?FI", k=100))
                block.append(f"@r{i}\n{seq}\n+\n{qual}\n")
            handle.write("".join(block).encode())
    size = os.path.getsize(path)
    with open(path, "r+b") as handle:
        handle.truncate(size - 5000)
    result = run_snakemake(
        "--configfile",
        str(project.root / "config.yaml"),
        "--cores",
        "1",
        "--retries",
        "0",
        "results/qc/fastp/P1/P1-T0.L1.fastp.json",
        cwd=project.root,
    )
    assert result.returncode != 0
    log = (project.root / "logs/check_read_pairs/P1/P1-T0.L1.log").read_text()
    assert log.startswith(
        f"ERROR: unit L1 of sample P1-T0: {path} is not a valid gzip file (truncated or corrupt"
    )
    assert not (project.root / "results/qc/fastp/P1/P1-T0.L1.fastp.json").exists()


def test_demo_dry_run_lists_every_stage_offline(demo_cohort):
    result = run_snakemake("-n", "--forceall")
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout + result.stderr
    stages = """trim_reads align_reads mark_duplicates measure_coverage call_candidates
        normalize_candidates genotype_timepoints annotate_variants tabulate_variants
        check_sample_identity build_star_index align_rna build_count_matrix call_fusions
        measure_kinase_imbalance track_fusions gather_kinase_imbalance prepare_cnv_bins
        measure_bin_coverage build_matched_cnv_reference call_copy_ratios plot_copy_ratios
        call_gene_copy_number plot_gene_copy_number test_expression plot_expression"""
    for rule in stages.split():
        assert f"rule {rule}:" in out, rule
    assert "results/variants/IMT01.variants.tsv" in out


def test_cnv_reference_pooled_when_asked(demo_cohort, tmp_path):
    config = tmp_path / "pooled.yaml"
    demo = (REPO / "config" / "config.yaml").read_text()
    config.write_text(demo.replace("  reference: matched ", "  reference: pooled  "))
    result = run_snakemake("-n", "--forceall", "--configfile", str(config))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "rule build_pooled_cnv_reference:" in result.stdout
    assert "rule build_matched_cnv_reference:" not in result.stdout


def test_prebuilt_cnv_reference_is_used_as_given_and_checked(demo_cohort, tmp_path):
    """A lab's panel-of-normals .cnn: no reference job is planned, every copy-ratio job reads
    it; one with other contig names stops the run before any job."""
    targets = REPO / "resources" / "demo" / "cohort" / "reference" / "targets.bed"
    header = "chromosome\tstart\tend\tgene\tlog2\tdepth\n"
    bins = [line.split("\t")[:3] for line in targets.read_text().splitlines() if line.strip()]
    pon = tmp_path / "pon.cnn"
    pon.write_text(header + "".join(f"{c}\t{s}\t{e}\tT\t0\t1\n" for c, s, e in bins))
    config = tmp_path / "pon.yaml"
    demo = (REPO / "config" / "config.yaml").read_text()
    config.write_text(demo.replace("  reference: matched ", f"  reference: {pon} "))
    result = run_snakemake("-n", "--forceall", "--configfile", str(config))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "_cnv_reference:" not in result.stdout  # no build job of any kind
    assert f"{pon}" in result.stdout and "rule call_copy_ratios:" in result.stdout
    pon.write_text(header + "".join(f"{c[3:]}\t{s}\t{e}\tT\t0\t1\n" for c, s, e in bins))
    result = run_snakemake("-n", "--forceall", "--configfile", str(config))
    assert result.returncode == 1 and "nothing was run" in result.stderr
    assert f"{pon}: contigs not in the reference FASTA" in result.stderr
    assert "differ by a 'chr' prefix" in result.stderr


def test_prebuilt_panel_of_normals_is_used_as_given_and_checked(demo_cohort, tmp_path):
    """A lab's panel of normals: no panel job is planned, every genotyping job reads it; one
    with other contig names stops the run before any job."""
    import pysam

    from resistance_timeline.dna.panel_of_normals import MAGIC

    def write(contig):
        pon = tmp_path / "lab.panel_of_normals.tsv.gz"
        row = f"{contig}\t3116\tG\tC\t80\t2\t1\t1\t0:2:40\n"
        text = f"{MAGIC}\n##normals=PON-1,PON-2\n#contig\tpos\n{row}"
        with pysam.BGZFile(str(pon), "wb") as out:
            out.write(text.encode())
        pysam.tabix_index(str(pon), seq_col=0, start_col=1, end_col=1, meta_char="#", force=True)
        return pon

    pon = write("chr1")
    config = tmp_path / "pon.yaml"
    demo = (REPO / "config" / "config.yaml").read_text()
    config.write_text(demo + f"\npanel_of_normals:\n  source: {pon}\n")
    result = run_snakemake("-n", "--forceall", "-p", "--configfile", str(config))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "rule pileup_panel_of_normals:" not in result.stdout
    assert "rule build_panel_of_normals:" not in result.stdout
    assert result.stdout.count(f"{pon}.tbi") == 3  # the three patients' genotyping jobs
    write("1")
    result = run_snakemake("-n", "--forceall", "--configfile", str(config))
    assert result.returncode == 1 and "nothing was run" in result.stderr
    assert f"{pon}: contigs not in the reference FASTA: 1" in result.stderr
    assert "differ by a 'chr' prefix" in result.stderr


def test_demo_dry_run_builds_the_panel_from_the_cohorts_normals(demo_cohort):
    result = run_snakemake("-n", "--forceall", "-p")
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.count("rule pileup_panel_of_normals:") == 2  # calling: scatter 2
    normals = ("IMT01-N", "IMT02-N", "NB01-N")
    bams = " ".join(f"results/align/{n.split('-')[0]}/{n}.bam" for n in normals)
    assert f"printf '* %s\\n' {bams}" in result.stdout
    assert "printf '%s\\n' IMT01-N IMT02-N NB01-N" in result.stdout


def test_cnv_reference_flat_without_any_normal(project):
    """A tumour-only cohort has no normal to pool: the flat reference, and its warning."""
    project.edit("samples.tsv", "P1\tP1-N\twes\tnormal\t0\tblood\t\n", "")
    project.edit(
        "units.tsv",
        next(
            line
            for line in (project.root / "units.tsv").read_text().splitlines(True)
            if line.startswith("P1-N\t")
        ),
        "",
    )
    project.write("config.yaml", (project.root / "config.yaml").read_text() + "tumor_only: [P1]\n")
    result = dry_run(project)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "rule build_flat_cnv_reference:" in result.stdout
    assert "no WES normal in the cohort" in result.stdout


def test_slurm_profile_settings_reach_every_job(project):
    """The workflow profile sets no default-resources, so a --profile's site settings are not
    silently dropped (Snakemake ignores a --profile's default-resources when the workflow
    profile sets its own)."""
    result = dry_run(project, "--profile", str(REPO / "profiles" / "slurm"), "--forceall")
    assert result.returncode == 0, result.stderr[-3000:]
    jobs = [line for line in result.stdout.splitlines() if line.strip().startswith("resources:")]
    assert len(jobs) >= 5
    for line in jobs:
        assert "slurm_partition=CHANGE_ME" in line and "slurm_account=CHANGE_ME" in line, line
