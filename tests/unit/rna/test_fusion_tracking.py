"""A patient's fusions tracked over all its RNA samples (rule track_fusions,
rna/fusion_tracking.py)."""

import csv

import pytest

from helpers import MARKERS, Inputs, build_world, needs_star, run_entry
from resistance_timeline.rna.fusion_tracking import COLUMNS, track
from resistance_timeline.setup.config import schema_defaults

CALL = {
    **{"sample_id": "R0", "fusion": "RRBP1::ALK", "gene5": "RRBP1", "gene3": "ALK"},
    **{"breakpoint5": "chr20:10624", "breakpoint3": "chr2:26821", "exon5": "8", "exon3": "20"},
    **{"split_reads": "18", "spanning_pairs": "12", "in_frame": "true", "known_driver": "true"},
    "driver_evidence": "kinase_3p",
}
SAMPLES = [
    {"sample_id": "R0", "day": 0},
    {"sample_id": "R1", "day": 120},
    {"sample_id": "R2", "day": 300},
]


def test_fusion_reported_in_every_sample_with_measured_support():
    calls = {"R0": [CALL], "R1": [], "R2": []}
    measured = {
        "bam1": {"split_reads": 1, "spanning_pairs": 0},
        "bam2": {"split_reads": 0, "spanning_pairs": 0},
    }
    asked = []

    def measure(bam, fusion):
        asked.append((bam, fusion["breakpoint5"], fusion["breakpoint3"]))
        return measured[bam]

    rows = track(SAMPLES, calls, ["bam0", "bam1", "bam2"], measure)
    assert [(r["sample_id"], r["status"], r["split_reads"]) for r in rows] == [
        ("R0", "detected", 18),
        ("R1", "below_threshold", 1),
        ("R2", "not_detected", 0),
    ]
    assert asked == [("bam1", "chr20:10624", "chr2:26821"), ("bam2", "chr20:10624", "chr2:26821")]
    assert rows[0]["exon5"] == "8" and rows[2]["in_frame"] == "true" and rows[2]["day"] == 300


def test_no_fusion_no_rows():
    assert track(SAMPLES, {"R0": [], "R1": [], "R2": []}, ["a", "b", "c"], None) == []


@pytest.fixture(scope="session")
def world(tmp_path_factory):
    return build_world(tmp_path_factory.getbasetemp() / "fusion_world")  # as test_fusions's


@needs_star
def test_entry_measures_absent_fusions_in_the_other_bams(world, tmp_path):
    section = schema_defaults("fusions")
    samples = [{"sample_id": "N", "day": 0}, {"sample_id": "T", "day": 100}]
    files = {"genes": str(world.gtf), "fasta": str(world.fasta), "knowledge": [str(MARKERS)]}
    files |= {t: str(MARKERS.parent / "knowledge" / f"{t}.tsv") for t in ("drugs", "regions")}
    calls = []
    for sample, bam in (("N", world.bam["normal"]), ("T", world.bam["tumour"])):
        calls.append(str(tmp_path / f"{sample}.fusions.tsv"))
        run_entry(
            "call_fusions",
            input=Inputs(bam=str(bam), **files),
            output=Inputs(fusions=calls[-1], candidates=str(tmp_path / f"{sample}.cand.tsv")),
            log=[str(tmp_path / f"{sample}.log")],
            params=Inputs(sample_id=sample, settings=section, strandedness="reverse"),
        )
    bams = [str(world.bam["normal"]), str(world.bam["tumour"])]
    run_entry(
        "track_fusions",
        input=Inputs(calls=calls, bams=bams, genes=str(world.gtf)),
        output=[str(tmp_path / "PX.fusions.tsv")],
        log=[str(tmp_path / "track.log")],
        params=Inputs(patient="PX", samples=samples, settings=section, strandedness="reverse"),
    )
    with open(tmp_path / "PX.fusions.tsv") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert list(rows[0]) == COLUMNS
    got = {(r["fusion"], r["sample_id"]): r for r in rows}
    assert len(rows) == 4 and {f for f, _ in got} == {"RRBP1::ALK", "GENED::RRBP1"}
    assert got[("RRBP1::ALK", "N")]["status"] == "not_detected"
    assert got[("RRBP1::ALK", "N")]["split_reads"] == "0"
    assert got[("RRBP1::ALK", "T")]["status"] == "detected"
    assert {r["patient_id"] for r in rows} == {"PX"}
    # the knowledge base's version line, as in the variant and events tables
    assert {r["knowledge_version"][:16] for r in rows} == {"seed 2026-12-01;"}
    assert rows[0]["knowledge_version"].split("; ")[1:3] == [
        "drugs 2026-12-06",
        "regions 2026-12-01",
    ]


def test_isoforms_tracked_by_partner_genes():
    """R0 calls RRBP1::ALK at its exon-border pair (main) and at an intronic pair; R1 only at
    the intronic pair; R2 calls nothing and is measured at the patient's main pair."""
    intronic = {**CALL, "breakpoint5": "chr20:10500", "exon5": "", "split_reads": "4"}
    intronic.update(spanning_pairs="1", main_isoform="false")
    main = {**CALL, "main_isoform": "true"}
    later = {**intronic, "sample_id": "R1", "split_reads": "6", "main_isoform": "true"}
    calls = {"R0": [main, intronic], "R1": [later], "R2": []}
    asked = []

    def measure(bam, fusion):
        asked.append((bam, fusion["breakpoint5"]))
        return {"split_reads": 0, "spanning_pairs": 0}

    rows = track(SAMPLES, calls, ["bam0", "bam1", "bam2"], measure)
    got = [
        (r["sample_id"], r["breakpoint5"], r["split_reads"], r["main_isoform"], r["isoforms"])
        for r in rows
    ]
    assert got == [
        ("R0", "chr20:10624", 18, "true", 2),  # 30 fragments over the patient vs 5 + 7
        ("R1", "chr20:10500", 6, "false", 1),
        ("R2", "chr20:10624", 0, "true", 0),
    ]
    assert [r["status"] for r in rows] == ["detected", "detected", "not_detected"]
    assert asked == [("bam2", "chr20:10624")]
