"""kinase_imbalance on the synthetic world of test_call_fusions: in the tumour, ALK is
expressed only from its exons 3-6 through the RRBP1::ALK fusion; GENEC is a balanced
full-length gene; in the normal sample ALK is expressed full length."""

import csv
from types import SimpleNamespace

import pytest
from test_call_fusions import Inputs, build_world, needs_star


@pytest.fixture(scope="session")
def world(tmp_path_factory):
    return build_world(tmp_path_factory.getbasetemp() / "fusion_world")  # shared with test_call_fusions


def run_main(tmp_path, world, sample, kinases):
    import kinase_imbalance

    smk = SimpleNamespace(
        input=Inputs(bam=str(world.bam[sample]), gtf=str(world.gtf)), output=[str(tmp_path / "out.tsv")],
        log=[str(tmp_path / "log.txt")],
        params=SimpleNamespace(sample_id=sample, kinases=kinases, min_log2_ratio=2.0, min_depth_3p=5),
    )  # fmt: skip
    kinase_imbalance.main(smk)
    with open(tmp_path / "out.tsv") as handle:
        return {r["gene"]: r for r in csv.DictReader(handle, delimiter="\t")}


@needs_star
def test_fused_kinase_is_imbalanced_balanced_gene_is_not(world, tmp_path):
    rows = run_main(tmp_path, world, "tumour", {"ALK": 3, "GENEC": 3, "ROS1": 34})
    alk, genec, ros1 = rows["ALK"], rows["GENEC"], rows["ROS1"]
    assert alk["imbalance"] == "true"
    assert int(alk["reads_5p"]) == 0 and float(alk["depth_5p"]) == 0
    assert float(alk["depth_3p"]) > 20 and float(alk["log2_ratio_3p_5p"]) > 4
    assert genec["imbalance"] == "false" and abs(float(genec["log2_ratio_3p_5p"])) < 0.7
    assert ros1["imbalance"] == "" and ros1["depth_3p"] == ""  # not in the annotation
    assert "ROS1: not in the annotation" in (tmp_path / "log.txt").read_text()


@needs_star
def test_full_length_kinase_in_normal_is_balanced(world, tmp_path):
    alk = run_main(tmp_path, world, "normal", {"ALK": 3})["ALK"]
    assert alk["imbalance"] == "false"
    assert float(alk["depth_5p"]) > 20 and abs(float(alk["log2_ratio_3p_5p"])) < 0.7


@needs_star
def test_low_3p_depth_is_not_called(world, tmp_path):
    from kinase_imbalance import kinase_imbalance

    (alk,) = kinase_imbalance(str(world.bam["tumour"]), str(world.gtf), "T", {"ALK": 3}, min_depth_3p=1000)
    assert alk["imbalance"] == "false" and alk["log2_ratio_3p_5p"] > 4


def test_exon_split_and_counting_rule():
    from annotation import CDS, Exon, Gene
    from kinase_imbalance import counted, split_exons

    gene = Gene("g", "K", "c", "-", 1, 100, "t", [Exon(81, 100, 1), Exon(41, 60, 2), Exon(1, 20, 3)], [CDS(1, 20, 0)])
    assert split_exons(gene, 2) == ([(80, 100)], [(40, 60), (0, 20)])
    assert split_exons(gene, 9)[1] == []
    read = lambda **kw: SimpleNamespace(**{"is_unmapped": False, "is_secondary": False, "is_duplicate": False,  # noqa: E731
                                           "is_qcfail": False, "nh": 1, **kw},
                                        has_tag=lambda t: True, get_tag=lambda t: kw.get("nh", 1))  # fmt: skip
    assert counted(read()) and not counted(read(nh=2)) and not counted(read(is_duplicate=True))
    assert not counted(read(is_secondary=True))
