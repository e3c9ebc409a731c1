"""Timeline rows of the DNA arms: somatic variants, gene copy number and LOH."""

import math

from resistance_timeline.dna.clonal_hematopoiesis import CH_ORIGINS
from resistance_timeline.timeline.therapy import number

CNV_CHANGES = ("amplification", "gain", "loss", "deep_loss")
# an event's call and the calls that count as it (a gain event is also seen as amplification)
COUNTS_AS = {
    "amplification": {"amplification"},
    "gain": {"gain", "amplification"},
    "loss": {"loss", "deep_loss"},
    "deep_loss": {"deep_loss"},
}


def variant_event(row):
    """(event_type, event) of a variant row."""
    kind = "snv" if len(row["ref"]) == 1 and len(row["alt"]) == 1 else "indel"
    event = row.get("protein") or f"{row['contig']}:{row['pos']} {row['ref']}>{row['alt']}"
    return kind, event


def on_timeline(variant):
    """Whether a variants-table row becomes a timeline row: somatic or clonal haematopoiesis,
    in a tumour or cfDNA sample (germline and artefact variants never become events)."""
    origin = variant["origin"]
    return (origin == "somatic" or origin in CH_ORIGINS) and variant.get("material") != "normal"


def variant_rows(variants, patient):
    """Timeline rows of the somatic variants in the tumour and cfDNA samples; a variant of
    clonal haematopoiesis is an event of its own type (its origin), never a snv/indel."""
    rows = []
    for v in variants:
        if not on_timeline(v):
            continue
        kind, event = variant_event(v)
        kind = v["origin"] if v["origin"] in CH_ORIGINS else kind
        rows.append(
            patient.row(
                v["sample_id"],
                kind,
                v["gene"],
                event,
                v["status"],
                fallback=v,
                value=number(v["vaf"]),
                value_low=number(v["vaf_low"]),
                value_high=number(v["vaf_high"]),
                depth_or_support=number(v["depth"]),
                detection_limit=number(v["detection_limit"]),
            )
        )
    return rows


def copy_number_of(log2, basis):
    """Tumour copy number of a log2 ratio under ``copy_number_basis`` (purity_<p> or
    unadjusted): r = ((1 - p)·2 + p·C) / 2, floored at 0."""
    if log2 is None:
        return None
    ratio = math.pow(2.0, log2)
    if basis and basis.startswith("purity_"):
        purity = float(basis.removeprefix("purity_"))
        return max(0.0, (2 * ratio - 2 * (1 - purity)) / purity)
    return 2 * ratio


def cnv_status(row, change, min_bins):
    """detected / not_detected / not_covered of one gene × sample for a change."""
    if row["call"] in COUNTS_AS[change]:
        return "detected"
    if row["call"] != "not_called" and (number(row["bins"]) or 0) >= min_bins:
        return "not_detected"
    return "not_covered"


def cnv_rows(genes, patient, min_bins):
    """Timeline rows of every copy-number change and LOH called in some sample, reported in
    every sample of the gene."""
    by_gene = {}
    for g in genes:
        by_gene.setdefault(g["gene"], []).append(g)
    rows = []
    for gene, samples in by_gene.items():
        calls = {s["call"] for s in samples}
        for change in CNV_CHANGES:
            if change in calls:
                rows += [_cnv_row(s, gene, change, min_bins, patient) for s in samples]
        if any(s.get("loh") == "true" for s in samples):
            rows += [_loh_row(s, gene, patient) for s in samples]
    return rows


def _cnv_row(s, gene, change, min_bins, patient):
    basis = s.get("copy_number_basis")
    return patient.row(
        s["sample_id"],
        "cnv",
        gene,
        change,
        cnv_status(s, change, min_bins),
        fallback=s,
        value=number(s["copy_number"]),
        value_low=copy_number_of(number(s["log2_low"]), basis),
        value_high=copy_number_of(number(s["log2_high"]), basis),
        depth_or_support=number(s["bins"]),
    )


def _loh_row(s, gene, patient):
    status = {"true": "detected", "false": "not_detected"}.get(s.get("loh"), "not_covered")
    return patient.row(
        s["sample_id"],
        "loh",
        gene,
        "LOH",
        status,
        fallback=s,
        value=number(s.get("baf")),
        depth_or_support=number(s.get("het_snps")),
    )
