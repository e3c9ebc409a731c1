"""The configuration: its schema (``config/schemas/config.schema.yaml``, the only place that
holds setting defaults), validation, and the defaults filled in for keys a user leaves out.

A user's config stands alone: when ``--configfile`` is given, the shipped demo configuration
is not loaded underneath it, so a key the user omits takes the schema's default (or, when it
has none, is named as missing from the user's own file), never a demo value.
"""

import copy
import difflib
import os

import yaml

# libyaml's parser when PyYAML has it: every parse (and every cluster job) reads the schemas
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

SCHEMA_DIR = os.path.normpath(
    os.path.join(os.path.dirname(__file__), "..", "..", "..", "config", "schemas")
)
# reference files an assay needs; a blank, null or absent key means "none"
REFERENCE_KEYS = ("fasta", "gff3", "gtf", "targets")


class ConfigError(Exception):
    """Raised with every problem found, one per line in ``problems``."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def load_schema(path):
    """Read a YAML JSON-schema file."""
    with open(path) as handle:
        return yaml.load(handle, Loader=_YAML_LOADER)


def config_schema(schema_dir=SCHEMA_DIR):
    """The configuration's JSON schema."""
    return load_schema(os.path.join(schema_dir, "config.schema.yaml"))


def fill_defaults(cfg, schema):
    """Set every schema default missing from ``cfg``, recursively into nested sections
    (a section's own default is ``{}``, so its keys' defaults apply one by one)."""
    for key, spec in schema.get("properties", {}).items():
        if key not in cfg and "default" in spec:
            cfg[key] = copy.deepcopy(spec["default"])
        if isinstance(cfg.get(key), dict) and "properties" in spec:
            fill_defaults(cfg[key], spec)
    return cfg


def schema_defaults(section=None, schema_dir=SCHEMA_DIR):
    """The configuration as the schema's defaults alone, or one ``section`` of it (what a
    rule's params would pass when the user sets nothing); for tests and tools."""
    defaults = fill_defaults({}, config_schema(schema_dir))
    return defaults[section] if section else defaults


def validate_config(cfg, name, schema_dir=SCHEMA_DIR):
    """Check ``cfg`` against the schema and fill in its defaults, in place. Raise ConfigError
    listing every problem, each naming ``name`` (the user's config file) and the key."""
    import jsonschema  # here, not at the top: job processes (apply_defaults only) skip it

    schema = config_schema(schema_dir)
    problems = []
    for error in jsonschema.Draft202012Validator(schema).iter_errors(cfg):
        key = ": ".join(str(p) for p in error.path)
        if error.validator == "required":
            missing = error.message.split("'")[1]
            what = schema["properties"].get(missing, {}).get("description", "")
            if error.path:
                what = _section(schema, error.path)["properties"][missing].get("description", "")
            full = f"{key}: {missing}" if key else missing
            problems.append(f"{name}: required key '{full}' is missing ({what.strip()})")
        elif error.validator == "additionalProperties":
            problems.extend(_unknown_keys(error, name, key))
        elif error.validator == "pattern":
            what = error.schema.get("description", "").strip()
            problems.append(f"{name}, key '{key}': '{error.instance}' is not valid: {what}")
        else:
            problems.append(f"{name}, key '{key or '(top level)'}': {error.message}")
    if problems:
        raise ConfigError(problems)
    return apply_defaults(cfg, schema)


def apply_defaults(cfg, schema=None):
    """What validation fills in, without validating: the schema's defaults and the reference
    files' "none" as None, in place. A job process's configuration (the same files the main
    process validated) gets exactly the values the main process has."""
    fill_defaults(cfg, schema or config_schema())
    reference = cfg["reference"]
    for key in REFERENCE_KEYS:
        reference[key] = reference.get(key) or None
    return cfg


def _unknown_keys(error, name, key):
    """One message per unknown key, with the closest valid key of its section (difflib)."""
    allowed = list(error.schema.get("properties", {}))
    known = set(allowed)
    messages = []
    for unknown in (k for k in error.instance if k not in known):
        close = difflib.get_close_matches(str(unknown), allowed, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'? " if close else ""
        messages.append(
            f"{name}, key '{key or '(top level)'}': unknown key '{unknown}'; {hint}"
            f"allowed keys: {', '.join(allowed)}"
        )
    return messages


def _section(schema, path):
    """The sub-schema of a nested key path."""
    for key in path:
        schema = schema["properties"][key]
    return schema


def load_config(config, user_files, default_file, validate=True):
    """The run's configuration and the name its messages use.

    ``config`` is Snakemake's (already holding ``--configfile``/``--config`` values);
    ``user_files`` the ``--configfile`` paths. With neither, ``default_file`` (the shipped demo
    configuration) is loaded into ``config``. Returns the name of the file to cite in errors.
    ``validate`` false (a job process: Snakemake gives it the main process's config files and
    ``--config`` values, which the main process validated) only fills in the defaults.
    """
    if user_files:
        name = str(user_files[-1])
    elif config:
        name = "the --config values"
    else:
        with open(default_file) as handle:
            config.update(yaml.safe_load(handle) or {})
        name = os.path.relpath(default_file)
    if validate:
        validate_config(config, name)
    else:
        apply_defaults(config)
    return name


# the identity check's shipped SNP panel (resources/identity/README.md, dna/snp_panel.py)
SHIPPED_SNP_PANEL = "resources/identity/ngscheckmate_snps_GRCh38.vcf.gz"


def shipped_file(path, basedir):
    """A path from the config: as given when it exists from the working directory, else inside
    the workflow's folder (so the shipped resources work from any working directory; made
    ``portable``)."""
    if os.path.isabs(path) or os.path.exists(path):
        return path
    shipped = portable(os.path.join(basedir, path))
    return shipped if os.path.exists(shipped) else path


def portable(path, cwd=None):
    """``path`` relative to the working directory when it lies inside it, else as given: the
    inputs Snakemake records then stay the same when a project folder is moved or copied
    (an absolute path into the old folder would make every job's input set change and rerun
    the cohort); files outside the project keep their absolute path."""
    if not os.path.isabs(path):
        return path
    cwd = os.path.abspath(cwd or os.getcwd())
    absolute = os.path.abspath(path)
    if "//" in (cwd[:2], absolute[:2]):  # POSIX keeps a leading '//' apart: the long way
        return os.path.relpath(path, cwd) if os.path.commonpath([cwd, absolute]) == cwd else path
    if absolute == cwd:
        return os.curdir
    # both normalised: a prefix test says what commonpath + relpath say, at a fraction of
    # their cost (every unit's files pass here in every parse)
    inside = cwd.rstrip(os.sep) + os.sep
    return absolute[len(inside) :] if absolute.startswith(inside) else path


def knowledge_files(settings, basedir, config_name="config.yaml"):
    """The knowledge base's files from config ``knowledge`` (``settings``, defaults filled):
    ``({"knowledge": [tables], "drugs": path, "regions": path}, problems)``. The tables are
    ``shipped_sources`` then the lab's ``sources``, each file once (a lab that lists a shipped
    table again does not merge it twice); every relative path by ``shipped_file``'s one rule
    (the working directory, else the workflow's folder)."""
    tables, seen, problems = [], set(), []
    for key in ("shipped_sources", "sources"):
        for given in settings[key]:
            path = shipped_file(given, basedir)
            if not os.path.isfile(path):
                problems.append(_not_found(config_name, key, path, basedir))
            elif os.path.realpath(path) not in seen:
                seen.add(os.path.realpath(path))
                tables.append(path)
    files = {"knowledge": tables}
    for key in ("drugs", "regions"):
        files[key] = shipped_file(settings[key], basedir)
        if not os.path.isfile(files[key]):
            problems.append(_not_found(config_name, key, files[key], basedir))
    if not settings["shipped_sources"] and not settings["sources"]:
        problems.append(
            f"{config_name}, key 'knowledge': no knowledge tables (shipped_sources and sources "
            "are both empty); list at least one"
        )
    return files, problems


def _not_found(config_name, key, path, basedir):
    where = "" if os.path.isabs(path) else f" (nor in the workflow's folder {basedir})"
    return f"{config_name}, key 'knowledge.{key}': file not found: {path}{where}"


def configured_panel(setting, build, workflow_dir):
    """(panel VCF path or None, whether it is the shipped one whose fit the job checks) of
    ``identity.snp_panel``: a lab's path as given, ``auto`` the shipped panel for a GRCh38
    build (the job uses it only where it fits the FASTA: dna/snp_panel.panel_fit), null
    none."""
    if setting is None:
        return None, False
    if setting == "auto":
        if build in ("GRCh38", "hg38"):
            return shipped_file(SHIPPED_SNP_PANEL, workflow_dir), True
        return None, False
    return setting, False
