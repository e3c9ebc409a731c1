"""A patient's fusions tracked over all its RNA samples (scripts/track_fusions.py)."""

from track_fusions import track

CALL = {
    "sample_id": "R0", "fusion": "RRBP1::ALK", "gene5": "RRBP1", "gene3": "ALK",
    "breakpoint5": "chr20:10624", "breakpoint3": "chr2:26821", "exon5": "8", "exon3": "20",
    "split_reads": "18", "spanning_pairs": "12", "in_frame": "true", "known_driver": "true",
}  # fmt: skip
SAMPLES = [{"sample_id": "R0", "day": 0}, {"sample_id": "R1", "day": 120},
           {"sample_id": "R2", "day": 300}]  # fmt: skip


def test_fusion_reported_in_every_sample_with_measured_support():
    calls = {"R0": [CALL], "R1": [], "R2": []}
    measured = {"bam1": {"split_reads": 1, "spanning_pairs": 0},
                "bam2": {"split_reads": 0, "spanning_pairs": 0}}  # fmt: skip
    asked = []

    def measure(bam, fusion):
        asked.append((bam, fusion["breakpoint5"], fusion["breakpoint3"]))
        return measured[bam]

    rows = track(SAMPLES, calls, ["bam0", "bam1", "bam2"], measure)
    assert [(r["sample_id"], r["status"], r["split_reads"]) for r in rows] == [
        ("R0", "detected", 18), ("R1", "below_threshold", 1), ("R2", "not_detected", 0)
    ]
    assert asked == [("bam1", "chr20:10624", "chr2:26821"), ("bam2", "chr20:10624", "chr2:26821")]
    assert rows[0]["exon5"] == "8" and rows[2]["in_frame"] == "true" and rows[2]["day"] == 300


def test_no_fusion_no_rows():
    assert track(SAMPLES, {"R0": [], "R1": [], "R2": []}, ["a", "b", "c"], None) == []
