"""The conda route (`snakemake --sdm conda`): every rule that runs a tool names an environment
of envs/ that provides the tool (or, for script rules, every package its script imports), and
every environment parses, uses conda-forge/bioconda/nodefaults and pins what the Debian and
PyPI routes of envs/install.sh install. Nothing is downloaded."""

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers import REPO

ENVS = sorted((REPO / "envs").glob("*.yaml"))
CHANNELS = ["conda-forge", "bioconda", "nodefaults"]
# command in a shell: -> conda package that provides it
TOOL_PACKAGES = {
    "bwa": "bwa",
    "samtools": "samtools",
    "bcftools": "bcftools",
    "tabix": "htslib",
    "bgzip": "htslib",
    "freebayes": "freebayes",
    "STAR": "star",
    "fastp": "fastp",
    "mosdepth": "mosdepth",
    "cnvkit.py": "cnvkit",
    "multiqc": "multiqc",
    "Rscript": "r-base",
}
# conda package -> the Debian package envs/install.sh installs instead
DEBIAN = {
    "bwa": "bwa",
    "samtools": "samtools",
    "bcftools": "bcftools",
    "htslib": "libhts3",
    "freebayes": "freebayes",
    "star": "rna-star",
    "fastp": "fastp",
    "mosdepth": "mosdepth",
    "r-base": "r-base-core",
    "bioconductor-dnacopy": "r-bioc-dnacopy",
}
# Python import name -> pip package
IMPORTS = {"yaml": "pyyaml", "cnvlib": "cnvkit", "skimage": "scikit-image"}
STDLIB = set(sys.stdlib_module_names)


def env_packages(path):
    """{package: pinned version} of an environment file, pip packages included."""
    spec = yaml.safe_load(path.read_text())
    packages = {}
    for dep in spec["dependencies"]:
        if isinstance(dep, dict):
            for line in dep["pip"]:
                name, version = line.split("==")
                packages[name.lower()] = version
        elif dep != "pip":
            name, _, version = dep.partition("=")
            packages[name.strip()] = version.strip()
    return packages


def rules():
    """(name, env file or None, shell text without comments or None, script or None)."""
    found = []
    for smk in sorted((REPO / "rules").glob("*.smk")):
        for block in re.split(r"^rule ", smk.read_text(), flags=re.M)[1:]:
            name = block.split(":", 1)[0]
            env = re.search(r'^    conda:\n\s+"\.\./(envs/[\w.]+)"', block, re.M)
            shell = script = None
            if "\n    shell:" in block:
                body = block.split("\n    shell:", 1)[1]
                shell = "\n".join(ln for ln in body.splitlines() if not ln.strip().startswith("#"))
            found_script = re.search(r'^    script:\n\s+"\.\./(scripts/[\w.]+)"', block, re.M)
            if found_script:
                script = REPO / found_script.group(1)
            found.append((name, env and REPO / env.group(1), shell, script))
    return found


def third_party_imports(entry):
    """Top-level packages an entry script imports, following resistance_timeline modules."""
    todo, seen, external = [entry], set(), set()
    while todo:
        path = todo.pop()
        if path in seen or not path.exists():
            continue
        seen.add(path)
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            for name in names:
                top = name.split(".")[0]
                if top == "resistance_timeline":
                    module = REPO / "scripts" / Path(*name.split("."))
                    todo += [module.with_suffix(".py"), module / "__init__.py"]
                elif top not in STDLIB:
                    external.add(IMPORTS.get(top, top).lower())
    return external


@pytest.mark.parametrize("env", ENVS, ids=lambda p: p.name)
def test_env_parses_with_channels_and_pins(env):
    spec = yaml.safe_load(env.read_text())
    assert spec["channels"] == CHANNELS, env.name
    packages = env_packages(env)
    assert packages, env.name
    for name, version in packages.items():
        assert re.fullmatch(r"\d+(\.\w+)+", version), f"{env.name}: {name} not pinned ({version!r})"


def test_every_tool_rule_has_an_env_providing_its_tools():
    checked = 0
    for name, env, shell, script in rules():
        if shell is None and script is None:
            continue
        assert env is not None, f"rule {name} runs a tool but has no conda: environment"
        assert env.exists(), f"rule {name}: {env} not found"
        packages = env_packages(env)
        if shell is not None:
            for tool, package in TOOL_PACKAGES.items():
                if re.search(rf"(?<![\w./-]){re.escape(tool)}(?![\w-])", shell):
                    assert package in packages, (
                        f"rule {name} runs {tool}; {env.name} lacks {package}"
                    )
        if script is not None:
            missing = third_party_imports(script) - set(packages)
            assert not missing, f"rule {name} ({script.name}) imports {missing}; not in {env.name}"
        checked += 1
    assert checked >= 30


def pip_pins():
    pins = {}
    for name in ("requirements.txt", "constraints.txt"):
        for line in (REPO / "envs" / name).read_text().splitlines():
            if "==" in line and not line.startswith("#"):
                package, version = line.split("==")
                pins[package.strip().lower().replace("_", "-")] = version.strip()
    return pins


def test_pip_pins_equal_the_venv_route():
    pins = pip_pins()
    for env in ENVS:
        spec = yaml.safe_load(env.read_text())
        for dep in spec["dependencies"]:
            if isinstance(dep, dict):
                for line in dep["pip"]:
                    name, version = line.split("==")
                    assert pins.get(name.lower()) == version, f"{env.name}: {line} vs venv"
    python = {env_packages(e).get("python") for e in ENVS} - {None}
    assert python == {f"{sys.version_info.major}.{sys.version_info.minor}"}


def upstream_parts(debian_version):
    """'2.7.10b+dfsg-2+b2' -> ['2', '7', '10b']; epoch and Debian revision dropped."""
    version = debian_version.split(":")[-1].rsplit("-", 1)[0]
    return re.split(r"[+~]", version)[0].split(".")


def test_conda_pins_match_the_debian_packages():
    if shutil.which("dpkg-query") is None:
        pytest.skip("not a Debian system: the Debian route is not installed here")
    compared = 0
    for env in ENVS:
        for name, pin in env_packages(env).items():
            if name not in DEBIAN:
                continue
            query = ["dpkg-query", "-W", "-f=${Version}", DEBIAN[name]]
            installed = subprocess.run(query, capture_output=True, text=True).stdout
            if not installed:
                continue  # not installed by this machine's route
            parts = pin.split(".")
            assert upstream_parts(installed)[: len(parts)] == parts, (
                f"{env.name}: {name} ={pin}, Debian {DEBIAN[name]} {installed}"
            )
            compared += 1
    if not compared:
        pytest.skip("none of the Debian tool packages is installed")
