"""Parse-time checks of the panel of normals' configuration (setup.panel_of_normals): a lab's
prebuilt table and the extra normal BAMs, each problem naming the key and the file."""

import pysam

from resistance_timeline.dna.panel_of_normals import MAGIC
from resistance_timeline.setup.panel_of_normals import (
    bam_index,
    check_panel_config,
    panel_normal_name,
)

CONTIGS = {"chr1": 5000, "chr2": 5000}


def write_panel(path, contig="chr1", magic=MAGIC, index=True):
    text = (
        f"{magic}\n##normals=A,B\n#contig\tpos\tref\talt\n{contig}\t100\tA\tT\t10\t2\t1\t1\t0:2:5\n"
    )
    with pysam.BGZFile(str(path), "wb") as out:
        out.write(text.encode())
    if index:
        pysam.tabix_index(str(path), seq_col=0, start_col=1, end_col=1, meta_char="#", force=True)
    return str(path)


def config(tmp_path, source, extra=()):
    targets = tmp_path / "targets.bed"
    targets.write_text("chr1\t50\t500\tG1\n")
    return {
        "reference": {"targets": str(targets)},
        "panel_of_normals": {"source": source, "extra_normals": list(extra)},
    }


def test_a_prebuilt_panel_over_the_targets_passes(tmp_path):
    panel = write_panel(tmp_path / "pon.tsv.gz")
    assert check_panel_config(config(tmp_path, panel), CONTIGS, []) == []
    for built_in in ("cohort", "none"):
        assert check_panel_config(config(tmp_path, built_in), CONTIGS, ["P-N"]) == []


def test_problems_of_a_prebuilt_panel_are_named(tmp_path):
    missing = str(tmp_path / "absent.tsv.gz")
    (problem,) = check_panel_config(config(tmp_path, missing), CONTIGS, [])
    assert "key 'panel_of_normals: source'" in problem and "file not found" in problem
    unindexed = write_panel(tmp_path / "u.tsv.gz", index=False)
    (problem,) = check_panel_config(config(tmp_path, unindexed), CONTIGS, [])
    assert "no tabix index" in problem and "tabix -s1 -b2 -e2" in problem
    other = write_panel(tmp_path / "o.tsv.gz", magic="##something else")
    (problem,) = check_panel_config(config(tmp_path, other), CONTIGS, [])
    assert "not a panel of normals" in problem
    ensembl = write_panel(tmp_path / "e.tsv.gz", contig="1")
    (problem,) = check_panel_config(config(tmp_path, ensembl), CONTIGS, [])
    assert "contigs not in the reference FASTA: 1" in problem and "'chr' prefix" in problem
    elsewhere = write_panel(tmp_path / "x.tsv.gz", contig="chr2")
    (problem,) = check_panel_config(config(tmp_path, elsewhere), CONTIGS, [])
    assert "no row on any contig of the targets" in problem


def test_extra_normals_need_a_file_an_index_and_a_name_of_their_own(tmp_path):
    good = tmp_path / "PON-07.bam"
    good.write_bytes(b"x")
    (tmp_path / "PON-07.bam.bai").write_bytes(b"x")
    unindexed = tmp_path / "PON-08.bam"
    unindexed.write_bytes(b"x")
    clash = tmp_path / "sub"
    clash.mkdir()
    (clash / "P-N.bam").write_bytes(b"x")
    (clash / "P-N.bam.bai").write_bytes(b"x")
    extra = [str(good), str(unindexed), str(tmp_path / "gone.bam"), str(clash / "P-N.bam")]
    extra.append(str(tmp_path / "my normal.bam"))
    problems = check_panel_config(config(tmp_path, "cohort", extra), CONTIGS, ["P-N"])
    assert len(problems) == 4 and "has a space in its path" in problems[3]
    assert "item 2" in problems[0] and "no index" in problems[0]
    assert "item 3" in problems[1] and "file not found" in problems[1]
    assert "item 4" in problems[2] and "named 'P-N'" in problems[2]


def test_names_and_indexes():
    assert panel_normal_name("/data/pon/PON-07.bam") == "PON-07"
    assert panel_normal_name("x/PON-08.cram") == "PON-08"
    assert bam_index("a/b.bam") == "a/b.bam.bai" and bam_index("a/b.cram") == "a/b.cram.crai"
