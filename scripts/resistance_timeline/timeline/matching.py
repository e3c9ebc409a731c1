"""An event's rows of the knowledge base (``io.knowledge``) and what they mean for this patient.

The events table gets ``KNOWLEDGE_COLUMNS``:

- ``knowledge``: matches whose drug the patient got (the same generic drug, a regimen of drugs
  all given, or a class of a given drug, e.g. "EGFR TKI" for erlotinib), as
  ``io.knowledge.knowledge_text`` writes them ('drug: effect (evidence)', a ``[rule
  alteration]`` tag on every match that is not exact);
- ``relevance``: what those matches mean here: resistance to the drug the event appeared on,
  or to a drug given as line n (present before it when first seen by its start);
- ``knowledge_other``: the matches about drugs the patient did not get (next-line options,
  or resistance to another drug);
- ``knowledge_version``: the version line of the knowledge base the event was matched against
  (on every event, matched or not: "no match" is a statement about that version).

Treatment drugs are normalised with the knowledge base's drug table, so a line ``Tagrisso``
is osimertinib. For one drug, a gene-level row ('EGFR mutation') is left out when a more
specific row (exact, codon, exon ...) matched: the specific evidence is what a curator reads.
"""

from resistance_timeline.io.knowledge import NO_KNOWLEDGE, knowledge_text, specific

KNOWLEDGE_COLUMNS = ["knowledge", "relevance", "knowledge_other", "knowledge_version"]


def knowledge_rows(knowledge, event_type, gene, event, present=()):
    """The event's matches (row, rule), most specific first (see ``specific``)."""
    return specific(knowledge.match(event_type, gene, event, present))


def given_drugs(knowledge, lines):
    """Per line of therapy: (line number, start day, generic drug names)."""
    return [(t.get("line"), t["start_day"], knowledge.drugs.normalize(t["drug"])) for t in lines]


def split_by_patient(knowledge, matches, lines):
    """(matches about drugs the patient got, the other matches)."""
    given = {d for _, _, drugs in given_drugs(knowledge, lines) for d in drugs}
    mine, other = [], []
    for m in matches:
        (mine if knowledge.drugs.relation(m.row.drugs, given) else other).append(m)
    return mine, other


def named(knowledge, row, given):
    """A row's drug as a note names it: a class with the patient's drugs of it
    ("endocrine therapy (letrozole)")."""
    members = [g for g in sorted(given) for d in row.drugs if d in knowledge.drugs.classes(g)]
    return f"{row.drug} ({', '.join(dict.fromkeys(members))})" if members else row.drug


def relevance(knowledge, matches, classified, lines):
    """What the matches mean for the patient: resistance to the drug it appeared on, to a drug
    given (present before it when first seen by its start), or reported effects; one note per
    drug, effect and rule."""
    appeared_on = knowledge.drugs.normalize(classified.get("acquired_on", ""))
    first_day = classified.get("first_day_detected")
    given = given_drugs(knowledge, lines)
    everything = {d for _, _, drugs in given for d in drugs}
    notes = []
    for m in matches:
        r = m.row
        tag = "" if m.rule == "exact" and not r.requires else f" [{m.rule} {r.alteration}]"
        drug = named(knowledge, r, everything)
        known = f"known resistance to {drug}" if r.effect == "resistance" else None
        if known and appeared_on and knowledge.drugs.relation(r.drugs, appeared_on):
            note = f"{known}, the drug it appeared on"
        else:
            note = known or f"reported {r.effect} to {drug}"
            line = next((g for g in given if knowledge.drugs.relation(r.drugs, g[2])), None)
            if line is not None:
                number, start, _ = line
                note += f", given as line {number}"
                if first_day != "" and first_day is not None and float(first_day) <= start:
                    note += " (present before it)"
        note += tag
        if note not in notes:
            notes.append(note)
    return "; ".join(notes)


def event_knowledge(knowledge, event, classified, lines, present=()):
    """The KNOWLEDGE_COLUMNS of one event (event_type, gene, event); blank without a
    knowledge base (None or {})."""
    knowledge = knowledge or NO_KNOWLEDGE
    matches = knowledge_rows(knowledge, *event, present)
    mine, other = split_by_patient(knowledge, matches, lines)
    return {
        "knowledge": knowledge_text(mine),
        "relevance": relevance(knowledge, mine, classified, lines),
        "knowledge_other": knowledge_text(other),
        "knowledge_version": knowledge.version,
    }
