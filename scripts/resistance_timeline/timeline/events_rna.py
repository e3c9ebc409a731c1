"""Timeline rows of the RNA arms: fusions, expression changes and pathway activity."""

from resistance_timeline.timeline.therapy import number

FUSION_STATUS = {"detected": "detected", "not_detected": "not_detected"}
# below_threshold (support under the calling thresholds) neither confirms nor rules out
FUSION_OTHER = "not_covered"


def fusion_rows(fusions, patient):
    """One row per fusion × RNA sample; gene = the 3' partner."""
    rows = []
    for f in fusions:
        split, span = number(f["split_reads"]) or 0, number(f["spanning_pairs"]) or 0
        rows.append(
            patient.row(
                f["sample_id"],
                "fusion",
                f["fusion"].split("::")[-1],
                f["fusion"],
                FUSION_STATUS.get(f["status"], FUSION_OTHER),
                fallback=f,
                value=split + span,
                depth_or_support=split,
            )
        )
    return rows


def cohort_support(cohort_tables):
    """{(drug, gene): (log2 fold change, padj)} of the cohort models; ``cohort_tables`` is a
    list of (drug, rows) with drug '' for an any_inhibitor model (it backs every drug)."""
    support = {}
    for drug, rows in cohort_tables:
        for r in rows:
            support[(drug, r.get("gene_name") or r["gene_id"])] = (
                number(r["log2_fold_change"]),
                number(r.get("padj")),
            )
    return support


def expression_passes(row, settings, support=None):
    """Whether a contrast row is an expression change (see the package docstring)."""
    lfc = number(row["log2_fold_change"])
    if lfc is None or abs(lfc) < settings["min_abs_lfc"]:
        return False
    if number(row.get("pvalue")) is None:
        return True
    padj = number(row.get("padj"))
    if padj is not None and padj < settings["alpha"]:
        return True
    gene = row.get("gene_name") or row["gene_id"]
    for drug in (row.get("drug", ""), ""):
        cohort_lfc, cohort_padj = (support or {}).get((drug, gene), (None, None))
        if cohort_padj is not None and cohort_padj < settings["alpha"] and cohort_lfc * lfc > 0:
            return True  # the cohort model of the drug finds the same change
    return False


def direction_of(value):
    return "up" if value > 0 else "down"


def expression_rows(contrasts, patient, settings, support=None):
    """Rows of every gene changed in some contrast, for each direction it changed in: the
    post sample of each contrast measured, the other RNA samples not_measured. ``support``:
    cohort_support of the drugs' cohort models."""
    by_gene = {}
    for c in contrasts:
        by_gene.setdefault(c.get("gene_name") or c["gene_id"], []).append(c)
    rows = []
    for gene, measured in by_gene.items():
        seen = {
            direction_of(number(c["log2_fold_change"]))
            for c in measured
            if expression_passes(c, settings, support)
        }
        for direction in sorted(seen):
            rows += _expression_event(gene, direction, measured, patient, settings, support)
    return rows


def _expression_event(gene, direction, measured, patient, settings, support):
    event = f"{direction}-regulation"
    post = {c["post_sample"]: c for c in measured}
    rows = []
    for s in patient.rna():
        c = post.get(s["sample_id"])
        if c is None:
            rows.append(patient.row(s["sample_id"], "expression", gene, event, "not_measured"))
            continue
        lfc, se = number(c["log2_fold_change"]), number(c.get("lfc_se"))
        hit = expression_passes(c, settings, support) and direction_of(lfc) == direction
        rows.append(
            patient.row(
                s["sample_id"],
                "expression",
                gene,
                event,
                "detected" if hit else "not_detected",
                value=lfc,
                value_low=None if se is None else lfc - 1.96 * se,
                value_high=None if se is None else lfc + 1.96 * se,
                depth_or_support=number(c.get("base_mean")),
            )
        )
    return rows


def pathway_passes(test, settings):
    """Whether a patient's gene-set test is a pathway change."""
    score, pvalue = number(test.get("score")), number(test.get("pvalue"))
    if score is None:
        return False
    return abs(score) >= settings["pathway_min_abs_score"] or (
        pvalue is not None and pvalue < settings["alpha"]
    )


def pathway_rows(tests, scores, contrasts, patient, settings):
    """Rows of every pathway the patient's gene-set tests call changed, per direction: the
    activity score at every RNA sample, detected at the post samples of passing tests."""
    post_of = {c["contrast"]: c["post_sample"] for c in contrasts}
    mine = [t for t in tests if t["scope"] == patient.patient_id and t["contrast"] in post_of]
    score_of = {
        (p["pathway"], p["sample_id"]): p
        for p in scores
        if p.get("patient_id") in (patient.patient_id, None)
    }
    by_pathway = {}
    for t in mine:
        by_pathway.setdefault(t["pathway"], []).append(t)
    rows = []
    for pathway, measured in by_pathway.items():
        passing = [t for t in measured if pathway_passes(t, settings)]
        for direction in sorted({_test_direction(t) for t in passing}):
            at_post = {post_of[t["contrast"]]: t for t in measured}
            for s in patient.rna():
                test = at_post.get(s["sample_id"])
                if test is None:
                    status = "not_measured"
                else:
                    hit = pathway_passes(test, settings) and _test_direction(test) == direction
                    status = "detected" if hit else "not_detected"
                activity = score_of.get((pathway, s["sample_id"]), {})
                rows.append(
                    patient.row(
                        s["sample_id"],
                        "pathway",
                        "",
                        f"{pathway} activity {direction}",
                        status,
                        value=number(activity.get("score")),
                        depth_or_support=number(activity.get("genes_used")),
                    )
                )
    return rows


def _test_direction(test):
    return test.get("direction") or direction_of(number(test["score"]))
