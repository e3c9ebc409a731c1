"""Count matrix assembly and the strandedness check (rule build_count_matrix,
rna/count_matrix.py)."""

from resistance_timeline.rna.count_matrix import build, strandedness_check

GTF = (
    'chr1\t.\tgene\t1\t100\t.\t+\t.\tgene_id "G1"; gene_name "ALK";\n'
    'chr1\t.\texon\t1\t100\t.\t+\t.\tgene_id "G1"; gene_name "ALK"; transcript_id "T1";\n'
    'chr1\t.\texon\t300\t400\t.\t-\t.\tgene_id "G2"; transcript_id "T2";\n'
)


def table(path, rows):
    head = (
        "N_unmapped\t5\t5\t5\nN_multimapping\t2\t2\t2\n"
        "N_noFeature\t9\t80\t10\nN_ambiguous\t1\t0\t1\n"
    )
    path.write_text(head + "".join(f"{g}\t{a}\t{b}\t{c}\n" for g, a, b, c in rows))
    return str(path)


def test_reverse_column_and_names(tmp_path):
    gtf = tmp_path / "a.gtf"
    gtf.write_text(GTF)
    a = table(tmp_path / "a.tab", [("G1", 100, 3, 97), ("G2", 50, 1, 49)])
    b = table(tmp_path / "b.tab", [("G1", 10, 0, 10), ("G2", 500, 4, 496)])
    rows, summary, warnings = build([a, b], ["S1", "S2"], str(gtf), "reverse")
    assert rows == [["G1", "ALK", 97, 10], ["G2", "G2", 49, 496]]
    assert summary[0][:6] == ["S1", 146, 5, 2, 10, 1]
    assert warnings == []


def test_wrong_strandedness_is_warned(tmp_path):
    genes = {"G1": [100, 97, 3]}
    assert "check rna: strandedness" in strandedness_check(genes, "reverse")[2]
    assert strandedness_check(genes, "forward")[2] == ""
    assert "looks unstranded" in strandedness_check({"G1": [100, 50, 50]}, "forward")[2]
