"""Rule track_fusions (rules/rna_fusions.smk): a patient's fusions in every one of its RNA
samples, called or measured at the same breakpoints."""

from resistance_timeline.io.logs import log_to
from resistance_timeline.rna.fusion_tracking import track_patient, write_tracked
from resistance_timeline.rna.fusions import FusionSettings
from resistance_timeline.rna.strandedness import used_strandedness


def main(snakemake):
    inp, params = snakemake.input, snakemake.params
    with log_to(snakemake.log[0]) as log:
        settings = FusionSettings.from_params(params.settings)
        verdicts = inp.get("strandedness") or [None] * len(params.samples)
        strandedness = [used_strandedness(params.strandedness, v) for v in verdicts]
        rows = track_patient(params.samples, inp.calls, inp.bams, inp.genes, strandedness, settings)
        write_tracked(rows, params.patient, snakemake.output[0])
        print(f"{len(rows)} fusion × sample rows for {params.patient}", file=log)


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
