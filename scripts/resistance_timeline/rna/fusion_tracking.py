"""Track a patient's fusions over all of its RNA samples: results/fusions/{patient}.fusions.tsv.

Every fusion that passed the filters in at least one sample is reported in every RNA sample of
the patient: with the sample's own call where it was called, and otherwise with the split and
spanning reads counted at the same breakpoints in that sample's BAM, so "absent" is a measured
zero (status not_detected) and weak evidence below the calling thresholds is visible
(status below_threshold).
"""

from resistance_timeline.io.annotation import GeneIndex, load_genes
from resistance_timeline.io.tables import read_tsv, write_tsv
from resistance_timeline.rna.fusions import support_at

COLUMNS = [
    "patient_id",
    "sample_id",
    "day",
    "fusion",
    "breakpoint5",
    "breakpoint3",
    "exon5",
    "exon3",
    "split_reads",
    "spanning_pairs",
    "in_frame",
    "known_driver",
    "driver_evidence",
    "status",
]
FUSION_FIELDS = (
    "fusion",
    "gene5",
    "gene3",
    "breakpoint5",
    "breakpoint3",
    "exon5",
    "exon3",
    "in_frame",
    "known_driver",
    "driver_evidence",
)


def fusion_key(row):
    """A fusion's identity across samples: its name and both breakpoints."""
    return (row["fusion"], row["breakpoint5"], row["breakpoint3"])


def patient_fusions(calls_by_sample):
    """The patient's distinct fusions, in order of first call."""
    fusions = {}
    for rows in calls_by_sample.values():
        for row in rows:
            fusions.setdefault(fusion_key(row), {f: row[f] for f in FUSION_FIELDS})
    return list(fusions.values())


def track(samples, calls_by_sample, bams, measure):
    """One row per fusion × sample. ``measure(bam, fusion)`` counts support where a sample has
    no call of that fusion; it returns {"split_reads": n, "spanning_pairs": m}."""
    called_in = {
        sample_id: {fusion_key(r): r for r in rows} for sample_id, rows in calls_by_sample.items()
    }
    rows = []
    for fusion in patient_fusions(calls_by_sample):
        for sample, bam in zip(samples, bams):
            called = called_in[sample["sample_id"]].get(fusion_key(fusion))
            if called:
                support = {k: int(called[k]) for k in ("split_reads", "spanning_pairs")}
                status = "detected"
            else:
                support = measure(bam, fusion)
                total = support["split_reads"] + support["spanning_pairs"]
                status = "below_threshold" if total else "not_detected"
            rows.append(
                {
                    "sample_id": sample["sample_id"],
                    "day": sample["day"],
                    **{k: fusion[k] for k in FUSION_FIELDS if k not in ("gene5", "gene3")},
                    **support,
                    "status": status,
                }
            )
    return rows


def track_patient(samples, call_paths, bams, gtf, strandedness, settings):
    """Rows of track() for a patient: the samples' call tables (``call_paths``) and BAMs in
    ``samples`` order; absent calls measured by support_at with ``settings``
    (FusionSettings)."""
    calls = {s["sample_id"]: read_tsv(p) for s, p in zip(samples, call_paths)}
    index = GeneIndex(load_genes(gtf))

    def measure(bam, fusion):
        bp5, bp3 = fusion["breakpoint5"], fusion["breakpoint3"]
        return support_at(bam, bp5, bp3, index, strandedness, settings)

    return track(samples, calls, bams, measure)


def write_tracked(rows, patient, path):
    """The patient's fusion × sample table (COLUMNS)."""
    write_tsv(({"patient_id": patient, **r} for r in rows), path, COLUMNS)
