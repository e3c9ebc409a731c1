"""Count matrix assembly and the strandedness check (rule build_count_matrix,
rna/count_matrix.py)."""

from resistance_timeline.rna.count_matrix import build, write_summary
from resistance_timeline.rna.strandedness import verdict

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


def test_each_sample_counted_in_its_used_column_with_its_warning(tmp_path):
    gtf = tmp_path / "a.gtf"
    gtf.write_text(GTF)
    a = table(tmp_path / "a.tab", [("G1", 100, 3, 97), ("G2", 50, 1, 49)])
    b = table(tmp_path / "b.tab", [("G1", 10, 10, 0), ("G2", 500, 496, 4)])
    verdicts = [
        verdict("S1", {"G1": [100, 3, 97], "G2": [50, 1, 49]}, "reverse"),
        verdict("S2", {"G1": [10, 10, 0], "G2": [500, 496, 4]}, "auto"),
    ]
    rows, summary, warnings = build([a, b], ["S1", "S2"], str(gtf), verdicts)
    assert rows == [["G1", "ALK", 97, 10], ["G2", "G2", 49, 496]]  # S2 read as forward
    assert summary[0][:6] == ["S1", 146, 5, 2, 10, 1]
    assert summary[1][-3:] == ["forward", "forward", ""]
    assert warnings == []
    wrong = [verdict("S1", {"G1": [100, 97, 3], "G2": [50, 49, 1]}, "reverse")]
    rows, summary, warnings = build([a], ["S1"], str(gtf), wrong)
    assert warnings == [f"S1: {wrong[0]['warning']}"] and "look forward" in warnings[0]
    write_summary(summary, tmp_path / "summary.tsv")
    header = (tmp_path / "summary.tsv").read_text().splitlines()[0].split("\t")
    assert header[-3:] == ["strandedness_inferred", "strandedness_used", "warning"]
