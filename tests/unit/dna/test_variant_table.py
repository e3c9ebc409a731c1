"""Annotation parsing, knowledge-base matching and the TSV of resistance_timeline.dna.variant_table
(canonical transcripts by the workflow's one rule, resistance_timeline.io.annotation)."""

import pysam
import pytest

from resistance_timeline.dna.variant_table import (
    pick_consequence,
    protein_hgvs,
    resistance_text,
    tabulate,
    write_table,
)
from resistance_timeline.io.annotation import canonical_transcripts_gff3
from resistance_timeline.knowledge.tables import load_markers


def canonical_transcripts(gff3_path):
    """The set the rule entry passes to tabulate."""
    return set(canonical_transcripts_gff3(gff3_path).values())


@pytest.mark.parametrize(
    "csq, expected",
    [
        ("1196L>1196Q", "p.L1196Q"),
        ("1174F>1174L", "p.F1174L"),
        ("61Q>61K", "p.Q61K"),
        ("61Q>61*", "p.Q61*"),
        ("1196L", "p.L1196="),
        ("4SA>4S", "p.A5del"),
        ("746ELREAT>746T", "p.E746_A750del"),
        ("56VS>56VDS", "p.V56_S57insD"),
        ("56V>56VD", "p.V56delinsVD"),
        ("47A>47QA", "p.A47delinsQA"),
        ("10AB>10CD", "p.A10_B11delinsCD"),
        ("100E..>100X", "p.100E..>100X"),  # other forms keep csq's notation
        ("", ""),
    ],
)
def test_protein_hgvs(csq, expected):
    assert protein_hgvs(csq) == expected


def test_canonical_transcript_chosen_over_first(tmp_path):
    gff = tmp_path / "a.gff3"
    gff.write_text(
        "##gff-version 3\n"
        "chr2\t.\tmRNA\t1\t100\t.\t-\t.\tID=transcript:T2;Parent=gene:G;transcript_id=T2\n"
        "chr2\t.\tmRNA\t1\t100\t.\t-\t.\tID=transcript:T1;Parent=gene:G;transcript_id=T1;"
        "tag=basic,Ensembl_canonical\n"
    )
    canonical = canonical_transcripts(str(gff))
    assert canonical == {"T1"}
    bcsq = (  # INFO/BCSQ as pysam gives it
        "missense|ALK|T2|protein_coding|-|1190L>1190Q|100A>T",
        "missense|ALK|T1|protein_coding|-|1196L>1196Q|100A>T",
    )
    picked = pick_consequence(bcsq, canonical)
    assert picked == {
        "consequence": "missense",
        "gene": "ALK",
        "transcript": "T1",
        "protein": "p.L1196Q",
    }
    assert pick_consequence(None, canonical)["gene"] == ""


def test_canonical_rule_tag_then_longest_cds(tmp_path):
    gff = tmp_path / "b.gff3"
    rows = [  # gene A: the tagged transcript wins over a longer one; gene B: the longest CDS
        "chr1\t.\tgene\t1\t900\t.\t+\t.\tID=gene:A;Name=ALK",
        "chr1\t.\tmRNA\t1\t900\t.\t+\t.\tID=transcript:A1;Parent=gene:A;transcript_id=A1;"
        "tag=basic,Ensembl_canonical",
        "chr1\t.\tCDS\t10\t39\t.\t+\t0\tParent=transcript:A1",
        "chr1\t.\tmRNA\t1\t900\t.\t+\t.\tID=transcript:A2;Parent=gene:A;transcript_id=A2",
        "chr1\t.\tCDS\t10\t609\t.\t+\t0\tParent=transcript:A2",
        "chr1\t.\tgene\t1001\t1900\t.\t-\t.\tID=gene:B;Name=EGFR",
        "chr1\t.\tmRNA\t1001\t1900\t.\t-\t.\tID=transcript:B1;Parent=gene:B;transcript_id=B1",
        "chr1\t.\tCDS\t1010\t1039\t.\t-\t0\tParent=transcript:B1",
        "chr1\t.\tmRNA\t1001\t1900\t.\t-\t.\tID=transcript:B2;Parent=gene:B;transcript_id=B2",
        "chr1\t.\tCDS\t1010\t1099\t.\t-\t0\tParent=transcript:B2",
    ]
    gff.write_text("##gff-version 3\n" + "\n".join(rows) + "\n")
    assert canonical_transcripts_gff3(str(gff)) == {"A": "A1", "B": "B2"}
    canonical = canonical_transcripts(str(gff))
    alk = (
        "missense|ALK|A2|protein_coding|+|1200L>1200M|100A>T",
        "missense|ALK|A1|protein_coding|+|1196L>1196Q|100A>T",
    )
    assert pick_consequence(alk, canonical)["transcript"] == "A1"
    assert pick_consequence(alk, canonical)["protein"] == "p.L1196Q"
    egfr = (
        "missense|EGFR|B1|protein_coding|-|5T>5M|1020C>T",
        "missense|EGFR|B2|protein_coding|-|790T>790M|1020C>T",
    )
    assert pick_consequence(egfr, canonical)["transcript"] == "B2"
    assert pick_consequence(egfr, canonical)["protein"] == "p.T790M"
    # csq's compound references and short records are skipped
    assert pick_consequence(("@1001", "bad|x"), canonical)["transcript"] == ""


KB_HEADER = (
    "# version: test 2026-12-01\n"
    "gene\talteration\tdrug\teffect\tevidence\tevidence_level\tdisease\tsource\tnote\n"
)


def small_kb(tmp_path):
    kb = tmp_path / "kb.tsv"
    kb.write_text(
        KB_HEADER
        + "ALK\tL1196Q\talectinib\tresistance\tDOI:10.2147/OTT.S270481\tC\tIMT\tseed\tx\n"
        + "ALK\tL1196Q\tceritinib\tresponse\tDOI:10.2147/OTT.S270481\tC\tIMT\tseed\tx\n"
        + "XYZ1\tA2C\tdrugx\tsensitivity\tPMID:1\tD\tany\tseed\tany gene works\n"
        + "ALK\tL1196\tdrugy\tsensitivity\tPMID:2\tD\tany\tseed\tcodon row\n"
        + "ALK\tC1156Y+L1196Q\tdrugz\tresistance\tPMID:3\tD\tany\tseed\tcompound row\n"
        + "TP53\tLoss-of-function\tdrugw\tresistance\tPMID:4\tC\tany\tseed\tgene row\n"
    )
    return load_markers(str(kb))


def test_resistance_text_matches_gene_and_change_any_gene(tmp_path):
    markers = small_kb(tmp_path)
    text = resistance_text(markers, "ALK", "p.L1196Q")
    assert text == (
        "alectinib: resistance (DOI:10.2147/OTT.S270481); "
        "ceritinib: response (DOI:10.2147/OTT.S270481); "
        "drugy: sensitivity (PMID:2) [codon L1196]"
    )
    assert resistance_text(markers, "XYZ1", "p.A2C") == "drugx: sensitivity (PMID:1)"
    codon = "drugy: sensitivity (PMID:2) [codon L1196]"
    assert resistance_text(markers, "ALK", "p.L1196M") == codon
    assert resistance_text(markers, "ALK", "p.L1198F") == ""
    assert resistance_text(markers, "", "") == ""
    # a compound row needs every part among the patient's variants
    both = [("snv", "ALK", "p.C1156Y"), ("snv", "ALK", "p.L1196Q")]
    assert "drugz: resistance (PMID:3) [compound C1156Y+L1196Q]" in resistance_text(
        markers, "ALK", "p.L1196Q", both
    )


def test_gene_level_rows_reach_somatic_variants_only(tmp_path):
    markers = small_kb(tmp_path)
    gene_row = "drugw: resistance (PMID:4) [gene Loss-of-function]"
    assert resistance_text(markers, "TP53", "p.R213*") == gene_row
    assert resistance_text(markers, "TP53", "p.R213*", origin="germline") == ""
    assert resistance_text(markers, "TP53", "p.R213*", origin="artefact") == ""


def test_tabulate_blank_when_missing_and_floats_as_vcf(tmp_path):
    header = pysam.VariantHeader()
    header.contigs.add("chr1", length=1000)
    for line in (
        '##INFO=<ID=END,Number=1,Type=Integer,Description="end">',
        '##INFO=<ID=ORIGIN,Number=1,Type=String,Description="o">',
        '##INFO=<ID=BCSQ,Number=.,Type=String,Description="csq">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="g">',
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="ad">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="dp">',
        '##FORMAT=<ID=AF,Number=A,Type=Float,Description="af">',
        '##FORMAT=<ID=AFLO,Number=A,Type=Float,Description="lo">',
        '##FORMAT=<ID=AFHI,Number=A,Type=Float,Description="hi">',
        '##FORMAT=<ID=DL,Number=1,Type=Float,Description="dl">',
        '##FORMAT=<ID=ST,Number=1,Type=String,Description="st">',
        '##FORMAT=<ID=FL,Number=2,Type=Integer,Description="fl">',
        '##INFO=<ID=BGVAF,Number=1,Type=Float,Description="bg">',
        '##FORMAT=<ID=BP,Number=1,Type=Float,Description="bp">',
    ):
        header.add_line(line)
    for name in ("N", "T"):
        header.add_sample(name)
    path = str(tmp_path / "v.vcf.gz")
    with pysam.VariantFile(path, "wz", header=header) as out:
        rec = out.new_record(contig="chr1", start=99, stop=100, alleles=("C", "T"))
        rec.info["ORIGIN"] = "somatic"
        rec.info["BCSQ"] = ("missense|ALK|T1|protein_coding|+|1196L>1196Q|100C>T",)
        n, t = rec.samples["N"], rec.samples["T"]
        n["GT"], n["AD"], n["DP"], n["ST"] = (None, None), (2, 0), 2, "not_covered"
        t["GT"], t["AD"], t["DP"], t["ST"] = (0, 1), (60, 3), 63, "detected"
        t["AF"], t["AFLO"], t["AFHI"], t["DL"] = 3 / 63, 0.0163, 0.13, 0.0004567
        t["FL"], t["BP"] = (148, 166), 2.5e-7
        rec.info["BGVAF"] = 0.0001
        out.write(rec)
        rec = out.new_record(contig="chr1", start=199, stop=200, alleles=("A", "<DEL>"))
        rec.samples["N"]["GT"] = rec.samples["T"]["GT"] = (None, None)
        out.write(rec)
    samples = [
        {"sample_id": "N", "material": "normal", "day": 0},
        {"sample_id": "T", "material": "tumor", "day": 30},
    ]
    out_tsv = tmp_path / "v.tsv"
    kb = small_kb(tmp_path)
    write_table(tabulate(path, samples, "P1", {"T1"}, kb), out_tsv)
    lines = [line.split("\t") for line in out_tsv.read_text().splitlines()]
    assert len(lines) == 5 and len(lines[0]) == 27
    rows = [dict(zip(lines[0], line, strict=True)) for line in lines[1:]]
    assert rows[0]["vaf"] == rows[0]["detection_limit"] == "" and rows[0]["ref_reads"] == "2"
    assert rows[0]["status"] == "not_covered" and rows[0]["protein"] == "p.L1196Q"
    assert rows[0]["alt_median_fragment"] == rows[0]["ref_median_fragment"] == ""
    assert (rows[1]["alt_median_fragment"], rows[1]["ref_median_fragment"]) == ("148", "166")
    assert rows[0]["resistance"].startswith("alectinib: resistance (DOI:10.2147/OTT.S270481)")
    assert rows[0]["knowledge_version"] == kb.version
    assert kb.version.startswith("test 2026-12-01; sha256:")
    t = rows[1]
    # float32 values as the VCF holds them, with write_tsv's 6 significant digits
    assert (t["vaf"], t["vaf_low"], t["vaf_high"], t["detection_limit"]) == (
        "0.047619",
        "0.0163",
        "0.13",
        "0.0004567",
    )
    assert (t["ref_reads"], t["alt_reads"], t["depth"], t["origin"]) == ("60", "3", "63", "somatic")
    assert (t["background_vaf"], t["background_p"]) == ("0.0001", "2.5e-07")
    assert rows[0]["background_vaf"] == "0.0001" and rows[0]["background_p"] == ""
    sv = rows[2]  # GT only: every count blank
    assert sv["alt"] == "<DEL>" and sv["ref_reads"] == sv["depth"] == sv["status"] == ""
    assert sv["gene"] == sv["origin"] == sv["background_vaf"] == "" and sv["day"] == "0"
    with pytest.raises(ValueError, match="lacks samples"):
        list(tabulate(path, [{"sample_id": "X", "material": "tumor", "day": 1}], "P1", set(), kb))
