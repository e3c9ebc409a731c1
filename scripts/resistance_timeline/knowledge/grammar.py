"""The alteration grammar of the knowledge base (resources/knowledge/README.md) and what an
event of a patient is, so the two can be matched (``knowledge.base.KnowledgeBase.match``).

Row alterations (``parse_alteration``), by kind:

- ``protein``: one exact protein change without ``p.`` (``T790M``, ``E746_A750del``,
  ``V769_D770insASV``); ``S310F/Y`` lists alternatives of one codon.
- ``codon``: a residue and codon (``T790``, ``G12/G13``): any substitution there.
- ``compound``: protein changes joined by ``+`` (``G1202R+L1196M``): all present.
- ``exon``: ``exon <n> deletion|insertion|mutation`` (any case; CIViC's ``Exon 19 Deletion``),
  matched by the codon range of that exon (resources/knowledge/regions.tsv).
- ``region``: ``kinase domain mutation`` (``TKD mutation``): by a domain range of regions.tsv.
- ``mutation``: CIViC's gene-level "any mutation" (``Mutation``, ``Activating Mutation``): any
  protein-changing variant of the gene, rule ``gene`` (the variant table applies it to somatic
  variants only, and a drug's more specific row outranks it: ``knowledge.matching``).
- ``loss_of_function``: ``Loss-of-function``, ``Inactivating Mutation``, ``Truncating
  Mutation``, ``Deleterious Mutation``: a truncating variant (stop gained, frameshift) or a
  deep loss of the gene, rule ``gene``.
- ``reversion``: a second indel of the gene in a patient with a truncating variant of it (a
  BRCA1/2 reversion on a PARP inhibitor), rule ``reversion``. Matched on protein changes: that
  the indel restores the reading frame is not checked (the events carry no DNA lengths).
- ``amplification``; ``deletion`` / ``loss`` (copy-number losses).
- ``fusion``: ``5'::3'`` (``EML4::ALK``); ``*::ALK`` or ``::ALK`` any 5' partner, ``ALK::``
  any 3' partner; text after a space (``EML4::ALK e6-e20``) is a breakpoint the match does
  not check. ``fusion`` / ``rearrangement``: any fusion of the gene.
- ``expression``: ``up-regulation`` / ``overexpression``, ``down-regulation`` /
  ``underexpression``.
- ``other``: everything else (``EGFRvIII``, ``Loss-of-function``, ``expression`` without a
  direction, ...): kept in the table, never matched.
"""

import re
from functools import lru_cache
from typing import NamedTuple

AA = "ACDEFGHIKLMNPQRSTVWY"
SUBSTITUTION = re.compile(rf"^([{AA}*])(\d+)([{AA}*])$")
ALTERNATIVES = re.compile(rf"^([{AA}])(\d+)([{AA}*](?:/[{AA}*])+)$")
CODONS = re.compile(rf"^[{AA}]\d+(?:/[{AA}]\d+)*$")
RESIDUE = re.compile(rf"([{AA}])(\d+)")
CSQ_FORM = re.compile(rf"^(\d+)([{AA}*])")
# in-frame indels in HGVS one-letter form (csq's as protein_hgvs writes them, and CIViC's)
INDEL = re.compile(
    rf"^([{AA}])(\d+)(?:_([{AA}])(\d+))?(delins|del|dup|ins)([{AA}]*)$", re.IGNORECASE
)
EXON = re.compile(r"^exon (\d+) (deletion|insertion|mutation)$", re.IGNORECASE)
DOMAIN = {"kinase domain mutation": "kinase domain", "tkd mutation": "kinase domain"}
FUSION = re.compile(r"^(\*|[A-Za-z0-9.-]*)::([A-Za-z0-9.-]*)(?: (.+))?$")
COPY_NUMBER = {"amplification": "amplification", "deletion": "deletion", "loss": "deletion"}
MUTATION = {"mutation", "activating mutation"}
LOSS_OF_FUNCTION = {
    *("loss-of-function", "loss of function", "inactivating mutation", "truncating mutation"),
    "deleterious mutation",
}
EXPRESSION = {
    "up-regulation": "up",
    "overexpression": "up",
    "down-regulation": "down",
    "underexpression": "down",
}
GENE_FUSION = {"fusion", "rearrangement"}


class Alteration(NamedTuple):
    """A parsed row alteration: ``kind`` (module docstring) and its parts."""

    kind: str
    text: str  # the protein change(s) upper case, the class, or the fusion
    codons: frozenset = frozenset()  # (residue, codon) pairs of a codon row
    parts: tuple = ()  # compound: the components; alternatives: the exact changes
    five: str = ""  # fusion partners ('' = any)
    three: str = ""
    region: str = ""  # exon / region: 'exon 19', 'kinase domain'
    change: str = ""  # exon / region: deletion | insertion | mutation; expression: up|down


def parse_alteration(text: str) -> Alteration:
    """The Alteration of a row's alteration text (the grammar of the module docstring)."""
    raw = " ".join(text.split())
    low = raw.lower()
    if SUBSTITUTION.match(raw) or INDEL.match(raw):
        return Alteration("protein", raw.upper())
    if m := ALTERNATIVES.match(raw):
        alts = tuple(f"{m[1]}{m[2]}{a}" for a in m[3].split("/"))
        return Alteration("protein", raw.upper(), parts=alts)
    if CODONS.match(raw):
        codons = frozenset((r, int(n)) for r, n in RESIDUE.findall(raw))
        return Alteration("codon", raw.upper(), codons=codons)
    if "+" in raw and all(SUBSTITUTION.match(p) or INDEL.match(p) for p in raw.split("+") if p):
        return Alteration("compound", raw.upper(), parts=tuple(p.upper() for p in raw.split("+")))
    if m := EXON.match(raw):
        return Alteration("exon", low, region=f"exon {int(m[1])}", change=m[2].lower())
    if low in DOMAIN:
        return Alteration("region", low, region=DOMAIN[low], change="mutation")
    if low in MUTATION:
        return Alteration("mutation", low)
    if low in LOSS_OF_FUNCTION:
        return Alteration("loss_of_function", low)
    if low == "reversion":
        return Alteration("reversion", low)
    if low in COPY_NUMBER:
        return Alteration(COPY_NUMBER[low], low)
    if m := FUSION.match(raw):
        five = "" if m[1] in ("", "*") else m[1].upper()
        return Alteration("fusion", raw, five=five, three=m[2].upper(), change=m[3] or "")
    if low in GENE_FUSION:
        return Alteration("gene_fusion", low)
    if low in EXPRESSION:
        return Alteration("expression", low, change=EXPRESSION[low])
    return Alteration("other", raw)


class Variant(NamedTuple):
    """A protein change of a patient's variant: ``kind`` substitution | deletion | insertion |
    other (frameshifts, csq's other forms) | none (synonymous or no protein change)."""

    kind: str
    text: str  # without 'p.', upper case
    ref: str = ""
    start: int = 0
    end: int = 0


@lru_cache(maxsize=65536)  # one parse per protein change, not per knowledge row
def parse_variant(protein: str) -> Variant:
    """A variant's protein change as protein_hgvs writes it ('p.L1196Q', 'p.E746_A750del')."""
    text = (protein or "").removeprefix("p.").upper()
    if not text or text.endswith("="):
        return Variant("none", text)
    if m := SUBSTITUTION.match(text):
        return Variant("substitution", text, m[1], int(m[2]), int(m[2]))
    if m := INDEL.match(text):
        start = int(m[2])
        end = int(m[4]) if m[4] else start
        removed = end - start + 1
        kind = {"DEL": "deletion", "DUP": "insertion", "INS": "insertion"}.get(m[5].upper())
        if m[5].upper() == "DELINS":
            kind = "deletion" if len(m[6]) < removed else "insertion"
        return Variant(kind, text, m[1], start, end)
    # frameshifts (p.Y177fs) and csq's own forms (p.790T>785M): the first residue and codon
    first = RESIDUE.match(text) or CSQ_FORM.match(text)
    if not first:
        return Variant("other", text)
    ref, start = (first[1], int(first[2])) if first.re is RESIDUE else (first[2], int(first[1]))
    return Variant("other", text, ref, start, start)


def truncating(variant: Variant) -> bool:
    """Whether a protein change ends the protein early: a stop gained (``R213*``, csq's
    ``213R>213*``) or a frameshift (``Y177fs``)."""
    return variant.kind != "none" and ("*" in variant.text or "FS" in variant.text)


def matches_variant(alt: Alteration, variant: Variant, regions) -> str:
    """The rule by which a row alteration matches a variant ('' when it does not):
    exact, codon, exon, region or gene (``mutation``, ``loss_of_function``). ``regions``: the
    gene's region -> (first, last codon). A ``reversion`` needs the patient's other events
    (``knowledge.base``)."""
    if variant.kind == "none":
        return ""
    if alt.kind == "mutation":
        return "gene"
    if alt.kind == "loss_of_function":
        return "gene" if truncating(variant) else ""
    if alt.kind == "protein":
        return "exact" if variant.text in (alt.parts or (alt.text,)) else ""
    if alt.kind == "codon":
        hit = variant.kind == "substitution" and (variant.ref, variant.start) in alt.codons
        return "codon" if hit else ""
    if alt.kind in ("exon", "region"):
        span = regions.get(alt.region)
        if not span or not (span[0] <= variant.start <= span[1]):
            return ""
        if alt.change == "mutation" or alt.change == variant.kind:
            return alt.kind
        return ""
    return ""


def matches_copy_number(alt: Alteration, call: str) -> str:
    """Rule of a copy-number row for a gene's call (amplification, gain, loss, deep_loss)."""
    if alt.kind == "amplification" and call == "amplification":
        return "exact" if alt.text == call else "gene"
    if alt.kind == "deletion" and call in ("deep_loss", "loss"):
        return "gene"
    if alt.kind == "loss_of_function" and call == "deep_loss":
        return "gene"
    return ""


def matches_fusion(alt: Alteration, row_gene: str, five: str, three: str) -> str:
    """Rule of a row for a fusion five::three: exact, fusion_variant (partners match, the row's
    breakpoint not checked), fusion_partner (one partner open) or gene (any fusion)."""
    if alt.kind == "gene_fusion":
        return "gene" if row_gene in (five, three) else ""
    if alt.kind != "fusion":
        return ""
    if alt.five and alt.five != five or alt.three and alt.three != three:
        return ""
    if not alt.five or not alt.three:
        return "fusion_partner"
    return "fusion_variant" if alt.change else "exact"


def matches_expression(alt: Alteration, event: str) -> str:
    """Rule of an expression row for an event 'up-regulation' / 'down-regulation'."""
    if alt.kind != "expression":
        return ""
    direction = EXPRESSION.get(event.lower())
    if direction != alt.change:
        return ""
    return "exact" if alt.text == event.lower() else "expression"
