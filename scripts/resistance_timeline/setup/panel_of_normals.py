"""The panel of normals named in the configuration (``panel_of_normals``), checked before any
job: a lab's prebuilt table (``source: <file>.tsv.gz``) and the extra normal BAMs of a cohort
build (``extra_normals``).

A prebuilt panel must be this workflow's table (dna.panel_of_normals: its first line, a
``##normals=`` line), tabix-indexed, on the FASTA's contigs (with the 'chr' hint), and have rows
on the contigs of the targets (a panel of another genome build or capture has none). Its
``##targets=`` checksum may differ from the configured BED's (the same capture kit is often
kept in several files): the genotyper's log names the panel it used."""

import os

import pysam

from resistance_timeline.dna.chunks import read_targets
from resistance_timeline.dna.panel_of_normals import read_header
from resistance_timeline.setup.contig_names import CHR_HINT, differ_by_chr_prefix

BUILT_IN = ("cohort", "none")
KEY = "panel_of_normals"


def panel_normal_name(path):
    """An extra normal's name in the panel: its file name without .bam / .cram."""
    name = os.path.basename(path)
    for ext in (".bam", ".cram"):
        if name.endswith(ext):
            return name[: -len(ext)]
    return name


def bam_index(path):
    """The index expected beside an alignment file: <file>.crai for a CRAM, else <file>.bai."""
    return f"{path}.crai" if str(path).endswith(".cram") else f"{path}.bai"


def check_prebuilt_panel(path, targets, fasta_contigs, config_name="config.yaml"):
    """Problems of a prebuilt panel table against the FASTA's contigs and the targets BED."""
    where = f"{config_name}, key '{KEY}: source'"
    if not os.path.isfile(path):
        return [f"{where}: file not found: {path} (give cohort, none or a panel .tsv.gz)"]
    if not os.path.isfile(f"{path}.tbi"):
        return [f"{where}: {path} has no tabix index {path}.tbi (tabix -s1 -b2 -e2 {path})"]
    try:
        meta = read_header(path)
        with pysam.TabixFile(path) as tabix:
            contigs = set(tabix.contigs)
    except (OSError, ValueError, UnicodeDecodeError) as error:
        return [f"{where}: {path}: {error}"]
    if not meta["normals"]:
        return [f"{path}: its ##normals= line names no normal"]
    strange = sorted(contigs - set(fasta_contigs))
    if strange:
        hint = CHR_HINT if differ_by_chr_prefix(strange, fasta_contigs) else ""
        return [f"{path}: contigs not in the reference FASTA: {', '.join(strange[:5])}{hint}"]
    if not targets or not os.path.isfile(targets):
        return []
    try:
        target_contigs = {t.contig for t in read_targets(targets)}
    except ValueError:  # a malformed BED: its own check names it
        return []
    if target_contigs and not target_contigs & contigs:
        return [
            f"{path}: no row on any contig of the targets {targets} "
            f"({', '.join(sorted(target_contigs)[:5])}): built for another genome or capture?"
        ]
    return []


def check_extra_normals(paths, names_in_cohort, config_name="config.yaml"):
    """Problems of panel_of_normals: extra_normals: each file and its index exist, and no
    name is given twice (here or as a cohort sample id)."""
    problems, seen = [], set(names_in_cohort)
    for n, path in enumerate(paths, start=1):
        where = f"{config_name}, key '{KEY}: extra_normals', item {n}"
        if any(c.isspace() for c in path):
            problems.append(f"{where}: {path!r} has a space in its path (rename or link it)")
            continue
        if not os.path.isfile(path):
            problems.append(f"{where}: file not found: {path}")
            continue
        if not os.path.isfile(bam_index(path)):
            problems.append(f"{where}: {path} has no index {bam_index(path)} (samtools index)")
        name = panel_normal_name(path)
        if name in seen:
            problems.append(f"{where}: {path} is named {name!r}, as another panel normal")
        seen.add(name)
    return problems


def check_panel_config(config, fasta_contigs, cohort_normals, config_name="config.yaml"):
    """Every problem of the ``panel_of_normals`` section ([] when usable)."""
    section = config.get(KEY, {})
    source = section.get("source", "cohort")
    if source == "cohort":
        return check_extra_normals(section.get("extra_normals", []), cohort_normals, config_name)
    if source in BUILT_IN:
        return []
    targets = config.get("reference", {}).get("targets")
    return check_prebuilt_panel(source, targets, fasta_contigs, config_name)
