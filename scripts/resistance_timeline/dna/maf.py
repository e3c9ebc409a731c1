"""Somatic variants as MAF (``results/variants/{patient}.maf``, ``results/variants/cohort.maf``):
the GDC MAF columns maftools and cBioPortal's importer read, one row per somatic variant and
tumour or cfDNA sample where it was detected, the matched normal's read counts beside it, and
this workflow's own columns at the end (origin, VAF with its interval, detection limit, day,
material).

Positions and alleles follow MAF, not VCF (GDC MAF format; vcf2maf does the same): the bases
shared by REF and ALT are dropped (first the leading ones, e.g. VCF's anchor base, then the
trailing ones); a deletion's Start/End are its first and last deleted base and its
Tumor_Seq_Allele2 is '-'; an insertion's Start/End are the bases either side of it and its
Reference_Allele is '-'; substitutions of 1, 2, 3 or more bases are SNP, DNP, TNP, ONP; a
complex change of unequal lengths is INS or DEL by which allele is longer. The variants are
left-aligned already (bcftools norm). Variant_Classification comes from bcftools csq's
consequence on the canonical transcript, the most severe of a combined one
("missense&splice_region" -> Missense_Mutation).

Own code, not vcf2maf: vcf2maf needs VEP and its cache; the consequences here are csq's.
"""

from resistance_timeline.io.tables import read_tsv, write_tsv

MAF_COLUMNS = [
    *("Hugo_Symbol", "Entrez_Gene_Id", "Center", "NCBI_Build", "Chromosome"),
    *("Start_Position", "End_Position", "Strand", "Variant_Classification", "Variant_Type"),
    *("Reference_Allele", "Tumor_Seq_Allele1", "Tumor_Seq_Allele2", "dbSNP_RS"),
    *("Tumor_Sample_Barcode", "Matched_Norm_Sample_Barcode", "Match_Norm_Seq_Allele1"),
    *("Match_Norm_Seq_Allele2", "Mutation_Status", "HGVSp_Short", "Transcript_ID"),
    *("t_depth", "t_ref_count", "t_alt_count", "n_depth", "n_ref_count", "n_alt_count"),
]
OWN_COLUMNS = ["origin", "vaf", "vaf_low", "vaf_high", "detection_limit", "day", "material"]
COLUMNS = MAF_COLUMNS + OWN_COLUMNS
VERSION_LINE = "#version 2.4\n"
CENTER = "resistance-timeline"
# csq consequence -> MAF Variant_Classification, most severe first; None: by Variant_Type
SEVERITY = [
    ("frameshift", None),
    ("stop_gained", "Nonsense_Mutation"),
    ("stop_lost", "Nonstop_Mutation"),
    ("start_lost", "Translation_Start_Site"),
    ("splice_acceptor", "Splice_Site"),
    ("splice_donor", "Splice_Site"),
    ("inframe_deletion", "In_Frame_Del"),
    ("inframe_insertion", "In_Frame_Ins"),
    ("inframe_altering", None),
    ("missense", "Missense_Mutation"),
    ("splice_region", "Splice_Region"),
    ("synonymous", "Silent"),
    ("stop_retained", "Silent"),
    ("start_retained", "Silent"),
    ("5_prime_utr", "5'UTR"),
    ("3_prime_utr", "3'UTR"),
    ("intron", "Intron"),
    ("non_coding", "RNA"),
]


def maf_alleles(pos, ref, alt):
    """(Start_Position, End_Position, Reference_Allele, Tumor_Seq_Allele2, Variant_Type) of
    a VCF allele pair at 1-based ``pos`` (module docstring)."""
    prefix = 0
    while prefix < min(len(ref), len(alt)) and ref[prefix] == alt[prefix]:
        prefix += 1
    ref, alt, start = ref[prefix:], alt[prefix:], pos + prefix
    while ref and alt and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    if not ref:
        return start - 1, start, "-", alt, "INS"
    if not alt:
        return start, start + len(ref) - 1, ref, "-", "DEL"
    if len(ref) == len(alt):
        kind = {1: "SNP", 2: "DNP", 3: "TNP"}.get(len(ref), "ONP")
    else:
        kind = "INS" if len(alt) > len(ref) else "DEL"
    return start, start + len(ref) - 1, ref, alt, kind


def classification(consequence, variant_type, gene):
    """MAF Variant_Classification of csq's consequence ('' with no gene: IGR)."""
    found = {c.lstrip("*") for c in (consequence or "").split("&") if c}
    for name, maf in SEVERITY:
        if name in found:
            if maf:
                return maf
            if name == "frameshift":
                return "Frame_Shift_Ins" if variant_type == "INS" else "Frame_Shift_Del"
            return "In_Frame_Ins" if variant_type == "INS" else "In_Frame_Del"
    return "IGR" if not gene else "Targeted_Region"


def maf_rows(rows, build, uncalled=False):
    """MAF rows of one patient's variants table rows (dicts as read_tsv gives them): its
    somatic detections; with ``uncalled``, instead its somatic variants measured but not
    detected in a tumour or cfDNA sample (Mutation_Status UNCALLED, with their read counts:
    cBioPortal's uncalled mutations, which show a variant's VAF at every timepoint)."""
    normals = {}
    for r in rows:
        if r["material"] == "normal":
            normals[(r["contig"], r["pos"], r["ref"], r["alt"])] = r
    out = []
    for r in rows:
        if r["origin"] != "somatic" or r["material"] == "normal":
            continue
        if (r["status"] == "detected") == uncalled:
            continue
        start, end, ref, alt, kind = maf_alleles(int(r["pos"]), r["ref"], r["alt"])
        normal = normals.get((r["contig"], r["pos"], r["ref"], r["alt"]), {})
        out.append(
            {
                "Hugo_Symbol": r["gene"] or "Unknown",
                "Entrez_Gene_Id": 0,
                "Center": CENTER,
                "NCBI_Build": build,
                "Chromosome": r["contig"],
                "Start_Position": start,
                "End_Position": end,
                "Strand": "+",
                "Variant_Classification": classification(r["consequence"], kind, r["gene"]),
                "Variant_Type": kind,
                "Reference_Allele": ref,
                "Tumor_Seq_Allele1": ref,
                "Tumor_Seq_Allele2": alt,
                "dbSNP_RS": "",
                "Tumor_Sample_Barcode": r["sample_id"],
                "Matched_Norm_Sample_Barcode": normal.get("sample_id", ""),
                "Match_Norm_Seq_Allele1": ref if normal else "",
                "Match_Norm_Seq_Allele2": ref if normal else "",
                "Mutation_Status": "UNCALLED" if uncalled else "Somatic",
                "HGVSp_Short": r["protein"],
                "Transcript_ID": r["transcript"],
                "t_depth": r["depth"],
                "t_ref_count": r["ref_reads"],
                "t_alt_count": r["alt_reads"],
                "n_depth": normal.get("depth", ""),
                "n_ref_count": normal.get("ref_reads", ""),
                "n_alt_count": normal.get("alt_reads", ""),
                **{c: r[c] for c in OWN_COLUMNS},
            }
        )
    return out


def write_maf(rows, path):
    """A MAF file: the version line, then the table."""
    write_tsv(rows, path, COLUMNS, preamble=VERSION_LINE)


def patient_maf(variants_tsv, build, path):
    """The patient's MAF from its variants table; returns the number of rows."""
    rows = maf_rows(read_tsv(variants_tsv, keep=lambda r: r["origin"] == "somatic"), build)
    write_maf(rows, path)
    return len(rows)


def cohort_maf(paths, path):
    """Every patient's MAF in one (one version line and header); returns the rows."""
    rows = [row for p in paths for row in read_tsv(p)]
    write_maf(rows, path)
    return len(rows)
