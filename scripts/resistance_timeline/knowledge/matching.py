"""What the knowledge base's matches (``knowledge.base``) say: as text (``knowledge_text``, the
column the variant, fusion and events tables show) and for one patient (the timeline's columns).

The events table gets ``KNOWLEDGE_COLUMNS``:

- ``knowledge``: matches whose drug the patient got (the same generic drug, a regimen of drugs
  all given, or a class of a given drug, e.g. "EGFR TKI" for erlotinib), as
  ``knowledge_text`` writes them ('drug: effect (evidence)', a ``[rule
  alteration]`` tag on every match that is not exact);
- ``relevance``: what those matches mean here: resistance to the drug the event appeared on,
  or to a drug given as line n (present before it when first seen by its start);
- ``knowledge_other``: the matches about drugs the patient did not get (next-line options,
  or resistance to another drug), and those outranked for a given drug by its closer evidence
  (``for_drug``: a class row, a gene-level row or a preclinical result that says the opposite
  of the drug's own clinical rows);
- ``knowledge_version``: the version line of the knowledge base the event was matched against
  (on every event, matched or not: "no match" is a statement about that version).

Treatment drugs are normalised with the knowledge base's drug table, so a line ``Tagrisso``
is osimertinib. For one drug, a gene-level row ('EGFR mutation') is left out when a more
specific row (exact, codon, exon ...) matched: the specific evidence is what a curator reads.
Per drug given, the closest evidence decides the direction (``for_drug``), and evidence of
equal closeness in both directions is written as 'conflicting evidence for <drug>'.
"""

from resistance_timeline.knowledge.base import NO_KNOWLEDGE

KNOWLEDGE_COLUMNS = ["knowledge", "relevance", "knowledge_other", "knowledge_version"]
# how specific a rule's alteration is, for one drug's evidence (``rank``): smaller is closer
TIERS = {
    **{"compound": 0, "exact": 1, "codon": 2, "reversion": 2, "fusion_variant": 2},
    **{"exon": 3, "region": 3, "fusion_partner": 3, "gene": 4, "expression": 4},
}
PRECLINICAL = {"D", "E"}  # CIViC's preclinical and inferential levels


def specific(matches):
    """The matches without the gene-level ones ('EGFR mutation') of a drug that also has a
    more specific match (exact, codon, exon ...): the specific evidence is what counts."""
    specific_drugs = {m.row.drug for m in matches if m.rule != "gene"}
    return [m for m in matches if m.rule != "gene" or m.row.drug not in specific_drugs]


def knowledge_text(matches):
    """'drug: effect (evidence)' per drug and effect, joined by '; '; a match by a rule other
    than 'exact' says which rule and row alteration: 'vemurafenib: resistance (PMID:1)
    [codon Q61]'. Rows of one drug, effect and rule share one entry with all their evidence."""
    groups = {}
    for m in matches:
        tag = "" if m.rule == "exact" and not m.row.requires else f"{m.rule} {m.row.alteration}"
        if m.row.requires:
            tag += " with " + ", ".join(f"{g} {a.text}" for g, a in m.row.requires)
        key = (m.row.drug, m.row.effect, tag.strip())
        cited = groups.setdefault(key, [])
        cited += [c for c in m.row.evidence.split(";") if c not in cited]
    return "; ".join(
        f"{drug}: {effect} ({';'.join(cited)})" + (f" [{tag}]" if tag else "")
        for (drug, effect, tag), cited in groups.items()
    )


def knowledge_rows(knowledge, event_type, gene, event, present=()):
    """The event's matches (row, rule), most specific first (see ``specific``)."""
    return specific(knowledge.match(event_type, gene, event, present))


def given_drugs(knowledge, lines):
    """Per line of therapy: (line number, start day, generic drug names)."""
    return [(t.get("line"), t["start_day"], knowledge.drugs.normalize(t["drug"])) for t in lines]


def direction(effect):
    """'against' for resistance and no_response, 'for' for sensitivity and response."""
    return "against" if effect in ("resistance", "no_response") else "for"


def rank(knowledge, match, drug):
    """How closely a match speaks of one drug, smaller is closer: the alteration's tier (a
    compound before an exact change before a codon ... before a gene-level row), then the
    evidence (clinical, CIViC levels A-C, before preclinical or inferential, D-E: a cell-line
    result does not outweigh what patients showed), then the drug: the drug itself (0) before
    its narrowest class (the number of drugs in it)."""
    drugs = knowledge.drugs
    if drug in match.row.drugs:
        width = 0
    else:
        width = min(
            (drugs.class_size(d) for d in match.row.drugs if d in drugs.classes(drug)),
            default=len(drugs.drugs) + 1,
        )
    return TIERS[match.rule], match.row.evidence_level in PRECLINICAL, width


def for_drug(knowledge, matches, drug, given):
    """(the matches that hold for one drug the patient got, whether they conflict).

    A match speaks of the drug when its row's drugs were all given (a regimen) or are classes
    of given drugs, and the drug is one of them or a member of one. The closest matches
    (``rank``) decide the direction: a farther match saying the opposite is left out for this
    drug, so a class row never points the wrong way (a "T790M: EGFR TKI resistance" row would
    not reach osimertinib, whose own rows say sensitivity; "C481S: BTK inhibitor resistance"
    does not reach pirtobrutinib), nor a cell-line result against what patients showed. When
    the closest matches disagree, all are kept and the drug's evidence is conflicting."""
    drugs = knowledge.drugs
    held = [
        m
        for m in matches
        if drugs.relation(m.row.drugs, given)
        and any(d == drug or d in drugs.classes(drug) for d in m.row.drugs)
    ]
    if not held:
        return [], False
    if any(m.rule != "gene" for m in held):  # the drug's specific evidence is what counts
        held = [m for m in held if m.rule != "gene"]
    ranks = {id(m): rank(knowledge, m, drug) for m in held}
    best = min(ranks.values())
    top = {direction(m.row.effect) for m in held if ranks[id(m)] == best}
    if len(top) > 1:
        return held, True
    return [m for m in held if direction(m.row.effect) in top], False


def resolve(knowledge, matches, lines):
    """Per drug the patient got: (its matches, conflicting), from ``for_drug``."""
    given = {d for _, _, drugs in given_drugs(knowledge, lines) for d in drugs}
    return {drug: for_drug(knowledge, matches, drug, given) for drug in sorted(given)}


def split_by_patient(matches, per_drug):
    """(matches that hold for a drug the patient got, the other matches: about drugs the
    patient did not get, or outranked for the drugs given by closer evidence that says the
    opposite; ``per_drug`` from ``resolve``). Every match is in one of the two: nothing is
    hidden."""
    held = {id(m) for found, _ in per_drug.values() for m in found}
    mine = [m for m in matches if id(m) in held]
    return mine, [m for m in matches if id(m) not in held]


def named(knowledge, row, given):
    """A row's drug as a note names it: a class with the patient's drugs of it
    ("endocrine therapy (letrozole)")."""
    members = [g for g in sorted(given) for d in row.drugs if d in knowledge.drugs.classes(g)]
    return f"{row.drug} ({', '.join(dict.fromkeys(members))})" if members else row.drug


def conflict_note(drug, found, where):
    """'conflicting evidence for osimertinib, the drug it appeared on: resistance (PMID:1) and
    sensitivity (PMID:2)'; ``where``: the drug's place in the patient's therapy."""
    cited = {}
    for m in found:
        cites = cited.setdefault(m.row.effect, [])
        cites += [c for c in m.row.evidence.split(";") if c not in cites]
    parts = [f"{effect} ({';'.join(cites)})" for effect, cites in cited.items()]
    return f"conflicting evidence for {drug}{where}: " + " and ".join(parts)


def placed(drugs, appeared_on, given, first_day):
    """Where the drugs stand in the patient's therapy: ', the drug it appeared on', ', given as
    line n' (' (present before it)' when the event was first seen by the line's start), or ''."""
    if drugs & appeared_on:
        return ", the drug it appeared on"
    line = next((g for g in given if drugs & set(g[2])), None)
    if line is None:
        return ""
    number, start, _ = line
    before = first_day != "" and first_day is not None and float(first_day) <= start
    return f", given as line {number}" + (" (present before it)" if before else "")


def relevance(knowledge, matches, classified, lines, per_drug):
    """What the matches mean for the patient: resistance to the drug it appeared on, to a drug
    given (present before it when first seen by its start), or reported effects; one note per
    drug, effect and rule; a drug whose closest evidence disagrees gets one 'conflicting
    evidence' note instead of its matches' notes. ``per_drug``: the drugs' evidence, from
    ``resolve``."""
    appeared_on = set(knowledge.drugs.normalize(classified.get("acquired_on", "")))
    first_day = classified.get("first_day_detected")
    given = given_drugs(knowledge, lines)
    notes = []
    for m in matches:
        r = m.row
        # the given drugs this match holds for, without those of conflicting evidence
        holds = {d for d, (found, clash) in per_drug.items() if not clash and m in found}
        if not holds:
            continue
        tag = "" if m.rule == "exact" and not r.requires else f" [{m.rule} {r.alteration}]"
        drug = named(knowledge, r, holds)
        if r.effect == "resistance":
            note = f"known resistance to {drug}" + placed(holds, appeared_on, given, first_day)
        else:
            note = f"reported {r.effect} to {drug}" + placed(holds, set(), given, first_day)
        note += tag
        if note not in notes:
            notes.append(note)
    for drug, (found, clash) in per_drug.items():
        if clash:
            notes.append(conflict_note(drug, found, placed({drug}, appeared_on, given, first_day)))
    # the headline first: what the event means for the drug it appeared on
    return "; ".join(sorted(notes, key=lambda n: "the drug it appeared on" not in n))


def event_knowledge(knowledge, event, classified, lines, present=()):
    """The KNOWLEDGE_COLUMNS of one event (event_type, gene, event); blank without a
    knowledge base (None or {})."""
    knowledge = knowledge or NO_KNOWLEDGE
    matches = knowledge_rows(knowledge, *event, present)
    per_drug = resolve(knowledge, matches, lines)  # once: both columns read it
    mine, other = split_by_patient(matches, per_drug)
    return {
        "knowledge": knowledge_text(mine),
        "relevance": relevance(knowledge, mine, classified, lines, per_drug),
        "knowledge_other": knowledge_text(other),
        "knowledge_version": knowledge.version,
    }
