"""Track a patient's fusions over all of its RNA samples: results/fusions/{patient}.fusions.tsv.

Every fusion that passed the filters in at least one sample is reported in every RNA sample of
the patient: with the sample's own call where it was called, and otherwise with the split and
spanning reads counted at the same breakpoints in that sample's BAM, so "absent" is a measured
zero (status not_detected) and weak evidence below the calling thresholds is visible
(status below_threshold). Also gathers the per-sample kinase 3'/5' imbalance tables.
"""

import csv
import sys

from annotation import GeneIndex, load_genes
from call_fusions import support_at
from kinase_imbalance import COLUMNS as IMBALANCE_COLUMNS

COLUMNS = [
    "patient_id", "sample_id", "day", "fusion", "breakpoint5", "breakpoint3", "exon5", "exon3",
    "split_reads", "spanning_pairs", "in_frame", "known_driver", "status",
]  # fmt: skip
FUSION_FIELDS = ("fusion", "gene5", "gene3", "breakpoint5", "breakpoint3", "exon5", "exon3",
                 "in_frame", "known_driver")  # fmt: skip


def read_tsv(path):
    """Rows of a TSV with a header line, as dicts."""
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def patient_fusions(calls_by_sample):
    """The patient's distinct fusions (by name and breakpoints), in order of first call."""
    fusions = {}
    for rows in calls_by_sample.values():
        for row in rows:
            key = (row["fusion"], row["breakpoint5"], row["breakpoint3"])
            fusions.setdefault(key, {f: row[f] for f in FUSION_FIELDS})
    return list(fusions.values())


def track(samples, calls_by_sample, bams, measure):
    """One row per fusion × sample. ``measure(bam, fusion)`` counts support where a sample has
    no call of that fusion; it returns {"split_reads": n, "spanning_pairs": m}."""
    rows = []
    for fusion in patient_fusions(calls_by_sample):
        for sample, bam in zip(samples, bams):
            called = next(
                (
                    r
                    for r in calls_by_sample[sample["sample_id"]]
                    if (r["fusion"], r["breakpoint5"], r["breakpoint3"])
                    == (fusion["fusion"], fusion["breakpoint5"], fusion["breakpoint3"])
                ),
                None,
            )
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


def main(snakemake):
    """Snakemake entry point: see rules/rna_fusions.smk (rule track_fusions)."""
    with open(snakemake.log[0], "w") as log:
        sys.stderr = log
        samples = snakemake.params.samples
        settings = snakemake.params.settings
        strandedness = snakemake.params.strandedness
        calls = {s["sample_id"]: read_tsv(p) for s, p in zip(samples, snakemake.input.calls)}
        index = GeneIndex(load_genes(snakemake.input.gtf))

        def measure(bam, fusion):
            return support_at(
                bam, fusion["breakpoint5"], fusion["breakpoint3"], index, strandedness,
                jitter=settings.get("jitter", 5), min_anchor=settings["min_anchor"],
                min_mapq=settings["min_mapq"],
            )  # fmt: skip

        rows = track(samples, calls, snakemake.input.bams, measure)
        patient = snakemake.params.patient
        with open(snakemake.output.fusions, "w", newline="") as handle:
            writer = csv.DictWriter(handle, COLUMNS, delimiter="\t", lineterminator="\n")
            writer.writeheader()
            for row in rows:
                writer.writerow({"patient_id": patient, **row})
        with open(snakemake.output.imbalance, "w", newline="") as handle:
            columns = ["patient_id", "day", *IMBALANCE_COLUMNS]
            writer = csv.DictWriter(handle, columns, delimiter="\t", lineterminator="\n")
            writer.writeheader()
            for sample, path in zip(samples, snakemake.input.imbalance):
                for row in read_tsv(path):
                    writer.writerow({"patient_id": patient, "day": sample["day"], **row})
        print(f"{len(rows)} fusion × sample rows for {patient}", file=log)


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
