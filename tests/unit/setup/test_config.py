"""The configuration (resistance_timeline.setup.config): a user's file stands alone, defaults
come from the schema only, every key is documented in config/README.md with the schema's
default, and reference files are required only by the assays that need them."""

import os

import pytest
import yaml
from setup_support import bad_input, problems

from helpers import REPO
from resistance_timeline.setup.config import (
    ConfigError,
    config_schema,
    load_config,
    portable,
    schema_defaults,
    validate_config,
)
from resistance_timeline.setup.sheets import resolve_unit_paths

DEMO = REPO / "config" / "config.yaml"


def leaf_keys(schema, prefix=""):
    """'section.key' -> sub-schema of every documented setting: leaves, and objects whose
    keys are free (additionalProperties with a schema, e.g. kinase_fusion_exons)."""
    keys = {}
    for key, spec in schema.get("properties", {}).items():
        name = f"{prefix}{key}"
        if "properties" in spec:
            keys.update(leaf_keys(spec, f"{name}."))
        else:
            keys[name] = spec
    return keys


def readme_table():
    """Rows of the key table in config/README.md: key -> default text."""
    text = (REPO / "config" / "README.md").read_text()
    table = text[text.index("| key | default | meaning |") :]
    rows = {}
    for line in table.splitlines()[2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[0].strip("`")] = cells[1]
    return rows


def test_every_key_documented_with_the_schema_default():
    documented = readme_table()
    keys = leaf_keys(config_schema())
    assert set(documented) == set(keys), (
        f"undocumented: {sorted(set(keys) - set(documented))}; "
        f"not in the schema: {sorted(set(documented) - set(keys))}"
    )
    for key, spec in keys.items():
        shown = documented[key]
        if "default" not in spec:
            assert shown == "—", f"{key}: documented default {shown} but the schema has none"
            continue
        value = yaml.safe_load(shown.strip("`"))
        assert value == spec["default"], f"{key}: README says {shown}, schema {spec['default']}"


def test_every_schema_key_has_a_description():
    def walk(schema, prefix=""):
        for key, spec in schema.get("properties", {}).items():
            assert spec.get("description"), f"{prefix}{key} has no description"
            walk(spec, f"{prefix}{key}.")

    walk(config_schema())


def test_defaults_fill_nested_sections_key_by_key():
    cfg = {
        "samples": "s.tsv",
        "units": "u.tsv",
        "treatments": "t.tsv",
        "reference": {"fasta": "g.fa"},
        "genotyping": {"tumor": {"min_vaf": 0.05}},
    }
    validate_config(cfg, "my.yaml")
    assert cfg["genotyping"]["tumor"] == {"min_alt_reads": 3, "min_vaf": 0.05}
    assert cfg["genotyping"]["cfdna"] == schema_defaults("genotyping")["cfdna"]
    assert cfg["fusions"] == schema_defaults("fusions")
    assert cfg["reference"] == {
        "fasta": "g.fa",
        "gff3": None,
        "gtf": None,
        "targets": None,
        "build": "GRCh38",
        "bwa_index": None,
        "star_index": None,
    }


@bad_input("config-missing-key")
def test_user_config_stands_alone_and_missing_key_is_named(tmp_path):
    user = tmp_path / "my.yaml"
    user.write_text("samples: s.tsv\nunits: u.tsv\nreference: {fasta: g.fa}\n")
    config = yaml.safe_load(user.read_text())
    with pytest.raises(ConfigError) as error:
        load_config(config, [str(user)], str(DEMO))
    (message,) = error.value.problems
    assert message.startswith(f"{user}: required key 'treatments' is missing")
    assert "demo" not in message


def test_user_config_does_not_take_demo_values(tmp_path):
    user = tmp_path / "my.yaml"
    user.write_text(
        "samples: s.tsv\nunits: u.tsv\ntreatments: t.tsv\nreference: {fasta: g.fa, gtf: ''}\n"
    )
    config = yaml.safe_load(user.read_text())
    assert load_config(config, [str(user)], str(DEMO)) == str(user)
    assert config["reference"]["gtf"] is None  # blank: none, not the demo's GTF
    assert config["reference"]["gff3"] is None
    assert config["samples"] == "s.tsv"


def test_without_a_config_file_the_demo_is_loaded():
    config = {}
    load_config(config, [], str(DEMO))
    assert config["samples"] == "config/demo/samples.tsv"


MINIMAL = {"samples": "s", "units": "u", "treatments": "t", "reference": {"fasta": "g.fa"}}


def config_problems(**changes):
    config = {**MINIMAL, **changes}
    with pytest.raises(ConfigError) as error:
        validate_config(config, "my.yaml")
    return error.value.problems


@bad_input("config-key-misspelled")
def test_misspelt_key_is_named_with_the_closest_valid_key():
    (message,) = config_problems(reference={"fasta": "g.fa", "gft": "x.gtf"})
    assert message == (
        "my.yaml, key 'reference': unknown key 'gft'; did you mean 'gtf'? "
        "allowed keys: fasta, gff3, gtf, targets, build, bwa_index, star_index"
    )


def test_misspelt_top_level_and_nested_keys_each_get_a_suggestion():
    found = config_problems(tumour_only=["P1"], genotyping={"min_dept": 5, "zzz": 1})
    assert (
        "my.yaml, key '(top level)': unknown key 'tumour_only'; did you mean 'tumor_only'?"
        in (found[0])
    )
    assert any(
        "key 'genotyping': unknown key 'min_dept'; did you mean 'min_depth'?" in p for p in found
    )
    assert any("key 'genotyping': unknown key 'zzz'; allowed keys: min_mapq" in p for p in found)


@bad_input("config-wrong-type")
def test_value_of_the_wrong_type_is_named_with_its_key():
    (message,) = config_problems(genotyping={"min_depth": "ten"})
    assert message == "my.yaml, key 'genotyping: min_depth': 'ten' is not of type 'integer'"


@bad_input("config-shell-characters")
@pytest.mark.parametrize("extra", ["--cut_front; rm -rf ~", "$(touch pwned)", "-x 'a b'", "a | b"])
def test_extra_options_with_shell_characters_are_refused(extra):
    (message,) = config_problems(reads={"fastp_extra": extra})
    assert message.startswith(f"my.yaml, key 'reads: fastp_extra': '{extra}' is not valid: ")
    assert "letters, digits, spaces and _ = , . : / + - only" in message


def test_extra_options_of_ordinary_words_pass():
    config = {**MINIMAL, "alignment": {"bwa_extra": "-k 19 -B 4 -Y"}}
    validate_config(config, "my.yaml")


def sheet_problems(project):
    return problems(project, config=project.config_validated, config_name="my.yaml")


@pytest.fixture
def validated(project):
    def config():
        cfg = project.config
        validate_config(cfg, "my.yaml")
        return cfg

    type(project).config_validated = property(lambda self: config())
    return project


@bad_input("reference-needed-by-assay")
def test_rna_samples_need_a_gtf(validated):
    validated.edit("config.yaml", f"  gtf: {validated.root}/ref/genes.gtf\n", '  gtf: ""\n')
    (message,) = sheet_problems(validated)
    assert message.startswith("my.yaml, key 'reference: gtf': not set, but the cohort's 1 RNA")
    assert "P1-R0" in message and "STAR" in message


def test_wes_only_cohort_needs_no_gtf(validated):
    validated.edit("samples.tsv", "P1\tP1-R0\trna\ttumor\t0\tdiagnosis\t\n", "")
    validated.edit(
        "units.tsv",
        next(
            line
            for line in (validated.root / "units.tsv").read_text().splitlines(True)
            if "P1-R0" in line
        ),
        "",
    )
    validated.edit("config.yaml", f"  gtf: {validated.root}/ref/genes.gtf\n", "")
    assert sheet_problems(validated) == []


def test_rna_only_cohort_needs_no_targets_or_gff3(validated):
    for sample in ("P1-N", "P1-T0", "P1-T1"):
        for sheet in ("samples.tsv", "units.tsv"):
            lines = (validated.root / sheet).read_text().splitlines(True)
            validated.edit(
                sheet, next(line for line in lines if f"\t{sample}\t" in f"\t{line}"), ""
            )
    validated.edit("config.yaml", f"  gff3: {validated.root}/ref/genes.gff3\n", "  gff3: null\n")
    validated.edit("config.yaml", f"  targets: {validated.root}/ref/targets.bed\n", "")
    assert sheet_problems(validated) == []


def test_wes_samples_name_each_missing_file(validated):
    validated.edit("config.yaml", f"  targets: {validated.root}/ref/targets.bed\n", "")
    validated.edit("config.yaml", f"  gff3: {validated.root}/ref/genes.gff3\n", "")
    found = sheet_problems(validated)
    assert len(found) == 2, found
    assert any("'reference: targets': not set" in p and "3 WES sample(s)" in p for p in found)
    assert any("'reference: gff3': not set" in p and "annotation" in p for p in found)


def test_paths_inside_the_project_become_relative(tmp_path):
    """``portable``: a path inside the working directory is given relative to it (a moved
    project keeps its recorded inputs); one outside, or already relative, stays as it is; and
    the units sheet's relative FASTQ paths follow it."""
    project = tmp_path / "project"
    assert portable(str(project / "reads" / "a.fq.gz"), cwd=project) == "reads/a.fq.gz"
    assert portable("/data/ref/genome.fa", cwd=project) == "/data/ref/genome.fa"
    assert portable(str(tmp_path / "projects2" / "x"), cwd=project) == str(
        tmp_path / "projects2" / "x"
    )  # a sibling folder with a shared name prefix is outside
    assert portable("reads/a.fq.gz", cwd=project) == "reads/a.fq.gz"

    class Row:
        def __init__(self, values):
            self.values = values

    rows = [Row({"fq1": "../reads/a.fq.gz", "fq2": "/abs/b.fq.gz", "bam": ""})]
    (project / "config").mkdir(parents=True)
    old = os.getcwd()
    os.chdir(project)
    try:
        resolve_unit_paths(rows, str(project / "config"))
    finally:
        os.chdir(old)
    assert rows[0].values == {"fq1": "reads/a.fq.gz", "fq2": "/abs/b.fq.gz", "bam": ""}


def test_a_job_process_fills_the_same_defaults_without_validating(tmp_path):
    """validate=False (a job process: the main process validated the same files) gives the
    configuration validation gives, and looks for no problem again."""
    user = tmp_path / "my.yaml"
    user.write_text(
        "samples: s.tsv\nunits: u.tsv\ntreatments: t.tsv\nreference: {fasta: g.fa, gtf: ''}\n"
        "calling: {scatter: 4}\n"
    )
    main, job = yaml.safe_load(user.read_text()), yaml.safe_load(user.read_text())
    load_config(main, [str(user)], str(DEMO))
    assert load_config(job, [str(user)], str(DEMO), validate=False) == str(user)
    assert job == main and job["calling"]["scatter"] == 4 and job["reference"]["gtf"] is None
    main, job = {}, {}  # no config file: the demo's
    load_config(main, [], str(DEMO))
    load_config(job, [], str(DEMO), validate=False)
    assert job == main
    typo = {**yaml.safe_load(user.read_text()), "sampels": "s.tsv"}
    with pytest.raises(ConfigError):
        validate_config(dict(typo), "my.yaml")
    load_config(typo, [str(user)], str(DEMO), validate=False)
    assert typo["sampels"] == "s.tsv" and typo["calling"]["scatter"] == 4
