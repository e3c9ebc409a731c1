"""Capture targets with gene names (resistance_timeline.dna.targets): a vendor-style BED
(probe ids, no names, overlapping genes) named from the GFF3, gene names kept, intervals
sorted and merged as sort | bedtools merge would."""

from setup_support import bad_input

from resistance_timeline.dna.targets import (
    GeneLookup,
    gff3_genes,
    merge_targets,
    name_targets,
    prepare_targets,
    read_bed,
)

GFF3 = """\
##gff-version 3
chr2\tens\tgene\t1001\t5000\t.\t-\t.\tID=gene:E1;Name=ALK;biotype=protein_coding
chr2\tens\tgene\t4001\t4500\t.\t+\t.\tID=gene:E2;Name=ALK-AS1;biotype=lncRNA
chr2\tens\tmRNA\t1001\t5000\t.\t-\t.\tID=transcript:T1;Parent=gene:E1;Name=ALK-201
chr2\tens\tncRNA_gene\t8001\t8100\t.\t+\t.\tID=gene:E3;Name=MIR1;biotype=miRNA
chr12\tgencode\tgene\t101\t900\t.\t+\t.\tID=ENSG4;gene_name=CDK4;gene_type=protein_coding
chr12\tgencode\tgene\t801\t1200\t.\t+\t.\tID=ENSG5;gene_name=TSPAN31;gene_type=protein_coding
"""
# a vendor BED: probe ids, a track line, a 3-column line, a gene name, unsorted, overlaps
BED = """\
track name=vendor_targets
chr2\t1100\t1220\tTWIST_PROBE_000123
chr2\t4100\t4220\tALK_exon3_probe7
chr12\t850\t950
chr2\t1200\t1300\tTWIST_PROBE_000124
chr2\t8000\t8050\tMIR1
chr2\t20000\t20100\tTWIST_PROBE_000999
chr2\t1300\t1400\tTWIST_PROBE_000125
"""


def test_a_vendor_bed_is_named_from_the_gff3(tmp_path):
    (tmp_path / "a.gff3").write_text(GFF3)
    (tmp_path / "t.bed").write_text(BED)
    log = prepare_targets(tmp_path / "t.bed", tmp_path / "a.gff3", tmp_path / "out.bed")
    assert (tmp_path / "out.bed").read_text().splitlines() == [
        "chr12\t850\t950\tCDK4,TSPAN31",  # two protein-coding genes overlap the bait
        "chr2\t1100\t1400\tALK",  # three book-ended/overlapping probes merged
        "chr2\t4100\t4220\tALK",  # ALK-AS1 (lncRNA) overlaps too: protein-coding first
        "chr2\t8000\t8050\tMIR1",  # its BED name is a gene: kept
        "chr2\t20000\t20100\t-",  # no gene
    ]
    assert log[0] == (
        f"7 intervals of {tmp_path / 't.bed'}: 1 kept their name (a gene of "
        f"{tmp_path / 'a.gff3'}), 5 named from the genes they overlap, 1 overlap no gene "
        "('-'); 5 after merging"
    )
    assert len(log) == 1  # one name is a gene: no warning


@bad_input("capture-bed-probe-names")
def test_names_that_are_no_genes_get_a_warning(tmp_path):
    (tmp_path / "a.gff3").write_text(GFF3)
    (tmp_path / "t.bed").write_text("chr2\t1100\t1220\tP1\nchr2\t9000\t9100\tP2\n")
    log = prepare_targets(tmp_path / "t.bed", tmp_path / "a.gff3", tmp_path / "out.bed")
    assert "0 kept their name" in log[0] and "1 named from the genes" in log[0]
    assert log[1].startswith("warning: none of the 2 names of ")
    assert (tmp_path / "out.bed").read_text() == "chr2\t1100\t1220\tALK\nchr2\t9000\t9100\t-\n"


def test_gene_lookup_reaches_long_genes_that_start_far_left(tmp_path):
    (tmp_path / "a.gff3").write_text(
        "chr1\t.\tgene\t1\t1000000\t.\t+\t.\tName=BIG;biotype=protein_coding\n"
        "chr1\t.\tgene\t500000\t500100\t.\t+\t.\tName=SMALL;biotype=protein_coding\n"
    )
    lookup = GeneLookup(gff3_genes(tmp_path / "a.gff3"))
    assert lookup.overlapping("chr1", 900000, 900100) == ["BIG"]
    assert lookup.overlapping("chr1", 500000, 500010) == ["BIG", "SMALL"]
    assert lookup.overlapping("chrX", 1, 10) == []


def test_merge_keeps_each_gene_once_and_drops_no_gene_marks():
    named = [("c", 10, 20, ["A"]), ("c", 20, 30, ["-"]), ("c", 25, 40, ["B", "A"])]
    assert merge_targets(named) == [("c", 10, 40, "A,B")]
    assert merge_targets([("c", 10, 20, ["-"]), ("c", 21, 30, ["-"])]) == [
        ("c", 10, 20, "-"),
        ("c", 21, 30, "-"),
    ]


def test_parts_of_a_name_that_are_genes_are_kept(tmp_path):
    (tmp_path / "a.gff3").write_text(GFF3)
    lookup = GeneLookup(gff3_genes(tmp_path / "a.gff3"))
    named, counts = name_targets([("chr2", 1, 5, "ALK;probe9"), ("chr2", 1, 5, None)], lookup)
    assert [n[3] for n in named] == [["ALK"], ["-"]]
    assert counts == {"kept": 1, "annotated": 0, "no_gene": 1, "named": 1}


def test_a_malformed_bed_line_is_named(tmp_path):
    (tmp_path / "t.bed").write_text("chr1\t10\t20\nchr1 30 40\n")
    try:
        read_bed(tmp_path / "t.bed")
    except ValueError as error:
        assert "t.bed, line 2: not a BED line: 'chr1 30 40'" in str(error)
    else:
        raise AssertionError("no error")
