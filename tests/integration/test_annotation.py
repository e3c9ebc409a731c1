"""bcftools csq as the annotate_variants rule runs it: each variant on its own. An in-frame
deletion a few codons upstream of ALK L1196 (phased on the same haplotype: the worst case) must
not change how L1196Q is named (haplotype-aware csq reports it as 1196L>1195Q there)."""

import subprocess

import pysam

from helpers import REPO


def test_rule_uses_local_csq():
    assert "--local-csq" in (REPO / "rules" / "dna_variants.smk").read_text()


def test_upstream_indel_does_not_renumber_l1196q(demo_cohort, tmp_path):
    ref = demo_cohort / "reference"
    fasta = pysam.FastaFile(str(ref / "genome.fa"))
    deletion_ref = fasta.fetch("chr2", 24599, 24603)  # 1-based 24600-24603, 6 codons upstream
    vcf = tmp_path / "in.vcf"
    vcf.write_text(
        f"##fileformat=VCFv4.2\n##contig=<ID=chr2,length={fasta.get_reference_length('chr2')}>\n"
        + '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
        + "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tT\n"
        + "chr2\t24583\t.\tA\tT\t.\t.\t.\tGT\t0|1\n"
        + f"chr2\t24600\t.\t{deletion_ref}\t{deletion_ref[0]}\t.\t.\t.\tGT\t0|1\n"
    )
    csq = ["bcftools", "csq", "--local-csq", "-f", str(ref / "genome.fa")]
    csq += ["-g", str(ref / "annotation.gff3"), "--force", str(vcf)]
    out = subprocess.run(csq, capture_output=True, text=True, check=True).stdout
    records = {line.split("\t")[1]: line for line in out.splitlines() if line.startswith("chr2")}
    assert "missense|ALK|" in records["24583"] and "1196L>1196Q" in records["24583"]
    assert (
        "inframe_deletion|ALK|" in records["24600"] or "inframe_altering|ALK|" in records["24600"]
    )
