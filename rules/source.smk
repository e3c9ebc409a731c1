# Where the workflow's own files are: the folder holding rules/, scripts/, config/ and
# resources/. This file holds no rules; rules/common.smk includes it first.
#
# Run from a clone (snakemake in the clone, or a lab's `module` with a local snakefile path),
# that folder is on disk. Imported from a git source (`github(...)` as snakedeploy writes it, or
# `gitfile(...)`), Snakemake reads the Snakefiles and rule scripts from its source cache, one
# file at a time, while the workflow also reads its config schema, shipped tables and Python
# package as files: those folders are then checked out once per commit, with `git archive`
# from the repository Snakemake already holds, into the lab's .snakemake/ (a path relative to
# its working directory, so a moved project stays whole).

import shutil
import subprocess
import tarfile
import tempfile

from snakemake.sourcecache import HostingProviderFile, LocalGitFile, LocalSourceFile

# the files the workflow reads as files (rules and scripts come through the source cache)
CHECKED_OUT = ("scripts", "config", "resources", "envs", "CITATION.cff")
CHECKOUTS = os.path.join(".snakemake", "resistance-timeline", "source")


def workflow_source(rules_dir):
    """(folder, version) of the workflow, from the source of its rules/ folder
    (current_basedir in rules/common.smk): on disk, its parent, versioned by `git
    describe`; from git, a checkout of its commit, versioned by the source's ref."""
    if isinstance(rules_dir, LocalSourceFile):
        folder = os.path.dirname(rules_dir.get_path_or_uri(secret_free=True))
        return folder, clone_version(folder)
    if isinstance(rules_dir, LocalGitFile):
        import git

        repo = git.Repo(rules_dir.repo_path)
    elif isinstance(rules_dir, HostingProviderFile):
        repo = rules_dir.hosted_repo.repo  # the bare clone the source cache made
    else:
        raise SystemExit(
            f"resistance-timeline: cannot read the workflow's files from {rules_dir}: use it "
            "from a clone or from a git source (github(), gitlab(), gitfile()); nothing was run."
        )
    commit = repo.commit(rules_dir.ref).hexsha
    root = os.path.join(CHECKOUTS, commit)
    if not os.path.isdir(root):
        os.makedirs(CHECKOUTS, exist_ok=True)
        # checked out beside, then renamed: a job parsing at the same time never sees half
        staging = tempfile.mkdtemp(dir=CHECKOUTS, prefix=f"{commit}.")
        with tempfile.TemporaryFile() as archive:
            repo.archive(archive, commit, path=list(CHECKED_OUT))
            archive.seek(0)
            with tarfile.open(fileobj=archive) as tar:
                tar.extractall(staging, filter="data")
        try:
            os.rename(staging, root)
        except OSError:  # another process checked it out first
            shutil.rmtree(staging)
    ref = rules_dir.ref  # the tag, branch or commit the lab named
    return root, commit[:12] if commit.startswith(ref) else f"{ref} ({commit[:12]})"


def clone_version(folder):
    """A clone's `git describe --tags --always --dirty` (v1.0.0, v1.0.0-3-g1a2b3c4-dirty,
    1a2b3c4 without tags); outside a clone of its own, CITATION.cff's release."""
    git = ["git", "-C", folder]
    try:
        top = subprocess.run(
            [*git, "rev-parse", "--show-toplevel"], capture_output=True
        )
        if os.path.realpath(top.stdout.decode().strip()) == os.path.realpath(folder):
            describe = [*git, "describe", "--tags", "--always", "--dirty"]
            run = subprocess.run(describe, capture_output=True, check=True)
            return run.stdout.decode().strip()
    except (OSError, subprocess.CalledProcessError):
        pass  # no git, or not a clone: the release the files say
    cff = os.path.join(folder, "CITATION.cff")
    lines = open(cff).read().splitlines() if os.path.isfile(cff) else []
    release = [
        line.split(":", 1)[1].strip(' "')
        for line in lines
        if line.startswith("version:")
    ]
    return (
        f"v{release[0]} (not a git clone)" if release else "unknown (not a git clone)"
    )
