"""Kinase 3'/5' imbalance (rule measure_kinase_imbalance, rna/kinase_imbalance.py) on the
synthetic world of helpers.build_world: in the tumour, ALK is expressed only from its exons 3-6
through the RRBP1::ALK fusion; GENEC is a balanced full-length gene; in the normal sample ALK
is expressed full length. Also the per-patient table of rule gather_kinase_imbalance."""

import csv
from dataclasses import replace
from types import SimpleNamespace

import pytest

from helpers import Inputs, build_world, needs_star, run_entry
from resistance_timeline.io.annotation import CDS, Exon, Gene
from resistance_timeline.rna.kinase_imbalance import (
    ImbalanceSettings,
    counted,
    kinase_imbalance,
    split_exons,
)
from resistance_timeline.setup.config import schema_defaults

SECTION = schema_defaults("fusions")  # what the rule passes as params.settings by default


@pytest.fixture(scope="session")
def world(tmp_path_factory):
    return build_world(tmp_path_factory.getbasetemp() / "fusion_world")  # as test_fusions's


def read_rows(path):
    with open(path) as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def run_main(tmp_path, world, sample, kinases):
    run_entry(
        "measure_kinase_imbalance",
        input=Inputs(bam=str(world.bam[sample]), genes=str(world.gtf)),
        output=[str(tmp_path / "out.tsv")],
        log=[str(tmp_path / "log.txt")],
        params=Inputs(sample_id=sample, settings={**SECTION, "kinase_fusion_exons": kinases}),
    )
    return {r["gene"]: r for r in read_rows(tmp_path / "out.tsv")}


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
def test_low_3p_depth_is_not_called(world):
    settings = replace(ImbalanceSettings.from_params(SECTION), kinases={"ALK": 3})
    strict = replace(settings, min_depth_3p=1000)
    (alk,) = kinase_imbalance(str(world.bam["tumour"]), str(world.gtf), "T", strict)
    assert alk["imbalance"] == "false" and alk["log2_ratio_3p_5p"] > 4


@needs_star
def test_patient_table_gathers_samples_in_order(world, tmp_path):
    tables = []
    for sample in ("normal", "tumour"):
        (tmp_path / sample).mkdir()
        run_main(tmp_path / sample, world, sample, {"ALK": 3, "GENEC": 3})
        tables.append(str(tmp_path / sample / "out.tsv"))
    samples = [{"sample_id": "N", "day": 0}, {"sample_id": "T", "day": 120}]
    run_entry(
        "gather_kinase_imbalance",
        input=tables,
        output=[str(tmp_path / "patient.tsv")],
        log=[str(tmp_path / "gather.log")],
        params=Inputs(patient="PX", samples=samples),
    )
    header = (tmp_path / "patient.tsv").read_text().splitlines()[0].split("\t")
    assert header[:4] == ["patient_id", "day", "sample_id", "gene"]
    rows = read_rows(tmp_path / "patient.tsv")
    got = [(r["patient_id"], r["day"], r["sample_id"], r["gene"]) for r in rows]
    assert got == [
        ("PX", "0", "normal", "ALK"),
        ("PX", "0", "normal", "GENEC"),
        ("PX", "120", "tumour", "ALK"),
        ("PX", "120", "tumour", "GENEC"),
    ]


def test_exon_split_and_counting_rule():
    exons = [Exon(81, 100, 1), Exon(41, 60, 2), Exon(1, 20, 3)]
    gene = Gene("g", "K", "c", "-", 1, 100, "t", exons, [CDS(1, 20, 0)])
    assert split_exons(gene, 2) == ([(80, 100)], [(40, 60), (0, 20)])
    assert split_exons(gene, 9)[1] == []

    def read(**kw):
        flags = {"is_unmapped": False, "is_secondary": False, "is_duplicate": False}
        return SimpleNamespace(
            **{**flags, "is_qcfail": False, "nh": 1, **kw},
            has_tag=lambda t: True,
            get_tag=lambda t: kw.get("nh", 1),
        )

    assert counted(read()) and not counted(read(nh=2)) and not counted(read(is_duplicate=True))
    assert not counted(read(is_secondary=True))
