"""Rule call_fusions (rules/rna_fusions.smk): fusion candidates of one RNA sample from its BAM,
the passing calls and every candidate with its filter."""

from resistance_timeline.io.logs import log_to
from resistance_timeline.knowledge.tables import knowledge_version
from resistance_timeline.rna.fusion_evidence import count_chimeric_junctions
from resistance_timeline.rna.fusions import FusionSettings, call_fusions, write_calls
from resistance_timeline.rna.strandedness import used_strandedness


def main(snakemake):
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    with log_to(snakemake.log[0]) as log:
        settings = FusionSettings.from_params(params.settings)
        strandedness = used_strandedness(params.strandedness, inp.get("strandedness"))
        rows = call_fusions(
            inp.bam,
            inp.genes,
            params.sample_id,
            settings,
            strandedness,
            knowledge=inp.knowledge,
            fasta=inp.fasta,
            imbalance=inp.get("imbalance"),
        )
        version = knowledge_version(list(inp.knowledge), inp.drugs, inp.regions)
        passing = write_calls(rows, out.fusions, out.candidates, version)
        # optional cross-check only: STAR's WithinBAM records already hold this evidence
        junctions = inp.get("junctions")
        if junctions:
            n = count_chimeric_junctions(junctions)
            print(
                f"Chimeric.out.junction: {n} chimeric reads (not used; evidence read from the BAM)",
                file=log,
            )
        print(
            f"{len(rows)} candidates, {len(passing)} passing (read as {strandedness})",
            file=log,
        )


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
