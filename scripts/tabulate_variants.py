"""Entry of rule tabulate_variants (rules/dna_variants.smk): the patient's annotated VCF as
one TSV row per variant × WES sample; see resistance_timeline.dna.variant_table."""

from resistance_timeline.dna.variant_table import tabulate, write_table
from resistance_timeline.io.annotation import canonical_transcripts_gff3
from resistance_timeline.io.logs import log_to
from resistance_timeline.knowledge.tables import load_knowledge


def main(snakemake):
    with log_to(snakemake.log[0]) as log:
        canonical = set(canonical_transcripts_gff3(snakemake.input.gff3).values())
        inp = snakemake.input
        knowledge = load_knowledge(list(inp.knowledge), inp.drugs, inp.regions)
        rows = tabulate(
            snakemake.input.vcf,
            snakemake.params.samples,
            snakemake.params.patient,
            canonical,
            knowledge,
        )
        write_table(rows, snakemake.output[0])
        print(f"{len(canonical)} canonical transcripts, knowledge {knowledge.version}", file=log)


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
