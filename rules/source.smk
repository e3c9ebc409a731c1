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
import tarfile
import tempfile

from snakemake.sourcecache import HostingProviderFile, LocalGitFile, LocalSourceFile

# the folders the workflow reads as files (rules and scripts come through the source cache)
CHECKED_OUT = ("scripts", "config", "resources")
CHECKOUTS = os.path.join(".snakemake", "resistance-timeline", "source")


def workflow_folder(rules_dir):
    """The workflow's folder, from the source of its rules/ folder (current_basedir
    in rules/common.smk): on disk, its parent; from git, a checkout of its commit."""
    if isinstance(rules_dir, LocalSourceFile):
        return os.path.dirname(rules_dir.get_path_or_uri(secret_free=True))
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
    return root
