"""Timeline rows of the clone analysis (results/clones/): the tumour fraction of every tumour
and cfDNA sample, and the presence of every non-truncal cluster of variants.

- ``tumour_fraction`` (gene blank, event ``tumour fraction``): value = tumour fraction with
  its 95% interval, depth_or_support = truncal variants used, detection_limit = the pooled
  detection limit; detected where the pooled test finds tumour, not_detected where it does
  not (the fraction lies below the limit), not_covered where no truncal variant is covered.
- ``clone`` (gene = cluster id, event ``clone <members>``): value = the cluster's cancer cell
  fraction with its interval, depth_or_support = its variants; status as the clusters table
  says (detected: CCF >= clones.min_ccf with the interval above 0; not_detected: the interval
  below min_ccf; not_covered: the sample cannot tell), except in samples without detectable
  tumour, which measure no cell fraction at all: not_measured, left out of the
  classification. A clone *acquired* on a drug expanded from below detection under it; one
  *lost* on a drug vanished under it.
"""

from resistance_timeline.timeline.therapy import number


def tumour_fraction_rows(tf_rows, patient):
    """One row per tumour/cfDNA sample of results/clones/{patient}.tumour_fraction.tsv."""
    rows = []
    for r in tf_rows:
        if r["tumour_fraction"] == "":
            status = "not_covered"
        else:
            status = "detected" if r["tumour_detected"] == "true" else "not_detected"
        rows.append(
            patient.row(
                r["sample_id"],
                "tumour_fraction",
                "",
                "tumour fraction",
                status,
                fallback=r,
                value=number(r["tumour_fraction"]),
                value_low=number(r["tf_low"]),
                value_high=number(r["tf_high"]),
                depth_or_support=number(r["variants_used"]),
                detection_limit=number(r["pooled_detection_limit"]),
            )
        )
    return rows


def clone_rows(cluster_rows, tf_rows, patient):
    """One row per non-truncal cluster × sample of results/clones/{patient}.clusters.tsv."""
    measured = {r["sample_id"] for r in tf_rows if r["tumour_detected"] == "true"}
    rows = []
    for r in cluster_rows:
        if r["truncal"] == "true":
            continue
        status = r["status"] if r["sample_id"] in measured else "not_measured"
        rows.append(
            patient.row(
                r["sample_id"],
                "clone",
                r["cluster"],
                f"clone {r['members']}",
                status,
                fallback=r,
                value=number(r["ccf"]),
                value_low=number(r["ccf_low"]),
                value_high=number(r["ccf_high"]),
                depth_or_support=number(r["variants"]),
            )
        )
    return rows
