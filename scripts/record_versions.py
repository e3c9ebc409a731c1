"""Rule record_versions: results/versions.tsv, the workflow's version, the tools and Python
packages of the run and the knowledge tables' versions (resistance_timeline.io.versions)."""

from resistance_timeline.io.logs import log_to
from resistance_timeline.io.versions import write_versions


def main(snakemake):
    inp, params = snakemake.input, snakemake.params
    with log_to(snakemake.log[0]) as log:
        knowledge = [*inp.knowledge, inp.drugs, inp.regions]
        rows = write_versions(snakemake.output[0], params.workflow_version, params.envs, knowledge)
        for row in rows:
            print("\t".join(row[c] for c in ("component", "kind", "version", "source")), file=log)


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
