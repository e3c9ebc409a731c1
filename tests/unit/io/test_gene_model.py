"""The compact gene model (rule build_gene_model, io/gene_model.py): read back, it gives what
parsing the GTF gives (io/annotation.py parse_gtf), for the demo's GTF and a hand-made one with
a non-coding gene, a gene without exons, several transcripts and the minus strand."""

import pytest

from helpers import REPO
from resistance_timeline.io.annotation import parse_gtf
from resistance_timeline.io.gene_model import build_model, load_annotation, load_genes, read_model
from resistance_timeline.rna.count_matrix import gene_names
from resistance_timeline.rna.gene_counts import ExonIndex

GTF = """\
c1\tt\tgene\t101\t700\t.\t-\t.\tgene_id "g1"; gene_name "ALK";
c1\tt\ttranscript\t101\t700\t.\t-\t.\tgene_id "g1"; transcript_id "t1"; gene_name "ALK";
c1\tt\texon\t101\t200\t.\t-\t.\tgene_id "g1"; transcript_id "t1"; gene_name "ALK"; exon_number "3";
c1\tt\tCDS\t150\t200\t.\t-\t2\tgene_id "g1"; transcript_id "t1"; gene_name "ALK"; exon_number "3";
c1\tt\texon\t301\t400\t.\t-\t.\tgene_id "g1"; transcript_id "t1"; gene_name "ALK"; exon_number "2";
c1\tt\tCDS\t301\t400\t.\t-\t0\tgene_id "g1"; transcript_id "t1"; gene_name "ALK"; exon_number "2";
c1\tt\texon\t601\t700\t.\t-\t.\tgene_id "g1"; transcript_id "t1"; gene_name "ALK"; exon_number "1";
c1\tt\tCDS\t601\t650\t.\t-\t0\tgene_id "g1"; transcript_id "t1"; gene_name "ALK"; exon_number "1";
c1\tt\texon\t350\t450\t.\t-\t.\tgene_id "g1"; transcript_id "t2"; gene_name "ALK";
c1\tt\texon\t1001\t1100\t.\t+\t.\tgene_id "g2"; transcript_id "t3"; gene_name "LINC1";
c1\tt\tgene\t2001\t2100\t.\t+\t.\tgene_id "g3"; gene_name "NOEXON";
"""


@pytest.fixture
def hand_made(tmp_path):
    (tmp_path / "a.gtf").write_text(GTF)
    return tmp_path / "a.gtf"


def test_model_reads_back_what_the_gtf_gives(hand_made, tmp_path):
    model = tmp_path / "genes.model.tsv"
    parsed = build_model(hand_made, model)
    assert read_model(model) == parsed == parse_gtf(hand_made)
    assert parsed.order == ["g1", "g2", "g3"] and parsed.names["g3"] == "NOEXON"
    alk = load_genes(model)["g1"]
    assert [(e.start, e.number) for e in alk.exons] == [(601, 1), (301, 2), (101, 3)]
    assert [c.phase for c in alk.cds] == [0, 0, 2] and alk.transcript_id == "t1"
    # exons of both transcripts merged for counting: 301-400 and 350-450 → 301-450
    assert parsed.unions["g1"] == ("c1", "-", [(101, 200), (301, 450), (601, 700)])
    assert "g3" not in load_genes(model) and gene_names(model) == gene_names(hand_made)
    assert ExonIndex(model).bins == ExonIndex(hand_made).bins


def test_demo_gtf_model_is_the_same(tmp_path):
    gtf = REPO / "resources" / "demo" / "cohort" / "reference" / "annotation.gtf"
    model = tmp_path / "demo.model.tsv"
    build_model(gtf, model)
    assert load_annotation(model) == parse_gtf(gtf)


def test_a_gtf_is_not_read_as_a_model(hand_made, tmp_path):
    wrong = tmp_path / "wrong.model.tsv"
    wrong.write_text(GTF)
    with pytest.raises(ValueError, match="not a gene model"):
        read_model(wrong)


def test_the_gene_model_has_one_home():
    """io/annotation.py parses; io/gene_model.py holds the model and loads either: one way."""
    source = (REPO / "scripts" / "resistance_timeline" / "io" / "annotation.py").read_text()
    assert "gene_model" not in source
