"""An event's rows of the knowledge base (``io.knowledge.load_markers``) and what they mean
for this patient (``relevance``)."""

from resistance_timeline.timeline.therapy import line_of


def alterations(event_type, gene, event):
    """The knowledge base's (GENE, ALTERATION) keys an event matches (upper case): the
    protein change without 'p.', the copy-number call, the fusion or '*::<3' gene>', the
    expression direction."""
    gene = (gene or "").upper()
    if event_type in ("snv", "indel"):
        return [(gene, event.removeprefix("p.").upper())]
    if event_type == "fusion":
        return [(gene, event.upper()), (gene, f"*::{gene}")]
    if event_type in ("cnv", "expression"):
        return [(gene, event.upper())]
    return []


def knowledge_rows(markers, event_type, gene, event):
    """Matching knowledge-base rows, in the file's order, each once."""
    found = []
    for key in alterations(event_type, gene, event):
        found += [r for r in markers.get(key, []) if r not in found]
    return found


def knowledge_text(rows):
    """'drug: effect (evidence)' joined by '; ' (as the variant table's resistance column)."""
    return "; ".join(f"{r['drug']}: {r['effect']} ({r['evidence']})" for r in rows)


def relevance(rows, classified, lines):
    """What the matches mean for the patient: resistance to the drug it appeared on, to a
    drug given (present before it when first seen by its start), or reported effects."""
    appeared_on = {d.strip().lower() for d in classified.get("acquired_on", "").split("+")}
    first_day = classified.get("first_day_detected")
    notes = []
    for r in rows:
        drug, effect = r["drug"], r["effect"]
        line = line_of(drug, lines)
        if effect == "resistance" and drug.lower() in appeared_on:
            note = f"known resistance to {drug}, the drug it appeared on"
        else:
            note = f"known resistance to {drug}" if effect == "resistance" else None
            note = note or f"reported {effect} to {drug}"
            if line is not None:
                note += f", given as line {line}"
                start = next(t["start_day"] for t in lines if t["drug"].lower() == drug.lower())
                if first_day != "" and float(first_day) <= start:
                    note += " (present before it)"
        if note not in notes:
            notes.append(note)
    return "; ".join(notes)
