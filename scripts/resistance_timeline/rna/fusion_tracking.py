"""Track a patient's fusions over all of its RNA samples: results/fusions/{patient}.fusions.tsv.

Fusions are tracked by their partner genes (the ``fusion`` name, 5'::3'): every fusion that
passed the filters in at least one sample is reported once in every RNA sample of the patient.
Where the sample called it, the row shows the sample's best-supported breakpoint pair (its
``main_isoform`` call) and how many breakpoint pairs were called (``isoforms``); elsewhere the
split and spanning reads are counted at the patient's main breakpoint pair (most split +
spanning fragments over the samples that called it) in that sample's BAM, so "absent" is a
measured zero (status not_detected) and weak evidence below the calling thresholds is visible
(status below_threshold). ``main_isoform`` says whether the row's breakpoint pair is the
patient's main one.
"""

from dataclasses import replace

from resistance_timeline.io.annotation import GeneIndex
from resistance_timeline.io.gene_model import load_genes
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
    "duplicates",
    "in_frame",
    "reading_frame",
    "known_driver",
    "driver_evidence",
    "main_isoform",
    "isoforms",
    "call",
    "alternatives",
    "status",
    "knowledge_version",
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
    "reading_frame",
    "known_driver",
    "driver_evidence",
    "call",
    "alternatives",
    "knowledge_version",
)


def _support(row):
    return int(row["split_reads"]) + int(row["spanning_pairs"])


def _pair(row):
    return (row["breakpoint5"], row["breakpoint3"])


def patient_fusions(calls_by_sample):
    """{fusion name: its main breakpoint pair's fields}, in order of first call; the main pair
    has the most split + spanning fragments summed over the samples that called it."""
    totals, fields = {}, {}
    for rows in calls_by_sample.values():
        for row in rows:
            by_pair = totals.setdefault(row["fusion"], {})
            by_pair[_pair(row)] = by_pair.get(_pair(row), 0) + _support(row)
            fields.setdefault(
                (row["fusion"], _pair(row)), {f: row.get(f, "") for f in FUSION_FIELDS}
            )
    main = {}
    for fusion, by_pair in totals.items():
        pair = min(by_pair, key=lambda p: (-by_pair[p], p))  # ties: first breakpoints
        main[fusion] = fields[(fusion, pair)]
    return main


def track(samples, calls_by_sample, bams, measure):
    """One row per fusion (partner genes) × sample. ``measure(bam, fusion)`` counts support at
    the fusion's main breakpoints where a sample has no call of it; it returns
    {"split_reads": n, "spanning_pairs": m, "duplicates": how they were handled}."""
    main = patient_fusions(calls_by_sample)
    rows = []
    for name, fusion in main.items():
        for sample, bam in zip(samples, bams):
            called = [r for r in calls_by_sample[sample["sample_id"]] if r["fusion"] == name]
            if called:
                best = max(called, key=lambda r: (r.get("main_isoform") == "true", _support(r)))
                shown = {f: best.get(f, "") for f in FUSION_FIELDS}
                support = {k: int(best[k]) for k in ("split_reads", "spanning_pairs")}
                support["duplicates"] = best.get("duplicates", "")
                status = "detected"
            else:
                shown = fusion
                support = measure(bam, fusion)
                total = support["split_reads"] + support["spanning_pairs"]
                status = "below_threshold" if total else "not_detected"
            rows.append(
                {
                    "sample_id": sample["sample_id"],
                    "day": sample["day"],
                    **{k: shown[k] for k in FUSION_FIELDS if k not in ("gene5", "gene3")},
                    **support,
                    "main_isoform": "true" if _pair(shown) == _pair(fusion) else "false",
                    "isoforms": len({_pair(r) for r in called}),
                    "status": status,
                }
            )
    return rows


def track_patient(samples, call_paths, bams, gtf, strandedness, settings):
    """Rows of track() for a patient: the samples' call tables (``call_paths``), BAMs and
    strandedness (one value per sample) in ``samples`` order; absent calls measured by
    support_at with ``settings`` (FusionSettings)."""
    calls = {s["sample_id"]: read_tsv(p) for s, p in zip(samples, call_paths)}
    index = GeneIndex(load_genes(gtf))
    library = dict(zip(bams, strandedness))

    def measure(bam, fusion):
        bp5, bp3 = fusion["breakpoint5"], fusion["breakpoint3"]
        # a rescued fusion (weak 5' partner) is measured at any MAPQ, as it was called
        rescued = fusion.get("call") == "rescued"
        chosen = replace(settings, min_mapq=0) if rescued else settings
        return support_at(bam, bp5, bp3, index, library[bam], chosen)

    return track(samples, calls, bams, measure)


def write_tracked(rows, patient, path):
    """The patient's fusion × sample table (COLUMNS)."""
    write_tsv(({"patient_id": patient, **r} for r in rows), path, COLUMNS)
