"""Rule summarize_fragments (rules/dna_align.smk): a patient's fragment-length table,
distribution and figure from its WES samples' samtools stats (resistance_timeline.dna.fragments)."""

from resistance_timeline.dna.fragment_plots import plot_fragment_lengths
from resistance_timeline.dna.fragments import tabulate, write_fragments
from resistance_timeline.io.logs import log_to


def main(snakemake):
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    with log_to(snakemake.log[0]) as log:
        settings = params.settings
        rows, lengths = tabulate(params.samples, inp.stats, settings["short"], settings["window"])
        write_fragments(rows, lengths, params.patient, out.table, out.lengths)
        plot_fragment_lengths(lengths, rows, params.patient, [out.png, out.svg])
        for r in rows:
            print(
                f"{r['sample_id']}: {r['fragments']} pairs, median {r['median_fragment']}", file=log
            )


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
