"""The knowledge base in memory: its rows (``KnowledgeRow``), and ``KnowledgeBase.match``, which
gives an event's matching rows, each with the rule that matched (``RULES``, most specific
first). The rows come from ``knowledge.tables``; the alteration grammar is ``knowledge.grammar``;
what a match means for a patient is ``knowledge.matching``."""

from dataclasses import dataclass, field
from typing import NamedTuple

from resistance_timeline.knowledge.drugs import Drugs
from resistance_timeline.knowledge.grammar import (
    Alteration,
    matches_copy_number,
    matches_expression,
    matches_fusion,
    matches_variant,
    parse_alteration,
    parse_variant,
    truncating,
)

# rules from the most to the least specific: the order matches are listed in
RULES = (
    *("exact", "compound", "codon", "reversion", "fusion_variant", "fusion_partner"),
    *("exon", "region", "gene", "expression"),
)


@dataclass(frozen=True, eq=False)  # rows compare and hash by identity: each row is one fact
class KnowledgeRow:
    """One row: a gene's alteration and what it means for a drug (or regimen)."""

    gene: str
    alteration: str
    drug: str  # generic names joined by ' + '
    drugs: tuple
    effect: str
    evidence: str
    evidence_level: str
    disease: str
    source: str
    parsed: Alteration
    requires: tuple = ()  # other (gene, Alteration) of a CIViC AND profile
    note: str = ""
    molecular_profile: str = ""
    file: str = ""
    line: int = 0


class Match(NamedTuple):
    """A matching row and the rule that matched (``RULES``)."""

    row: KnowledgeRow
    rule: str


@dataclass
class KnowledgeBase:
    """The merged rows, the drug table, the region table (gene -> region -> codon span), the
    version line, and the rows by gene (a fusion row under both partners; upper case)."""

    rows: list
    drugs: Drugs
    regions: dict  # gene -> region -> (first, last)
    version: str
    by_gene: dict = field(default_factory=dict)

    def __post_init__(self):
        for r in self.rows:
            genes = {r.gene.upper(), r.parsed.five, r.parsed.three} - {""}
            for gene in genes:
                self.by_gene.setdefault(gene, []).append(r)

    def __len__(self):
        return len(self.rows)

    def match(self, event_type, gene, event, present=()):
        """Matches (row, rule) of one event (the timeline's event_type, gene, event: 'snv' /
        'indel' with 'p.T790M', 'cnv' with 'amplification', 'fusion' with 'EML4::ALK',
        'expression' with 'down-regulation'), most specific rule first. ``present``: the
        patient's other events as (event_type, gene, event), for compound rows and CIViC
        profiles that hold only when all their parts are there."""
        gene = (gene or "").upper()
        genes = [gene]
        if event_type == "fusion":
            genes += [g for g in event.upper().split("::") if g and g != gene]
        candidates = [r for g in genes if g for r in self.by_gene.get(g, [])]
        found = []
        for row in dict.fromkeys(candidates):
            rule = self._rule(row.parsed, row.gene.upper(), event_type, gene, event)
            if rule and row.parsed.kind == "compound":
                rule = "compound" if self._compound(row, present) else ""
            if row.parsed.kind == "reversion" and event_type in ("snv", "indel"):
                hit = row.gene.upper() == gene and self._reversion(gene, event, present)
                rule = "reversion" if hit else ""
            if (
                rule
                and row.requires
                and not all(self._present(g, a, present) for g, a in row.requires)
            ):
                rule = ""
            if rule:
                found.append(Match(row, rule))
        return sorted(found, key=lambda m: RULES.index(m.rule))

    def _rule(self, alt, row_gene, event_type, gene, event):
        if event_type in ("snv", "indel"):
            if row_gene != gene:
                return ""
            if alt.kind == "compound":
                return "exact" if parse_variant(event).text in alt.parts else ""
            return matches_variant(alt, parse_variant(event), self.regions.get(gene, {}))
        if event_type == "cnv":
            return matches_copy_number(alt, event) if row_gene == gene else ""
        if event_type == "fusion":
            five, _, three = event.upper().partition("::")
            return matches_fusion(alt, row_gene, five, three or gene)
        if event_type == "expression":
            return matches_expression(alt, event) if row_gene == gene else ""
        return ""

    def _present(self, gene, alt, present):
        for event_type, other_gene, event in present:
            if (other_gene or "").upper() == gene and self._rule(
                alt, gene, event_type, gene, event
            ):
                return True
        return False

    @staticmethod
    def _reversion(gene, event, present):
        """Whether a variant event reverts a truncating variant of its gene: it is an indel
        (or a frameshift) and the patient has another, truncating variant of the gene."""
        variant = parse_variant(event)
        if variant.kind not in ("deletion", "insertion") and "FS" not in variant.text:
            return False
        return any(
            kind in ("snv", "indel")
            and (other_gene or "").upper() == gene
            and parse_variant(other).text != variant.text
            and truncating(parse_variant(other))
            for kind, other_gene, other in present
        )

    def _compound(self, row, present):
        parts = [parse_alteration(p) for p in row.parsed.parts]
        return all(self._present(row.gene.upper(), p, present) for p in parts)


NO_KNOWLEDGE = KnowledgeBase([], Drugs(), {}, "")  # what a table without knowledge uses
