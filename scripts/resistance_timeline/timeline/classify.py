"""How an event behaves over the patient's samples (rules in the package docstring)."""

from resistance_timeline.dna.clonal_hematopoiesis import CH_ORIGINS
from resistance_timeline.timeline.rows import CHANGE_TYPES
from resistance_timeline.timeline.therapy import drug_of, number


def rules_out(row, vaf):
    """Whether a sample's row excludes the event at ``vaf`` (None: no VAF to compare)."""
    if row["status"] != "not_detected":
        return False
    limit = number(row.get("detection_limit"))
    return limit is None or vaf is None or limit < vaf


def why_not(row, vaf):
    """Why a sample does not rule the event out, for ``reason``."""
    if row["status"] == "not_detected":
        return f"{row['sample_id']} detection limit {row['detection_limit']} not below VAF {vaf}"
    return f"{row['sample_id']} {row['status']}"


CH_REASONS = {
    "clonal_hematopoiesis": "a blood-cell clone: the blood normal carries it",
    "possible_clonal_hematopoiesis": (
        "seen only in plasma, never in a tumour biopsy, in a gene of clonal haematopoiesis "
        "(or no normal to tell)"
    ),
}


def classify(rows):
    """classification, reason, first/last day detected, acquired_on, lost_on of one event
    from its timeline rows in sample order; a clone's growth and shrinking on a drug too."""
    out = _classify(rows)
    if rows and rows[0]["event_type"] == "clone":
        out = _with_trend(out, [r for r in rows if r["status"] != "not_measured"])
    return out


def _trend(seq):
    """A clone's significant changes between consecutive samples detecting it: (word, drug,
    text) where its CCF interval lies wholly above (``expands``) or below (``shrinks``) the
    previous one's; the drug is the line running at the later sample. (Rising from or
    falling below detection is what acquired and lost say.)"""
    measured = [r for r in seq if r["status"] == "detected" and number(r["value_low"]) is not None]
    out = []
    for prev, cur in zip(measured, measured[1:]):
        word = None
        if number(cur["value_low"]) > number(prev["value_high"]):
            word = "expands"
        elif number(cur["value_high"]) < number(prev["value_low"]):
            word = "shrinks"
        if word:
            drug = drug_of(cur["on_treatment"]) or "before treatment"
            text = (
                f"{word} on {drug}: CCF {prev['value']} [{prev['value_low']}, "
                f"{prev['value_high']}] at {prev['sample_id']} (day {prev['day']}) to "
                f"{cur['value']} [{cur['value_low']}, {cur['value_high']}] at "
                f"{cur['sample_id']} (day {cur['day']})"
            )
            out.append((word, drug, text))
    return out


def _with_trend(out, seq):
    """A clone present before and after (persistent, baseline, undetermined) whose cell
    fraction changed beyond its intervals is classified by its latest change, ``expands``
    (drug in acquired_on) or ``shrinks`` (drug in lost_on); an acquired, lost or transient
    clone keeps that classification, its changes named in the reason."""
    changes = _trend(seq)
    if not changes:
        return out
    reason = "; ".join(text for _, _, text in changes)
    if out["classification"] in ("acquired", "lost", "transient"):
        return {**out, "reason": f"{out['reason']}; {reason}"}
    word, drug, _ = changes[-1]
    on = {"acquired_on": drug} if word == "expands" else {"lost_on": drug}
    return {**out, **on, "classification": word, "reason": reason}


def _classify(rows):
    kind = rows[0]["event_type"] if rows else ""
    seq = [r for r in rows if r["status"] != "not_measured"]
    hits = [i for i, r in enumerate(seq) if r["status"] == "detected"]
    out = {k: "" for k in ("first_day_detected", "last_day_detected", "acquired_on", "lost_on")}
    if not hits:
        return {**out, "classification": "undetermined", "reason": "not detected in any sample"}
    first, last = hits[0], hits[-1]
    out["first_day_detected"], out["last_day_detected"] = seq[first]["day"], seq[last]["day"]
    if kind in CH_ORIGINS:  # blood cells', not the tumour's: never acquired nor lost on a drug
        return {**out, "classification": kind, "reason": CH_REASONS[kind]}
    if kind in CHANGE_TYPES:
        return {**out, **_change(seq)}
    is_variant = kind in ("snv", "indel")
    first_vaf = number(seq[first]["value"]) if is_variant else None
    peak = max(number(seq[i]["value"]) or 0 for i in hits) if is_variant else None
    before, after = seq[:first], seq[last + 1 :]
    gone = bool(after) and all(rules_out(r, peak) for r in after)
    lost_on = drug_of(after[0]["on_treatment"]) if gone else ""
    caveat = _caveat(seq[last], after, gone, is_variant)
    if first == 0:
        if not after:
            return {**out, **_present_throughout(seq, hits, is_variant)}
        if gone:
            return {
                **out,
                "classification": "lost",
                "reason": "every later sample rules it out" + caveat,
                "lost_on": lost_on,
            }
        unsure = "; ".join(why_not(r, peak) for r in after if not rules_out(r, peak))
        return {**out, "classification": "baseline", "reason": "later: " + unsure}
    blockers = [why_not(r, first_vaf) for r in before if not rules_out(r, first_vaf)]
    if blockers:
        return {**out, "classification": "undetermined", "reason": "; ".join(blockers)}
    out["acquired_on"] = drug_of(seq[first]["on_treatment"]) or "before treatment"
    reason = "every earlier sample rules it out"
    if gone:
        return {
            **out,
            "classification": "transient",
            "reason": reason + "; every later sample rules it out" + caveat,
            "lost_on": lost_on,
        }
    return {**out, "classification": "acquired", "reason": reason}


def _present_throughout(seq, hits, is_variant):
    """An event detected in the first and the last sample: ``persistent`` unless a sample in
    between rules it out (at the lowest detected VAF), which makes it ``baseline``: present
    before treatment, gone below detection on treatment (a response) and back at the end, so
    not one that stayed throughout. One sample only: ``baseline``."""
    if len(seq) == 1:
        return {"classification": "baseline", "reason": "one sample"}
    low = min(number(seq[i]["value"]) or 0 for i in hits) if is_variant else None
    gaps = [r for r in seq if r["status"] != "detected"]
    gone = [i for i, r in enumerate(seq) if rules_out(r, low)]
    if gone:
        back = seq[next(i for i in hits if i > gone[-1])]
        gone = [seq[i] for i in gone]
        names = ", ".join(f"{r['sample_id']} (day {r['day']})" for r in gone)
        verb = "rules it out" if len(gone) == 1 else "rule it out"
        at = f" at VAF {low}" if is_variant else ""
        reason = (
            f"present before treatment; {names} {verb}{at}; detected again at "
            f"{back['sample_id']} (day {back['day']})"
        )
        return {"classification": "baseline", "reason": reason}
    reason = "detected in every sample"
    if gaps:
        reason = "detected in the first and last sample; between them " + "; ".join(
            why_not(r, low) for r in gaps
        )
    return {"classification": "persistent", "reason": reason}


def _caveat(last_hit, after, gone, is_variant):
    """A lost variant whose last detected VAF is not below a later limit: say so."""
    if not (gone and is_variant):
        return ""
    vaf = number(last_hit["value"])
    shallow = [r for r in after if not rules_out(r, vaf)]
    return "".join(
        f" (at its highest VAF; {r['sample_id']} limit {r['detection_limit']} is not below"
        f" the last detected VAF {last_hit['value']})"
        for r in shallow
    )


def _change(seq):
    """An expression or pathway change: acquired under the drug of its first contrast (the
    change is relative to the pre sample); a later contrast without it measures no further
    change, not a reversal, so such events are never lost or transient."""
    seen = [
        drug_of(r["on_treatment"]) or "before treatment" for r in seq if r["status"] == "detected"
    ]
    unseen = [
        drug_of(r["on_treatment"]) or "before treatment" for r in seq if r["status"] != "detected"
    ]
    reason = (
        "seen after " + ", ".join(seen) + ("; not after " + ", ".join(unseen) if unseen else "")
    )
    return {"classification": "acquired", "reason": reason, "acquired_on": seen[0]}
