"""Entry of rule build_panel_of_normals (rules/dna_panel.smk): merge the chunks' pileups of the
panel's normals into the per-site table; see resistance_timeline.dna.panel_of_normals."""

import sys

from resistance_timeline.dna.panel_of_normals import write_panel
from resistance_timeline.io.logs import log_to


def main(snakemake):
    with log_to(snakemake.log[0]):
        settings = {
            "min_mapq": snakemake.params.min_mapq,
            "min_baseq": snakemake.params.min_baseq,
            "min_alt_reads": snakemake.params.min_alt_reads,
        }
        normals = list(snakemake.params.normals)
        rows = write_panel(
            list(snakemake.input.pileups),
            snakemake.output.table,
            normals,
            settings,
            snakemake.input.targets,
        )
        print(f"{rows} rows from {len(normals)} normals: {', '.join(normals)}", file=sys.stderr)


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
