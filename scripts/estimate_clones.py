"""Rule estimate_clones (rules/clones.smk): a patient's tumour fraction per tumour and cfDNA
sample, tumour presence by pooling, cancer cell fractions and clusters of its somatic
variants, and the clone tree (results/clones/{patient}.tumour_fraction.tsv, .clusters.tsv,
.variants.tsv, .tree.tsv); the tumour fraction from copy number besides (clones.segment_fit)."""

from resistance_timeline.clones.run import estimate_patient
from resistance_timeline.io.logs import log_to


def main(snakemake):
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    with log_to(snakemake.log[0]):
        estimate_patient(
            params.patient,
            params.samples,
            inp.variants,
            inp.vcf,
            inp.genes,
            list(inp.segments),
            params.settings,
            {name: out[name] for name in ("tumour_fraction", "clusters", "variants", "tree")},
        )


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
