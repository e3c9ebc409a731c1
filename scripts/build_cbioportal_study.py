"""Rule build_cbioportal_study: the cohort as a cBioPortal study
(resistance_timeline.export.cbioportal)."""

from resistance_timeline.export.cbioportal import write_study
from resistance_timeline.io.logs import log_to
from resistance_timeline.io.tables import read_tsv


def main(snakemake):
    with log_to(snakemake.log[0]) as log:
        p = snakemake.params
        variants = dict(zip(p.patients, snakemake.input.variants, strict=True))
        samples = read_tsv(snakemake.input.samples)
        files = write_study(
            samples, p.treatments, variants, p.settings, p.build, snakemake.output[0]
        )
        print(f"{len(files)} files: {', '.join(files)}", file=log)


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
