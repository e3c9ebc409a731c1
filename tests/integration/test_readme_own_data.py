"""README.md's "Your own data" as a newcomer follows it: a project folder of its own, its
config with paths relative to that folder, and the README's own commands (the dry-runs run as
written, with the two placeholder folders filled in); what a refused run leaves behind."""

import re
import shlex
import subprocess
import sys

from helpers import REPO

PLACEHOLDERS = ("/path/to/resistance-timeline", "/data/my-project")


def own_data_commands():
    """The snakemake lines of the bash block of README.md's "Your own data" section."""
    text = (REPO / "README.md").read_text()
    section = text[text.index("## Your own data") : text.index("### Your own aligner indexes")]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    return [
        line.split("#")[0].strip() for line in block.splitlines() if line.startswith("snakemake")
    ]


def test_readme_dry_run_works_in_a_project_folder_of_its_own(project):
    relative = (project.root / "config.yaml").read_text().replace(f"{project.root}/", "")
    project.write("config.yaml", relative)
    assert "ref/genome.fa" in relative and str(project.root) not in relative
    dry_runs = [c for c in own_data_commands() if c.endswith(" -n")]
    assert dry_runs, own_data_commands()
    for command in dry_runs:
        for placeholder, real in zip(PLACEHOLDERS, (str(REPO), str(project.root))):
            command = command.replace(placeholder, real)
        args = shlex.split(command)[1:]
        result = subprocess.run(
            [sys.executable, "-m", "snakemake", *args],
            cwd=project.root,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        assert "results/align/P1/P1-T1.bam" in result.stdout
    assert not (REPO / "samples.tsv").exists()  # nothing lands in the clone


def test_a_refused_real_run_leaves_only_snakemakes_log(project):
    project.edit("samples.tsv", "P1\tP1-T1\t", "P1\tP1 T1\t")
    before = {p.name for p in project.root.iterdir()}
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile")]
        + ["--configfile", "config.yaml", "--cores", "1"],
        cwd=project.root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0 and "nothing was run" in result.stderr
    assert {p.name for p in project.root.iterdir()} - before == {".snakemake"}
    left = [p for p in (project.root / ".snakemake").rglob("*") if p.is_file()]
    assert [str(p.parent.relative_to(project.root)) for p in left] == [".snakemake/log"], left
