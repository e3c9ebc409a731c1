"""The molecular profiles of the cBioPortal study (export/cbioportal.py writes the rest), each
from the workflow's own result table and only when the cohort has it:

- mutations: ``data_mutations.txt`` (the somatic detections as MAF, dna/maf.py) and
  ``data_mutations_uncalled.txt`` (``Mutation_Status`` UNCALLED, with read counts, where a
  variant was measured but not called: the patient view's VAF at every timepoint);
- copy number from ``results/cnv/{patient}.genes.tsv``: discrete (``data_cna.txt``, stable id
  ``cna``: amplification 2, gain 1, neutral 0, loss -1, deep_loss -2, not_called NA) and
  log2 copy ratios (``data_log2_cna.txt``, ``log2CNA``) per gene and sample, and CNVkit's
  segments (``data_cna_<genome>.seg``; 0-based starts, exclusive ends, as CNVkit writes them
  and the SEG format reads them). cBioPortal knows chromosomes 1-22, X and Y only: segments
  on other contigs (chrM, unplaced, alt) are left out and counted in the rule's log;
- structural variants (``data_sv.txt``, ``structural_variants``): every fusion detected in a
  sample (results/fusions/{patient}.fusions.tsv, status detected), with its breakpoints,
  exons, frame (``Site2_Effect_On_Frame`` In_frame / Frameshift) and split and spanning reads;
- expression from ``results/expression/normalized.tsv``: DESeq2's size-factor normalised
  counts (``data_mrna_seq_expression.txt``, ``rna_seq_mrna``) and, per gene, z-scores of the
  variance-stabilised values against every RNA sample of the cohort
  (``data_mrna_seq_zscores.txt``, ``rna_seq_mrna_median_all_sample_Zscores``: cBioPortal's
  all-samples reference). A gene name that occurs twice (GENCODE has a few) keeps its row with
  the highest mean count; a gene without a name is given by its gene id. The per-patient
  fold changes stay in results/expression/ (cBioPortal has no per-contrast profile).
"""

import math
import re

import pandas as pd

from resistance_timeline.dna.maf import COLUMNS as MAF_COLUMNS
from resistance_timeline.dna.maf import VERSION_LINE, maf_rows
from resistance_timeline.io.tables import read_tsv

DISCRETE = {"amplification": 2, "gain": 1, "neutral": 0, "loss": -1, "deep_loss": -2}
CHROMOSOME = re.compile(r"^(?:chr)?([0-9]+|X|Y)$")
SV_COLUMNS = [
    *("Sample_Id", "SV_Status", "Site1_Hugo_Symbol", "Site1_Chromosome", "Site1_Position"),
    *("Site1_Region", "Site1_Region_Number", "Site2_Hugo_Symbol", "Site2_Chromosome"),
    *("Site2_Position", "Site2_Region", "Site2_Region_Number", "Site2_Effect_On_Frame"),
    *("NCBI_Build", "DNA_Support", "RNA_Support", "Tumor_Split_Read_Count"),
    *("Tumor_Paired_End_Read_Count", "Event_Info", "Class", "Annotation"),
]
FRAME = {"true": "In_frame", "false": "Frameshift"}


def mutations(study, variant_tables, build):
    """The two mutation profiles; returns the sample ids with a called mutation's row or an
    uncalled measurement (every WES sample genotyped)."""
    called, uncalled = [], []
    for path in variant_tables:
        rows = read_tsv(path, keep=lambda r: r["origin"] == "somatic")
        called += maf_rows(rows, build)
        uncalled += [r for r in maf_rows(rows, build, uncalled=True) if r["t_depth"] != "0"]
    study.table("data_mutations.txt", called, MAF_COLUMNS, preamble=VERSION_LINE)
    study.table("data_mutations_uncalled.txt", uncalled, MAF_COLUMNS, preamble=VERSION_LINE)
    described = "somatic variants of the WES samples (resistance-timeline)"
    study.profile("mutations", "MUTATION_EXTENDED", "MAF", "mutations", "Mutations", described)
    study.profile(
        "mutations_uncalled",
        "MUTATION_UNCALLED",
        "MAF",
        "mutations_uncalled",
        "Uncalled mutations",
        "the same variants where they were measured but not called",
        show=False,
    )


def gene_matrix(rows, samples, value):
    """Gene-wise rows (``Hugo_Symbol`` then one column per sample, 'NA' where a sample has no
    value), genes in first-seen order; ``value(row)`` is a row's cell."""
    genes = {}
    for row in rows:
        genes.setdefault(row["gene"], dict.fromkeys(samples, "NA"))[row["sample_id"]] = value(row)
    return [{"Hugo_Symbol": gene} | cells for gene, cells in genes.items()]


def copy_number(study, gene_tables):
    """Discrete and log2 copy number per gene and sample; returns the samples profiled."""
    rows = [row for path in gene_tables for row in read_tsv(path)]
    samples = list(dict.fromkeys(r["sample_id"] for r in rows))
    if not samples:
        return []
    columns = ["Hugo_Symbol", *samples]
    discrete = gene_matrix(rows, samples, lambda r: DISCRETE.get(r["call"], "NA"))
    study.table("data_cna.txt", discrete, columns)
    log2 = gene_matrix(rows, samples, lambda r: r["log2_ratio"] or "NA")
    study.table("data_log2_cna.txt", log2, columns)
    study.profile(
        "cna",
        "COPY_NUMBER_ALTERATION",
        "DISCRETE",
        "cna",
        "Copy-number alterations",
        "gene calls of CNVkit copy ratios, purity-adjusted where the purity is known "
        "(2 amplification, 1 gain, 0 neutral, -1 loss, -2 deep loss)",
    )
    study.profile(
        "log2_cna",
        "COPY_NUMBER_ALTERATION",
        "LOG2-VALUE",
        "log2CNA",
        "Log2 copy ratios",
        "CNVkit log2 copy ratio of each gene's segment",
        show=False,
    )
    return samples


def segments(study, segment_tables, genome):
    """CNVkit's segments of every sample (``segment_tables``: sample id -> .cns path) as one
    SEG file; returns the number of segments left out (contigs cBioPortal does not know)."""
    rows, left_out = [], 0
    for sample, path in segment_tables.items():
        for seg in read_tsv(path):
            match = CHROMOSOME.match(seg["chromosome"])
            if not match:
                left_out += 1
                continue
            rows.append(
                {
                    "ID": sample,
                    "chrom": match.group(1),
                    "loc.start": seg["start"],
                    "loc.end": seg["end"],
                    "num.mark": seg["probes"],
                    "seg.mean": seg["log2"],
                }
            )
    name = f"cna_{genome}_seg"
    study.table(
        f"data_{name}.seg",
        rows,
        ["ID", "chrom", "loc.start", "loc.end"]
        + [
            "num.mark",
            "seg.mean",
        ],
    )
    study.meta(
        f"meta_{name}.txt",
        {
            "genetic_alteration_type": "COPY_NUMBER_ALTERATION",
            "datatype": "SEG",
            "reference_genome_id": genome,
            "description": "CNVkit segments (log2 copy ratio) of the WES tumour and cfDNA samples",
            "data_filename": f"data_{name}.seg",
        },
    )
    return left_out


def _site(breakpoint):
    contig, _, position = breakpoint.rpartition(":")
    match = CHROMOSOME.match(contig)
    return (match.group(1) if match else contig), position


def structural_variants(study, fusion_tables, build):
    """Every detected fusion of the patients' fusion tables as an SV row."""
    rows = []
    for path in fusion_tables:
        for f in read_tsv(path, keep=lambda r: r["status"] == "detected"):
            gene5, _, gene3 = f["fusion"].partition("::")
            chrom5, pos5 = _site(f["breakpoint5"])
            chrom3, pos3 = _site(f["breakpoint3"])
            rows.append(
                {
                    "Sample_Id": f["sample_id"],
                    "SV_Status": "SOMATIC",
                    **_side("Site1", gene5, chrom5, pos5, f["exon5"]),
                    **_side("Site2", gene3, chrom3, pos3, f["exon3"]),
                    "Site2_Effect_On_Frame": FRAME.get(f["in_frame"], "NA"),
                    "NCBI_Build": build,
                    "DNA_Support": "no",
                    "RNA_Support": "yes",
                    "Tumor_Split_Read_Count": f["split_reads"],
                    "Tumor_Paired_End_Read_Count": f["spanning_pairs"],
                    "Event_Info": f"{f['fusion']} fusion",
                    "Class": "FUSION",
                    "Annotation": f["driver_evidence"] or "NA",
                }
            )
    study.table("data_sv.txt", rows, SV_COLUMNS)
    study.profile(
        "sv",
        "STRUCTURAL_VARIANT",
        "SV",
        "structural_variants",
        "Structural variants",
        "gene fusions called from RNA-Seq chimeric reads (resistance-timeline)",
    )


def _side(site, gene, chrom, position, exon):
    return {
        f"{site}_Hugo_Symbol": gene,
        f"{site}_Chromosome": chrom,
        f"{site}_Position": position,
        f"{site}_Region": "EXON" if exon else "NA",
        f"{site}_Region_Number": exon or "NA",
    }


def expression(study, normalized_path):
    """Normalised counts and all-sample z-scores; returns the samples profiled."""
    table = pd.read_csv(normalized_path, sep="\t", dtype={"gene_id": str, "gene_name": str})
    samples = [c.removesuffix(".normalized") for c in table.columns if c.endswith(".normalized")]
    if not samples or table.empty:
        return []
    counts = table[[f"{s}.normalized" for s in samples]].to_numpy(dtype=float)
    vst = table[[f"{s}.vst" for s in samples]].to_numpy(dtype=float)
    named = table["gene_name"].fillna("")
    names = named.where(named != "", table["gene_id"])
    best = {}  # a name that occurs twice: the row with the highest mean count
    for i in sorted(range(len(table)), key=lambda i: -counts[i].mean()):
        best.setdefault(names.iloc[i], i)
    kept = sorted(best.values())
    columns = ["Hugo_Symbol", *samples]
    study.table(
        "data_mrna_seq_expression.txt",
        [{"Hugo_Symbol": names.iloc[i]} | dict(zip(samples, counts[i])) for i in kept],
        columns,
    )
    study.table(
        "data_mrna_seq_zscores.txt",
        [{"Hugo_Symbol": names.iloc[i]} | dict(zip(samples, zscores(vst[i]))) for i in kept],
        columns,
    )
    study.profile(
        "mrna_seq_expression",
        "MRNA_EXPRESSION",
        "CONTINUOUS",
        "rna_seq_mrna",
        "mRNA expression (normalised counts)",
        "DESeq2 size-factor normalised read counts per gene",
        show=False,
    )
    study.profile(
        "mrna_seq_zscores",
        "MRNA_EXPRESSION",
        "Z-SCORE",
        "rna_seq_mrna_median_all_sample_Zscores",
        "mRNA expression z-scores relative to all samples",
        "per gene, z-scores of DESeq2 variance-stabilised expression over all RNA samples",
    )
    return samples


def zscores(values):
    """(x - mean) / sd (sample sd) over the samples; 'NA' for every sample of a gene whose
    values do not vary (or with fewer than two samples)."""
    n = len(values)
    mean = sum(values) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1)) if n > 1 else 0.0
    if not sd > 0:
        return ["NA"] * n
    return [(v - mean) / sd for v in values]
