"""Clonal haematopoiesis (CH): plasma variants that come from blood cells, not from the tumour.

In published cfDNA cohorts half or more of the mutations seen in plasma come from blood cells
(DNMT3A, TET2, ASXL1, PPM1D, TP53, ...), and PPM1D and TP53 clones grow under therapy, so they
look acquired on the drug. The rules follow TEMPEST's (a plasma variant is CH when the blood
normal carries it) with the thresholds of config ``genotyping: clonal_hematopoiesis``:

- ``clonal_hematopoiesis``: seen in a plasma sample, and a blood normal carries it: normal VAF
  >= ``min_normal_vaf``, or >= ``min_plasma_fraction`` x its highest plasma VAF with at least
  ``normal: min_alt_reads`` alt reads, or any alt read when the variant lies in a CH gene
  (resources/knowledge/ch_genes.tsv). A variant also detected in a tumour biopsy needs the first
  rule (a clear blood clone): a tumour variant with a stray read in the normal stays somatic.
- ``possible_clonal_hematopoiesis``: no alt read in any blood normal, detected only in plasma
  (never in a tumour biopsy of the patient), and in a CH gene, or the patient has no normal
  at all. A tissue normal (samples.tsv ``normal_source: tissue``) says nothing about blood.

Germline variants (normal VAF >= germline_min_normal_vaf) and read artefacts are decided
before these rules (genotype_stats.classify_origin). Own code: the rules are a few
comparisons of the genotyper's counts; no tool implements them on a VCF.
"""

from bisect import bisect_right

from resistance_timeline.dna.targets import read_bed
from resistance_timeline.io.knowledge_format import read_rows

CH_ORIGINS = ("clonal_hematopoiesis", "possible_clonal_hematopoiesis")


def read_ch_genes(path):
    """The gene symbols of a CH gene table (a '#' comment block with a version line, then a
    header with a ``gene`` column)."""
    rows, _ = read_rows(path, ("gene",), ("gene", "note"))
    return {row["gene"].strip() for _, row in rows if row["gene"].strip()}


def ch_intervals(targets_bed, genes):
    """{contig: sorted [(start, end)]} of the targets named after a CH gene (the workflow's
    targets BED names each target by its gene, rule prepare_targets)."""
    spans = {}
    for contig, start, end, name in read_bed(targets_bed):
        if set((name or "").replace(";", ",").split(",")) & genes:
            spans.setdefault(contig, []).append((start, end))
    return {contig: sorted(found) for contig, found in spans.items()}


def in_intervals(spans, contig, pos):
    """Whether the 1-based ``pos`` lies in one of the contig's [start, end) spans."""
    found = spans.get(contig, [])
    i = bisect_right(found, (pos - 1, float("inf")))
    return i > 0 and found[i - 1][0] <= pos - 1 < found[i - 1][1]


def _vaf(samples):
    ref, alt = sum(s["ref"] for s in samples), sum(s["alt"] for s in samples)
    return alt / (ref + alt) if ref + alt else 0.0


def ch_origin(samples, thr, in_ch_gene):
    """(origin, reason) when the CH rules hold for one variant's per-sample summaries (dicts
    with material, status, ref, alt and, for a normal, ``source`` blood|tissue), else None."""
    ch = thr["clonal_hematopoiesis"]
    plasma = [s for s in samples if s["material"] == "cfdna"]
    if not any(s["status"] == "detected" for s in plasma):
        return None
    normals = [s for s in samples if s["material"] == "normal"]
    blood = [s for s in normals if s.get("source", "blood") == "blood"]
    in_biopsy = any(s["status"] == "detected" for s in samples if s["material"] == "tumor")
    vafs = [s["alt"] / (s["ref"] + s["alt"]) for s in plasma if s["ref"] + s["alt"]]
    max_plasma = max(vafs, default=0.0)
    blood_alt, blood_vaf = sum(s["alt"] for s in blood), _vaf(blood)
    if blood_alt:
        reason = f"blood_normal_vaf:{blood_vaf:.3g}|max_plasma_vaf:{max_plasma:.3g}"
        clear = blood_vaf >= ch["min_normal_vaf"]
        relative = (
            blood_alt >= thr["normal"]["min_alt_reads"]
            and blood_vaf >= ch["min_plasma_fraction"] * max_plasma
        )
        if clear or (not in_biopsy and (relative or in_ch_gene)):
            return "clonal_hematopoiesis", reason + ("|ch_gene" if in_ch_gene else "")
        return None
    if in_biopsy:
        return None
    if in_ch_gene or not normals:
        why = "ch_gene" if in_ch_gene else "no_normal"
        return "possible_clonal_hematopoiesis", f"plasma_only_max_vaf:{max_plasma:.3g}|{why}"
    return None
