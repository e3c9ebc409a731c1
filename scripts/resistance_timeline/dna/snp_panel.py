"""The SNP panel of the identity check (``identity.snp_panel``): the shipped panel of common
exonic SNPs for GRCh38, how it was made from its public source, and whether it fits the
reference a run uses.

The shipped panel (``resources/identity/ngscheckmate_snps_GRCh38.vcf.gz``) is NGSCheckMate's
SNP set (Lee et al. 2017, Nucleic Acids Res 45:e103, PMID:28369524; github.com/parklab/
NGSCheckMate, ``SNP/SNP_GRCh38_hg38_wChr.bed``, MIT licence): 20,920 exonic SNPs chosen to tell
individuals apart from exome and RNA reads. ``vcf_from_bed`` turns its BED (0-based start,
end, rsid, REF, ALT) into a sites VCF with GRCh38's contig lengths in the header; entries on
alt contigs, entries wider than one base (lift-over leftovers), one whose ALT is its REF and
a second rsid at a position already given are left out and counted (6, 5, 1 and 27: 20,881
sites). The BED gives no allele frequencies: the
identity check then takes ``identity.allele_frequency``.

``auto`` (the default of ``identity.snp_panel``) uses the shipped panel only where it fits:
the reference has the panel's contigs under the same names with GRCh38's lengths
(``panel_fit``) — a real GRCh38 with UCSC names, not the demo's mini genome or an Ensembl-
named one (for those, give a panel of your own).
"""

import pysam

SHIPPED = "resources/identity/ngscheckmate_snps_GRCh38.vcf.gz"  # = setup.config's
# GRCh38 primary chromosome lengths (UCSC hg38.chrom.sizes; the same in GENCODE's GRCh38)
GRCH38 = {
    "chr1": 248956422,
    "chr2": 242193529,
    "chr3": 198295559,
    "chr4": 190214555,
    "chr5": 181538259,
    "chr6": 170805979,
    "chr7": 159345973,
    "chr8": 145138636,
    "chr9": 138394717,
    "chr10": 133797422,
    "chr11": 135086622,
    "chr12": 133275309,
    "chr13": 114364328,
    "chr14": 107043718,
    "chr15": 101991189,
    "chr16": 90338345,
    "chr17": 83257441,
    "chr18": 80373285,
    "chr19": 58617616,
    "chr20": 64444167,
    "chr21": 46709983,
    "chr22": 50818468,
    "chrX": 156040895,
    "chrY": 57227415,
}


def vcf_from_bed(lines, lengths, provenance):
    """(VCF text, counts of what was left out) from the BED's lines; ``provenance``: '##'
    header lines (without the '##') saying where the panel comes from."""
    order = {name: i for i, name in enumerate(lengths)}
    kept, seen = [], set()
    left_out = {"other_contig": 0, "not_one_base": 0, "ref_is_alt": 0, "same_position": 0}
    for line in lines:
        if not line.strip() or line.startswith(("#", "track", "browser")):
            continue
        contig, start, end, rsid, ref, alt = line.rstrip("\n").split("\t")[:6]
        if contig not in lengths:
            left_out["other_contig"] += 1
        elif int(end) - int(start) != 1 or len(ref) != 1 or len(alt) != 1:
            left_out["not_one_base"] += 1
        elif ref.upper() == alt.upper():
            left_out["ref_is_alt"] += 1
        elif (contig, int(end)) in seen:
            left_out["same_position"] += 1
        else:
            seen.add((contig, int(end)))
            kept.append((order[contig], int(end), contig, rsid, ref.upper(), alt.upper()))
    header = ["##fileformat=VCFv4.2", *(f"##{line}" for line in provenance)]
    header += [f"##contig=<ID={name},length={length}>" for name, length in lengths.items()]
    header.append("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO")
    body = [
        f"{c}\t{pos}\t{rsid}\t{ref}\t{alt}\t.\t.\t." for _, pos, c, rsid, ref, alt in sorted(kept)
    ]
    return "\n".join(header + body) + "\n", left_out


def panel_contigs(vcf_path):
    """Contig name -> length of the panel VCF's ``##contig`` header lines (those with one)."""
    with pysam.VariantFile(str(vcf_path)) as vcf:
        return {c.name: c.length for c in vcf.header.contigs.values() if c.length}


def panel_fit(panel, reference):
    """(fits, reason): the panel's contigs (name -> length) against the reference's."""
    shared = [c for c in panel if c in reference]
    if not shared:
        return False, "the reference has none of the panel's contigs (" + ", ".join(
            list(panel)[:3]
        ) + " ...)"
    differ = [c for c in shared if reference[c] != panel[c]]
    if differ:
        c = differ[0]
        return False, (
            f"the reference's {c} is {reference[c]:,} bp, the panel's {panel[c]:,} bp "
            f"({len(differ)} of {len(shared)} shared contigs differ): not the panel's genome"
        )
    return True, f"{len(shared)} contigs of the panel's genome"
