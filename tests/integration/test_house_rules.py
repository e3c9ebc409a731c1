"""The house rules a review would check, checked on every run: formatting and lint (ruff,
snakefmt, snakemake --lint), small files, thin rule entries over the package, one place that
sets the import path, no setting defaults outside the config schema."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import REPO, run_snakemake

BIN = Path(sys.executable).parent  # the tools installed beside this Python
SOURCES = ["Snakefile", "workflow", "rules", "scripts", "tests", "resources/demo", "bench"]
MAX_LINES = 400
FMT_SKIP, FMT_OFF, SYS_PATH = "# fmt" + ": skip", "# fmt" + ": off", "sys" + ".path."


def source_files(*suffixes):
    for top in SOURCES:
        path = REPO / top
        files = [path] if path.is_file() else sorted(path.rglob("*"))
        for file in files:
            if "cohort" in file.relative_to(REPO).parts[2:3]:
                continue  # the generated demo cohort
            if file.is_file() and (file.suffix in suffixes or file.name in suffixes):
                yield file


def test_ruff_format_and_lint_are_clean():
    fmt = subprocess.run([BIN / "ruff", "format", "--check", REPO], capture_output=True, text=True)
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr
    lint = subprocess.run([BIN / "ruff", "check", REPO], capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_snakefmt_is_clean():
    result = subprocess.run([BIN / "snakefmt", "--check", REPO], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_snakemake_lint_is_clean(project):
    result = run_snakemake(
        "--configfile", str(project.root / "config.yaml"), "--lint", cwd=project.root
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Lints for" not in result.stdout + result.stderr


def test_snakemake_lint_is_clean_on_a_fresh_clone(tmp_path):
    """As the workflow catalog lints a fresh clone: the shipped configuration, the demo
    cohort not generated (its files are not checked when linting)."""
    shutil.copytree(REPO / "config", tmp_path / "config")
    result = run_snakemake("--lint", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Lints for" not in result.stdout + result.stderr


def test_no_file_over_the_size_limit_and_no_format_escapes():
    for file in source_files(".py", ".smk", "Snakefile"):
        text = file.read_text()
        assert text.count("\n") <= MAX_LINES, f"{file} has {text.count(chr(10))} lines"
        assert FMT_SKIP not in text and FMT_OFF not in text, file


ENTRIES = sorted((REPO / "scripts").glob("*.py"))


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda p: p.name)
def test_rule_entries_are_thin_and_import_only_the_package(entry):
    text = entry.read_text()
    rules = "".join(p.read_text() for p in (REPO / "rules").glob("*.smk"))
    assert f'"../scripts/{entry.name}"' in rules, f"{entry.name} is no rule's script"
    assert text.count("\n") <= 80, f"{entry.name} is not a thin entry"
    entry_names = {p.stem for p in ENTRIES}
    for module in re.findall(r"^\s*(?:from|import) ([\w.]+)", text, re.M):
        assert module.split(".")[0] not in entry_names, f"{entry.name} imports {module}"
    assert "def main(snakemake)" in text


def test_import_path_is_set_in_one_place():
    setters = [f for f in source_files(".py", ".smk", "Snakefile") if SYS_PATH in f.read_text()]
    assert setters == [REPO / "rules" / "common.smk"], setters


def test_scripts_read_settings_only_from_params():
    for file in (REPO / "scripts").rglob("*.py"):
        text = file.read_text()
        assert "snakemake.config" not in text, file
        assert "getattr(snakemake.params" not in text, file
        assert not re.search(r"DEFAULTS?\w* = ", text), f"{file} holds setting defaults"


def test_function_files_hold_no_rules():
    for smk in sorted((REPO / "rules").glob("common*.smk")):
        text = smk.read_text()
        assert not re.search(r"^(rule|checkpoint) \w+:", text, re.M), smk


def test_every_rule_declares_its_resources():
    """Memory and runtime come from each rule (no workflow-wide default-resources)."""
    for smk in sorted((REPO / "rules").glob("*.smk")):
        blocks = re.split(r"^rule ", smk.read_text(), flags=re.M)[1:]
        for block in blocks:
            name = block.split(":", 1)[0]
            for key in ("log:", "benchmark:", "threads:", "mem_mb=", "runtime="):
                assert key in block, f"rule {name} ({smk.name}) has no {key}"
