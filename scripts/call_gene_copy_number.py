"""Rule call_gene_copy_number (rules/dna_cnv.smk): gene-level copy number, B-allele fraction
and LOH of every tumour and cfDNA sample of a patient, in results/cnv/{patient}.genes.tsv."""

from resistance_timeline.cnv.allelic import read_het_snps
from resistance_timeline.cnv.gene_calls import (
    CallSettings,
    read_bins,
    read_segments,
    read_target_genes,
    sample_gene_rows,
    write_genes,
)
from resistance_timeline.io.logs import log_to


def main(snakemake):
    inp, params = snakemake.input, snakemake.params
    with log_to(snakemake.log[0]) as log:
        settings = CallSettings.from_params(params.settings)
        snps = read_het_snps(inp.genotypes, params.normal, params.settings["het_snp_vaf"])
        print(f"{len(snps)} germline heterozygous SNPs (normal: {params.normal})", file=log)
        genes = read_target_genes(inp.bins)
        rows = []
        for sample, cnr, cns in zip(params.samples, inp.cnr, inp.cns):
            if not sample.get("purity"):
                print(f"{sample['sample_id']}: no purity, copy number unadjusted", file=log)
            bins, segments = read_bins(cnr), read_segments(cns)
            mine = sample_gene_rows(sample, bins, segments, snps, params.reference, settings, genes)
            missing = [r["gene"] for r in mine if r["bins"] == 0]
            if missing:
                print(
                    f"{sample['sample_id']}: {len(missing)} genes not_called with 0 bins (no"
                    f" coverage in the sample or its reference): {', '.join(missing[:10])}",
                    file=log,
                )
            rows += mine
        write_genes(rows, params.patient, snakemake.output[0])
        changed = sum(r["call"] not in ("neutral", "not_called") for r in rows)
        print(f"{len(rows)} gene x sample rows, {changed} with a change", file=log)


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
