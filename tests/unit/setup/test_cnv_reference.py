"""A lab's prebuilt CNVkit reference (resistance_timeline.setup.cnv_reference and
cnv.references): used for every patient, and checked before any job against the FASTA's
contigs and the targets."""

from resistance_timeline.cnv.references import choose_reference
from resistance_timeline.setup.cnv_reference import check_cnv_reference, is_file_reference
from resistance_timeline.setup.reference_files import check_prebuilt_cnv

HEADER = "chromosome\tstart\tend\tgene\tlog2\tdepth\tgc\trmask\tspread\n"
CONTIGS = {"chr2": 1000000, "chr12": 500000}


def cnn(path, bins):
    path.write_text(
        HEADER + "".join(f"{c}\t{s}\t{e}\t{g}\t0\t1\t0.5\t0\t0.1\n" for c, s, e, g in bins)
    )
    return str(path)


def bed(path, intervals):
    path.write_text("".join(f"{c}\t{s}\t{e}\tT\n" for c, s, e in intervals))
    return str(path)


TARGETS = [("chr2", 1000, 1200), ("chr2", 5000, 5400), ("chr12", 300, 500)]
BINS = [
    ("chr2", 1000, 1200, "ALK"),
    ("chr2", 1200, 4900, "Antitarget"),
    ("chr2", 5000, 5200, "ALK"),
    ("chr2", 5200, 5400, "ALK"),
    ("chr12", 300, 500, "CDK4"),
]


def test_a_file_names_the_reference_of_every_patient():
    assert is_file_reference("pon/normals.cnn") and not is_file_reference("pooled")
    ref = choose_reference(["P1-N"], ["P1-N", "P2-N"], "pon/normals.cnn")
    assert (ref.kind, ref.normals, ref.label) == ("file", ("pon/normals.cnn",), "file:normals.cnn")
    assert choose_reference(["P1-N"], ["P1-N"], "matched").label == "matched:P1-N"


def test_a_reference_over_the_targets_passes(tmp_path):
    targets = bed(tmp_path / "t.bed", TARGETS)
    assert check_cnv_reference(cnn(tmp_path / "pon.cnn", BINS), targets, CONTIGS) == []
    assert check_cnv_reference(cnn(tmp_path / "pon.cnn", BINS), None, CONTIGS) == []


def test_missing_file_and_wrong_format_are_named(tmp_path):
    (missing,) = check_cnv_reference(str(tmp_path / "none.cnn"), None, CONTIGS)
    assert missing.startswith("config.yaml, key 'cnv: reference': file not found: ")
    table = tmp_path / "table.cnn"
    table.write_text("contig\tpos\nchr2\t5\n")
    (wrong,) = check_cnv_reference(str(table), None, CONTIGS)
    assert wrong == (
        f"{table} (key 'cnv: reference'): not a CNVkit reference (.cnn): "
        "its header lacks 'chromosome'"
    )


def test_contig_naming_mismatch_says_chr(tmp_path):
    bins = [(c.removeprefix("chr"), s, e, g) for c, s, e, g in BINS]
    (problem,) = check_cnv_reference(cnn(tmp_path / "pon.cnn", bins), None, CONTIGS)
    assert "contigs not in the reference FASTA: 12, 2" in problem
    assert "differ by a 'chr' prefix" in problem


def test_a_reference_of_another_capture_kit_is_refused(tmp_path):
    targets = bed(tmp_path / "t.bed", TARGETS + [("chr12", 10000, 10200)])
    (problem,) = check_cnv_reference(cnn(tmp_path / "pon.cnn", BINS), targets, CONTIGS)
    assert "1 of the 4 targets of" in problem and "(first chr12:10001-10200)" in problem
    assert "it was built for other targets" in problem


def test_parse_time_entry_checks_only_files(tmp_path):
    fasta = tmp_path / "genome.fa"
    fasta.write_text(">chr2\nACGT\n>chr12\nACGT\n")
    config = {"reference": {"fasta": str(fasta)}, "cnv": {"reference": "pooled"}}
    assert check_prebuilt_cnv(config) == []
    config["cnv"]["reference"] = str(tmp_path / "absent.cnn")
    assert "file not found" in check_prebuilt_cnv(config)[0]
