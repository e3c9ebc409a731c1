"""The cohort's sample table (resistance_timeline.timeline.samples): sheet columns, the line
of therapy at sampling, units, and the lab's own columns kept as written."""

from resistance_timeline.timeline.samples import COLUMNS, sample_rows, write_sample_table

SAMPLES = [
    {"patient_id": "P1", "sample_id": "P1-N", "assay": "wes", "material": "normal", "day": 0},
    {
        "patient_id": "P1",
        "sample_id": "P1-T1",
        "assay": "wes",
        "material": "tumor",
        "day": 95,
        "timepoint": "relapse",
        "purity": 0.4,
    },
    {
        "patient_id": "P1",
        "sample_id": "P1-P2",
        "assay": "wes",
        "material": "cfdna",
        "day": 130,
        "date": "2024-05-10",
        "day0_date": "2024-01-01",
    },
]
TREATMENTS = [
    {"patient_id": "P1", "line": 1, "drug": "crizotinib", "start_day": 10, "end_day": 90},
    {"patient_id": "P1", "line": 2, "drug": "alectinib", "start_day": 100},
]


def test_rows_carry_the_line_at_sampling_units_and_own_columns(tmp_path):
    kinds = {"P1-N": ["fastq"], "P1-T1": ["fastq", "fastq"], "P1-P2": ["bam"]}
    own = {"P1-N": {"clinical_id": "C-1"}, "P1-T1": {"clinical_id": "", "block": "B7"}}
    columns, rows = sample_rows(SAMPLES, kinds, TREATMENTS, own)
    assert columns == [*COLUMNS, "clinical_id", "block"]
    normal, tumour, plasma = rows
    assert (normal["on_treatment"], normal["clinical_id"], normal["block"]) == ("", "C-1", "")
    assert (tumour["on_treatment"], tumour["units"], tumour["input"]) == (
        "crizotinib (after)",
        2,
        "fastq",
    )
    assert (tumour["purity"], tumour["block"], plasma["purity"]) == (0.4, "B7", "")
    assert (plasma["date"], plasma["day0_date"], normal["date"]) == ("2024-05-10", "2024-01-01", "")
    assert (plasma["on_treatment"], plasma["input"], plasma["clinical_id"]) == (
        "alectinib",
        "bam",
        "",
    )
    path = tmp_path / "samples.tsv"
    write_sample_table(path, columns, rows)
    lines = path.read_text().splitlines()
    assert lines[0].split("\t") == columns
    assert lines[2].split("\t") == [
        "P1",
        "P1-T1",
        "wes",
        "tumor",
        "95",
        "",
        "",
        "relapse",
        "0.4",
        "crizotinib (after)",
        "2",
        "fastq",
        "",
        "B7",
    ]
