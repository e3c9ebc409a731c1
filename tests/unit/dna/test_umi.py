"""UMI libraries (resistance_timeline.dna.umi): read structures as fastp's options, markdup
statistics read, and the duplicates table with and without UMIs."""

from resistance_timeline.dna.umi import (
    MARKDUP_BARCODE,
    duplicate_rows,
    fastp_options,
    read_markdup,
)

STATS = """COMMAND: samtools markdup -c --barcode-rgx ':UMI_([ACGTN_]+)' -f x - y
READ: 400
EXAMINED: 400
DUPLICATE PAIR: 30
DUPLICATE TOTAL: 30
ESTIMATED_LIBRARY_SIZE: 1000
"""


def test_read_structures_as_fastp_options():
    assert fastp_options("read1:8") == "--umi --umi_loc read1 --umi_len 8 --umi_prefix UMI"
    assert fastp_options("read2:6+1").endswith("--umi_len 6 --umi_prefix UMI --umi_skip 1")
    assert fastp_options("per_read:5").startswith("--umi --umi_loc per_read --umi_len 5")
    assert fastp_options("") == fastp_options(None) == ""
    # the barcode samtools reads is the one fastp writes into the read name
    assert MARKDUP_BARCODE == "--barcode-rgx ':UMI_([ACGTN_]+)'"


def test_duplicates_table_with_and_without_umis(tmp_path):
    umi_stats, position = tmp_path / "u.txt", tmp_path / "p.txt"
    umi_stats.write_text(STATS)
    position.write_text(STATS.replace(": 30", ": 70"))
    plain = tmp_path / "n.txt"
    plain.write_text(STATS.replace(": 30", ": 40"))
    assert read_markdup(umi_stats)["DUPLICATE TOTAL"] == 30
    samples = [
        {"sample_id": "P1", "material": "cfdna", "umi": "read1:8"},
        {"sample_id": "N", "material": "normal", "umi": ""},
    ]
    rows = duplicate_rows(samples, {"P1": umi_stats, "N": plain}, {"P1": position})
    assert [
        (r["umi"], r["duplicate_fraction"], r["duplicate_fraction_by_position"]) for r in rows
    ] == [
        ("read1:8", 0.075, 0.175),
        ("", 0.1, 0.1),  # no UMIs: by position is how it was marked
    ]
