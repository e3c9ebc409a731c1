"""Weak partners rescued by kinase imbalance (rna/fusion_rescue.py): a 5' partner with a
pseudogene copy whose split reads map with MAPQ 0-1, STAR pairing some of them with the copy;
and the STAR world's RRBP1::ALK with every chimeric record's MAPQ set to 1, as a 5' partner
with pseudogene copies gets it."""

import pysam
import pytest

from helpers import build_world, needs_star
from resistance_timeline.rna.fusion_evidence import Spanning, Split
from resistance_timeline.rna.fusion_rescue import imbalanced_kinases, rescue_partners
from resistance_timeline.rna.fusions import FusionSettings, call_fusions
from resistance_timeline.setup.config import schema_defaults

SETTINGS = FusionSettings.from_params(schema_defaults("fusions"))


def evidence():
    """NPM1 (g1) → ALK (g3): 4 split reads MAPQ 1, 1 spanning pair MAPQ 0; the pseudogene
    NPM1P (g2) → ALK: 2 split reads MAPQ 0; 1 NPM1 read with a 10-base anchor (not support)."""
    splits = [Split(f"n{i}", "g1", "g3", 500, 9001, 30, 1) for i in range(4)]
    splits += [Split(f"p{i}", "g2", "g3", 700, 9001, 30, 0) for i in range(2)]
    splits.append(Split("short", "g1", "g3", 500, 9001, 10, 1))
    spanning = [Spanning("s0", "g1", "g3", 450, 9100, 0)]
    return splits, spanning


def test_best_partner_at_any_mapq_with_its_alternatives():
    splits, spanning = evidence()
    (rescue,) = rescue_partners(splits, spanning, {"g3"}, set(), SETTINGS)
    assert (rescue.gene5, rescue.gene3) == ("g1", "g3")
    assert len(rescue.splits) == 4 and len(rescue.spanning) == 1
    assert rescue.mapq == 1 and rescue.alternatives == (("g2", 2),)


def test_no_rescue_without_imbalance_a_passing_call_or_enough_reads():
    splits, spanning = evidence()
    assert rescue_partners(splits, spanning, set(), set(), SETTINGS) == []
    assert rescue_partners(splits, spanning, {"g3"}, {"g3"}, SETTINGS) == []
    assert rescue_partners(splits[4:6], [], {"g3"}, set(), SETTINGS) == []  # 2 < 3 fragments


def test_imbalanced_kinases_from_the_sample_table(tmp_path):
    table = tmp_path / "imbalance.tsv"
    table.write_text(
        "sample_id\tgene\treads_5p\treads_3p\tdepth_5p\tdepth_3p\tlog2_ratio_3p_5p\timbalance\n"
        "S\tALK\t1\t90\t0.1\t30\t4.7\ttrue\nS\tRET\t5\t6\t2\t2\t0\tfalse\n"
    )
    assert imbalanced_kinases(table) == {"ALK"} and imbalanced_kinases(None) == set()


@pytest.fixture(scope="session")
def world(tmp_path_factory):
    return build_world(tmp_path_factory.getbasetemp() / "fusion_world")  # as test_fusions's


def ambiguous_partner(bam, out):
    """The BAM with MAPQ 1 on every chimeric record and in its SA tags."""
    with pysam.AlignmentFile(bam) as src, pysam.AlignmentFile(out, "wb", template=src) as dst:
        for read in src:
            if read.has_tag("SA") or read.has_tag("ch"):
                read.mapping_quality = 1
                if read.has_tag("SA"):
                    entries = [e.split(",") for e in read.get_tag("SA").rstrip(";").split(";")]
                    sa = ";".join(",".join(e[:4] + ["1"] + e[5:]) for e in entries) + ";"
                    read.set_tag("SA", sa)
            dst.write(read)
    pysam.index(str(out))
    return out


@needs_star
def test_low_mapq_partner_rescued_by_the_kinase_imbalance(world, tmp_path):
    bam = str(ambiguous_partner(world.bam["tumour"], tmp_path / "mapq1.bam"))
    imbalance = tmp_path / "imbalance.tsv"
    imbalance.write_text(
        "sample_id\tgene\treads_5p\treads_3p\tdepth_5p\tdepth_3p\tlog2_ratio_3p_5p\timbalance\n"
        "T\tALK\t0\t300\t0\t40\t5.4\ttrue\n"
    )
    gtf = str(world.gtf)
    plain = {r["fusion"]: r for r in call_fusions(bam, gtf, "T", SETTINGS, "reverse")}
    assert plain["RRBP1::ALK"]["filter"] == "low_mapq"  # lost without the imbalance
    rows = call_fusions(bam, gtf, "T", SETTINGS, "reverse", imbalance=str(imbalance))
    (rescued,) = [r for r in rows if r["fusion"] == "RRBP1::ALK"]
    assert (rescued["call"], rescued["mapq"], rescued["filter"]) == ("rescued", "1", "PASS")
    assert abs(rescued["split_reads"] - world.truth["tumour"]["RRBP1::ALK"]["split_reads"]) <= 3
    assert rescued["exon5"] == "3" and rescued["in_frame"] == "true"
    # GENED::RRBP1 has no imbalanced kinase: it stays filtered
    assert {r["fusion"]: r["filter"] for r in rows}["GENED::RRBP1"] == "low_mapq"
