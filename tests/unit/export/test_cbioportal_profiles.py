"""The study's molecular profiles (resistance_timeline.export.cbioportal_profiles), each
checked against hand-worked rows: discrete and log2 copy number per gene and sample, CNVkit
segments as SEG (contigs cBioPortal does not know counted, not written), fusions as SV rows,
normalised expression and all-sample z-scores."""

import pytest
from cbioportal_rules import meta, table

from resistance_timeline.export import cbioportal_profiles as profiles
from resistance_timeline.export.study_files import Study


def write(path, header, rows):
    path.write_text("\n".join("\t".join(map(str, r)) for r in [header, *rows]) + "\n")
    return path


def test_copy_number_per_gene_and_sample(tmp_path):
    genes = write(
        tmp_path / "P1.genes.tsv",
        ["patient_id", "sample_id", "gene", "log2_ratio", "call"],
        [
            ("P1", "S1", "A", "1.2", "amplification"),
            ("P1", "S1", "B", "-3.1", "deep_loss"),
            ("P1", "S2", "A", "0.01", "neutral"),
            ("P1", "S2", "C", "", "not_called"),
            ("P1", "S2", "D", "-0.6", "loss"),
        ],
    )
    study = Study(tmp_path / "study", "s")
    assert profiles.copy_number(study, [genes]) == ["S1", "S2"]
    header, discrete = table(tmp_path / "study" / "data_cna.txt")
    assert header == ["Hugo_Symbol", "S1", "S2"]
    assert [list(r.values()) for r in discrete] == [
        ["A", "2", "0"],
        ["B", "-2", "NA"],
        ["C", "NA", "NA"],
        ["D", "NA", "-1"],
    ]
    _, log2 = table(tmp_path / "study" / "data_log2_cna.txt")
    assert [list(r.values()) for r in log2][:3] == [
        ["A", "1.2", "0.01"],
        ["B", "-3.1", "NA"],
        ["C", "NA", "NA"],
    ]
    assert meta(tmp_path / "study" / "meta_cna.txt")["stable_id"] == "cna"
    assert meta(tmp_path / "study" / "meta_log2_cna.txt")["datatype"] == "LOG2-VALUE"


def test_segments_keep_cnvkit_coordinates_and_count_unknown_contigs(tmp_path):
    cns = write(
        tmp_path / "S1.cns",
        ["chromosome", "start", "end", "gene", "log2", "probes"],
        [
            ("chr1", 0, 1000, "A", "-0.1", 12),
            ("chrX", 500, 900, "B", "0.4", 3),
            ("chrM", 0, 16000, "-", "0", 1),
            ("chrUn_KI270302v1", 0, 2000, "-", "0", 1),
            ("7", 10, 20, "C", "1.5", 2),
        ],
    )
    study = Study(tmp_path / "study", "s")
    assert profiles.segments(study, {"S1": cns}, "hg38") == 2
    header, rows = table(tmp_path / "study" / "data_cna_hg38_seg.seg")
    assert header == ["ID", "chrom", "loc.start", "loc.end", "num.mark", "seg.mean"]
    assert [list(r.values()) for r in rows] == [
        ["S1", "1", "0", "1000", "12", "-0.1"],
        ["S1", "X", "500", "900", "3", "0.4"],
        ["S1", "7", "10", "20", "2", "1.5"],
    ]
    fields = meta(tmp_path / "study" / "meta_cna_hg38_seg.txt")
    assert fields["reference_genome_id"] == "hg38" and fields["datatype"] == "SEG"


def test_detected_fusions_become_sv_rows(tmp_path):
    header = [
        *("patient_id", "sample_id", "fusion", "breakpoint5", "breakpoint3", "exon5"),
        *("exon3", "split_reads", "spanning_pairs", "in_frame", "driver_evidence", "status"),
    ]
    fusions = write(
        tmp_path / "P1.fusions.tsv",
        header,
        [
            ("P1", "R0", "EML4::ALK", "chr2:42295516", "chr2:29223528", 13, 20, 9, 4, "true")
            + ("kinase_3p", "detected"),
            ("P1", "R1", "EML4::ALK", "chr2:42295516", "chr2:29223528", 13, 20, 0, 0, "true")
            + ("kinase_3p", "not_detected"),
            ("P1", "R1", "A::B", "chr1:100", "chr5:200", "", "", 3, 2, "", "", "detected"),
        ],
    )
    study = Study(tmp_path / "study", "s")
    profiles.structural_variants(study, [fusions], "GRCh38")
    _, rows = table(tmp_path / "study" / "data_sv.txt")
    assert [
        (r["Sample_Id"], r["Site1_Hugo_Symbol"], r["Site1_Chromosome"], r["Site1_Position"])
        + (r["Site1_Region_Number"], r["Site2_Hugo_Symbol"], r["Site2_Position"])
        + (r["Site2_Region_Number"], r["Site2_Effect_On_Frame"], r["Tumor_Split_Read_Count"])
        + (r["Tumor_Paired_End_Read_Count"], r["SV_Status"], r["NCBI_Build"])
        for r in rows
    ] == [
        ("R0", "EML4", "2", "42295516", "13", "ALK", "29223528", "20", "In_frame", "9", "4")
        + ("SOMATIC", "GRCh38"),
        ("R1", "A", "1", "100", "NA", "B", "200", "NA", "NA", "3", "2", "SOMATIC", "GRCh38"),
    ]
    assert rows[1]["Site1_Region"] == "NA" and rows[0]["Event_Info"] == "EML4::ALK fusion"


def test_expression_counts_and_all_sample_zscores(tmp_path):
    normalized = write(
        tmp_path / "normalized.tsv",
        ["gene_id", "gene_name", "R0.normalized", "R0.vst", "R1.normalized", "R1.vst"],
        [
            ("ENSG1", "PTCH1", 10, 1.0, 30, 3.0),
            ("ENSG2", "PTCH1", 1, 0.5, 2, 0.7),  # the same name, fewer reads: left out
            ("ENSG3", "", 7, 5.0, 7, 5.0),  # no name, no variation
        ],
    )
    study = Study(tmp_path / "study", "s")
    assert profiles.expression(study, normalized) == ["R0", "R1"]
    _, counts = table(tmp_path / "study" / "data_mrna_seq_expression.txt")
    assert [list(r.values()) for r in counts] == [["PTCH1", "10", "30"], ["ENSG3", "7", "7"]]
    _, z = table(tmp_path / "study" / "data_mrna_seq_zscores.txt")
    assert [r["Hugo_Symbol"] for r in z] == ["PTCH1", "ENSG3"]
    # (1 - 2) / sd(1, 3), the sample sd sqrt(2)
    assert float(z[0]["R0"]) == pytest.approx(-0.707107) and float(z[0]["R1"]) == pytest.approx(
        0.707107
    )
    assert (z[1]["R0"], z[1]["R1"]) == ("NA", "NA")
    fields = meta(tmp_path / "study" / "meta_mrna_seq_zscores.txt")
    assert fields["stable_id"] == "rna_seq_mrna_median_all_sample_Zscores"
    assert fields["datatype"] == "Z-SCORE"
