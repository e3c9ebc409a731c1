"""A lab's prebuilt aligner indexes (config ``reference.bwa_index``, ``reference.star_index``),
checked when the workflow is parsed, before any job: every file there, contigs the same as the
FASTA's (name, order, length), a STAR index this STAR can load and that carries the gene
annotation the RNA rules need. A GRCh38 BWA index takes about an hour and 5 GB to build and a
STAR index 30 GB of memory by default, so a lab that has them must be able to use them, and
must learn of a mismatch before the first alignment job, not after a day of them.

Each problem names the file and says what to do; ``check_indexes`` returns them all at once.
"""

import os
import re
import shutil
import subprocess

BWA_SUFFIXES = (".amb", ".ann", ".bwt", ".pac", ".sa")
STAR_FILES = ("Genome", "SA", "SAindex", "chrNameLength.txt", "genomeParameters.txt")
# STAR loads an index only when the versionGenome in its genomeParameters.txt equals its
# own (STAR source, Genome_genomeLoad.cpp); every STAR from 2.7.4a on writes and wants 2.7.4a
STAR_GENOME_FORMATS = ((2, 7, 4), "2.7.4a")
SHOWN_DIFFERENCES = 3


def bwa_index_files(prefix):
    """The five files of a BWA index with this prefix."""
    return [prefix + suffix for suffix in BWA_SUFFIXES]


def bwa_contigs(ann):
    """Contig name -> length, in index order, from a BWA index's .ann file: a header line
    (total length, number of sequences, seed), then two lines per sequence ('gi name
    annotation', 'offset length ambiguous-runs')."""
    contigs = {}
    with open(ann) as handle:
        count = int(handle.readline().split()[1])
        for _ in range(count):
            name = handle.readline().split()[1]
            contigs[name] = int(handle.readline().split()[1])
    return contigs


def star_contigs(star_dir):
    """Contig name -> length, in index order, from a STAR index's chrNameLength.txt."""
    contigs = {}
    with open(os.path.join(star_dir, "chrNameLength.txt")) as handle:
        for line in handle:
            if line.strip():
                name, length = line.rstrip("\n").split("\t")[:2]
                contigs[name] = int(length)
    return contigs


def star_parameters(star_dir):
    """The key -> value pairs of a STAR index's genomeParameters.txt (comment lines skipped)."""
    values = {}
    with open(os.path.join(star_dir, "genomeParameters.txt")) as handle:
        for line in handle:
            if line.startswith("#") or "\t" not in line:
                continue
            key, value = line.rstrip("\n").split("\t", 1)
            values[key] = value.strip()
    return values


def contig_differences(index_contigs, fasta_contigs):
    """How an index's contigs differ from the FASTA's, in words: the first few differences in
    name, order or length, and how many there are in all (an empty list when they agree)."""
    found = []
    names, wanted = list(index_contigs), list(fasta_contigs)
    for position, (have, want) in enumerate(zip(names, wanted), start=1):
        if have != want:
            found.append(f"contig {position} is '{have}' in the index, '{want}' in the FASTA")
        elif index_contigs[have] != fasta_contigs[want]:
            found.append(
                f"'{have}' is {index_contigs[have]:,} bp in the index, "
                f"{fasta_contigs[want]:,} bp in the FASTA"
            )
    if len(names) != len(wanted):
        extra = names[len(wanted) :] or wanted[len(names) :]
        side = "index" if len(names) > len(wanted) else "FASTA"
        found.append(
            f"{len(names):,} contigs in the index, {len(wanted):,} in the FASTA "
            f"(only the {side} has '{extra[0]}'"
            + (f" and {len(extra) - 1:,} more)" if len(extra) > 1 else ")")
        )
    if len(found) > SHOWN_DIFFERENCES:
        more = len(found) - SHOWN_DIFFERENCES
        found = found[:SHOWN_DIFFERENCES] + [f"... and {more:,} more difference(s)"]
    return found


def _contig_problem(where, path, index_contigs, fasta_contigs, fasta):
    """One message for an index built from another FASTA, or [] when the contigs agree."""
    differences = contig_differences(index_contigs, fasta_contigs)
    if not differences:
        return []
    return [
        f"{where}: {path} was built from another FASTA than reference.fasta {fasta}: "
        + "; ".join(differences)
        + ". Give the index built from this FASTA, or the FASTA it was built from"
    ]


def check_bwa_index(prefix, fasta_contigs, fasta, where):
    """A BWA index prefix: its five files, and contigs equal to the FASTA's. ``where`` names
    the config file and key in messages."""
    missing = [f for f in bwa_index_files(prefix) if not os.path.isfile(f)]
    if missing:
        return [
            f"{where}: {prefix} is not a complete BWA index (the prefix of "
            f"{', '.join(BWA_SUFFIXES)}): missing {', '.join(missing)}"
        ]
    try:
        contigs = bwa_contigs(prefix + ".ann")
    except (ValueError, IndexError, OSError) as error:
        return [f"{where}: {prefix}.ann is not a BWA .ann file ({error})"]
    return _contig_problem(where, prefix + ".ann", contigs, fasta_contigs, fasta)


def star_version():
    """The version of the STAR on the PATH (e.g. '2.7.10b'), or None without one."""
    star = shutil.which("STAR")
    if not star:
        return None
    try:
        done = subprocess.run([star, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None


def star_genome_format(version):
    """The versionGenome a STAR release writes and loads ('2.7.4a' from 2.7.4a on), or None
    for a release this table does not know (then the index's version is not checked)."""
    match = re.match(r"(\d+)\.(\d+)\.(\d+)([a-z]?)", version or "")
    if not match:
        return None
    number = tuple(int(p) for p in match.groups()[:3])
    first, genome_format = STAR_GENOME_FORMATS
    newer = number > first or (number == first and match.group(4) >= "a")
    return genome_format if newer and number < (2, 8, 0) else None


def check_star_index(star_dir, fasta_contigs, fasta, needs_annotation, version, where):
    """A STAR genome directory: its files, contigs equal to the FASTA's, a genome format the
    running STAR (``version``) loads, and gene annotation inside when the cohort has RNA
    (gene counts need the GTF's exons in the index). ``where`` names the config file and key."""
    if not os.path.isdir(star_dir):
        return [f"{where}: {star_dir} is not a directory (a STAR genome directory)"]
    missing = [f for f in STAR_FILES if not os.path.isfile(os.path.join(star_dir, f))]
    if missing:
        return [
            f"{where}: {star_dir} is not a complete STAR index: missing "
            f"{', '.join(missing)} (STAR --runMode genomeGenerate writes them)"
        ]
    problems = _contig_problem(
        where,
        os.path.join(star_dir, "chrNameLength.txt"),
        star_contigs(star_dir),
        fasta_contigs,
        fasta,
    )
    parameters = star_parameters(star_dir)
    made_by, wanted = parameters.get("versionGenome"), star_genome_format(version)
    if wanted and made_by != wanted:
        problems.append(
            f"{where}: {star_dir}/genomeParameters.txt: index format versionGenome "
            f"{made_by or 'missing'}, but STAR {version} loads only {wanted}: rebuild it with "
            f"STAR {version} (STAR --runMode genomeGenerate), or leave the key out and the "
            "workflow builds one"
        )
    if needs_annotation and not os.path.isfile(os.path.join(star_dir, "exonGeTrInfo.tab")):
        problems.append(
            f"{where}: {star_dir} was built without gene annotation "
            f"(sjdbGTFfile {parameters.get('sjdbGTFfile', '-')}, no exonGeTrInfo.tab), but the "
            "cohort's RNA samples need it for gene counts and splice junctions: rebuild it with "
            "--sjdbGTFfile (the GTF of reference.gtf), or leave the key out and the workflow "
            "builds one"
        )
    return problems


def check_indexes(reference, fasta_contigs, has_rna, config_name="config.yaml", version=None):
    """Every problem with the prebuilt indexes a configuration names (none named: []). The
    STAR index is checked only when the cohort has RNA samples (``has_rna``): without them no
    job reads it. ``version``: the STAR version to check against (default: the PATH's)."""
    problems = []
    fasta = reference.get("fasta")
    if reference.get("bwa_index"):
        where = f"{config_name}, key 'reference: bwa_index'"
        problems += check_bwa_index(reference["bwa_index"], fasta_contigs, fasta, where)
    if reference.get("star_index") and has_rna:
        where = f"{config_name}, key 'reference: star_index'"
        problems += check_star_index(
            reference["star_index"], fasta_contigs, fasta, True, version or star_version(), where
        )
    return problems
