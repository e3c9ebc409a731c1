"""What made a run's results: ``results/versions.tsv`` (as nf-core pipelines write
``software_versions.yml``), one row per component.

- ``workflow``: the workflow's version as the run saw it (a tag, ``git describe`` of a clone,
  or a git source's ref and commit; rules/source.smk);
- ``tool``: each command-line tool the rules run, as the tool reports itself on the PATH of
  this job; a tool not on that PATH (``--sdm conda`` gives each rule an environment of its
  own) is given as pinned in its conda environment file, with the file named as the source;
- ``python``: the Python packages of the rule scripts, as installed where this job runs;
- ``knowledge``: each knowledge-base table's ``# version:`` line.

Columns: ``component, kind, version, source``.
"""

import hashlib
import importlib.metadata
import os
import re
import shutil
import subprocess

import yaml

from resistance_timeline.io.knowledge_format import comment_version
from resistance_timeline.io.tables import write_tsv

COLUMNS = ("component", "kind", "version", "source")
# tool -> (command that prints its version, conda environment file, package name there)
TOOLS = {
    "bwa": (["bwa"], "bwa.yaml", "bwa"),
    "samtools": (["samtools", "--version"], "samtools.yaml", "samtools"),
    "bcftools": (["bcftools", "--version"], "bcftools.yaml", "bcftools"),
    "freebayes": (["freebayes", "--version"], "freebayes.yaml", "freebayes"),
    "STAR": (["STAR", "--version"], "star.yaml", "star"),
    "fastp": (["fastp", "--version"], "fastp.yaml", "fastp"),
    "mosdepth": (["mosdepth", "--version"], "mosdepth.yaml", "mosdepth"),
    "cnvkit": (["cnvkit.py", "version"], "cnvkit.yaml", "cnvkit"),
    "multiqc": (["multiqc", "--version"], "multiqc.yaml", "multiqc"),
}
PYTHON_PACKAGES = (
    *("snakemake", "pysam", "pandas", "numpy", "scipy", "pydeseq2", "anndata"),
    *("formulaic", "matplotlib", "pyyaml"),
)
# the first dotted number of a tool's version text: 0.7.17-r1188, v1.3.6, 1.16.1, 2.7.10b
VERSION = re.compile(r"\bv?(\d+(?:\.\d+)+[0-9A-Za-z.+-]*)")
# a conda or pip pin: "bwa =0.7.17", "cnvkit==0.9.14"
PIN = re.compile(r"^\s*([A-Za-z0-9_.-]+)\s*==?\s*([^\s,;]+)")


def running_version():
    """The workflow's version this job runs under: provenance, not a setting, so it reaches
    jobs through their environment (rules/common.smk sets it in every process that parses the
    workflow) and a new version does not rerun what an older one made."""
    return os.environ.get("RESISTANCE_TIMELINE_VERSION", "unknown (run outside the workflow)")


def parse_version(text):
    """The version in a tool's own words (``bwa``'s usage, ``samtools --version``), or ''."""
    match = VERSION.search(text)
    return match.group(1) if match else ""


def tool_version(command):
    """(version, path) of a tool on the PATH; ('', '') when it is not there."""
    path = shutil.which(command[0])
    if path is None:
        return "", ""
    run = subprocess.run(command, capture_output=True, text=True, errors="replace", timeout=120)
    return parse_version(run.stdout + "\n" + run.stderr), path


def pinned_version(env_file, package):
    """A package's version as pinned in a conda environment file (``pkg =1.2`` or, in its
    pip section, ``pkg==1.2``); '' when the file does not pin it."""
    with open(env_file) as handle:
        dependencies = yaml.safe_load(handle).get("dependencies", [])
    for entry in dependencies:
        for spec in entry.get("pip", []) if isinstance(entry, dict) else [entry]:
            match = PIN.match(spec)
            if match and match.group(1).lower() == package:
                return match.group(2)
    return ""


def table_version(path):
    """The ``# version:`` line of a knowledge-base table's comment block (as the knowledge
    reader takes it: io.knowledge_format.comment_version), or ''; the rows are not read."""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip() and not line.startswith("#"):
                break  # the header: the comment block is over
            version = comment_version(line)
            if version:
                return version
    return ""


def version_rows(workflow_version, env_dir, knowledge_files):
    """Every row of versions.tsv, in the order of the module docstring."""
    rows = [dict(component="resistance-timeline", kind="workflow", version=workflow_version)]
    rows[0]["source"] = "git" if "not a git clone" not in workflow_version else "CITATION.cff"
    for tool, (command, env_file, package) in TOOLS.items():
        version, path = tool_version(command)
        if not path:
            env_path = os.path.join(env_dir, env_file)
            version, path = pinned_version(env_path, package), f"envs/{env_file} (pinned)"
        rows.append(dict(component=tool, kind="tool", version=version, source=path))
    for package in PYTHON_PACKAGES:
        try:
            version, source = importlib.metadata.version(package), "installed"
        except importlib.metadata.PackageNotFoundError:
            version, source = "", "not installed where this job ran"
        rows.append(dict(component=package, kind="python", version=version, source=source))
    for path in knowledge_files:
        name, version = os.path.basename(path), table_version(path)
        rows.append(dict(component=name, kind="knowledge", version=version, source=str(path)))
    return rows


def write_versions(path, workflow_version, env_dir, knowledge_files):
    """Write results/versions.tsv; returns its rows."""
    rows = version_rows(workflow_version, env_dir, knowledge_files)
    write_tsv(rows, path, COLUMNS)
    return rows


def file_sha256(path) -> str:
    """The sha256 of a file's bytes (hex), read in 1 MiB blocks: the checksum recorded for an
    imported knowledge table (knowledge.civic) and for a panel of normals' targets."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
