"""Rule build_cbioportal_study: the cohort as a cBioPortal study
(resistance_timeline.export.cbioportal)."""

from pathlib import Path

from resistance_timeline.export.cbioportal import write_study
from resistance_timeline.io.logs import log_to
from resistance_timeline.io.tables import read_tsv


def main(snakemake):
    with log_to(snakemake.log[0]) as log:
        i, p = snakemake.input, snakemake.params
        tables = {
            "samples": read_tsv(i.samples),
            "treatments": p.treatments,
            "segments": {Path(path).stem: path for path in i.segments},  # <sample>.cns
            "normalized": i.normalized[0] if i.normalized else None,
        }
        for key in ("variants", "cnv", "tumour_fraction", "fusions", "events", "timelines"):
            tables[key] = list(i[key])
        study = write_study(tables, p.settings, p.build, snakemake.output[0])
        print(f"{len(study.files)} files: {', '.join(study.files)}", file=log)
        for note in study.notes:
            print(note, file=log)


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
