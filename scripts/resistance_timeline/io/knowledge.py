"""The resistance knowledge base (config ``knowledge``): its source tables merged into one
(the hand-curated seed, resources/resistance_markers.tsv, and CIViC's predictive evidence,
resources/knowledge/civic_predictive.tsv), drug names normalised by the drug table, exon and
domain classes resolved by the region table; one reader for every arm that matches events
against it. Formats and matching rules: resources/knowledge/README.md.

``load_knowledge`` reads and checks the files (a malformed row raises KnowledgeFormatError
naming the file, line and column); ``KnowledgeBase.match`` gives an event's matching rows, each
with the rule that matched; ``knowledge_text`` writes them as the tables show them; ``version``
is the line every output that used the knowledge carries (its ``knowledge_version`` column).
"""

import hashlib
import re
from dataclasses import dataclass, field
from os import PathLike
from typing import NamedTuple

from resistance_timeline.io.alterations import (
    Alteration,
    matches_copy_number,
    matches_expression,
    matches_fusion,
    matches_variant,
    parse_alteration,
    parse_variant,
)
from resistance_timeline.io.civic import normalize_alteration, profile_components
from resistance_timeline.io.drugs import Drugs, load_drugs
from resistance_timeline.io.knowledge_format import KnowledgeFormatError, read_rows

REQUIRED = (
    *("gene", "alteration", "drug", "effect", "evidence", "evidence_level", "disease", "source"),
)
COLUMNS = (*REQUIRED, "note", "molecular_profile")
EFFECTS = ("resistance", "sensitivity", "response", "no_response")
LEVELS = ("A", "B", "C", "D", "E")
CITATION = r"(PMID:\d+|DOI:10\.\S+|ASCO:\S+|ASH:\S+)"
EVIDENCE = re.compile(rf"^{CITATION}(;{CITATION})*$")
GENE = re.compile(r"^[A-Z0-9][A-Za-z0-9.-]*$")
REGION_COLUMNS = ("gene", "region", "first_codon", "last_codon", "transcript", "source")
# rules from the most to the least specific: the order matches are listed in
RULES = (
    *("exact", "compound", "codon", "fusion_variant", "fusion_partner"),
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

    def _compound(self, row, present):
        parts = [parse_alteration(p) for p in row.parsed.parts]
        return all(self._present(row.gene.upper(), p, present) for p in parts)


NO_KNOWLEDGE = KnowledgeBase([], Drugs(), {}, "")  # what a table without knowledge uses


def _check(path, line, row):
    """A row's problems as KnowledgeFormatError (first problem found)."""
    for column in REQUIRED:
        value = row.get(column, "")
        if not value.strip():
            raise KnowledgeFormatError(path, line, column, "empty")
        if value != value.strip():
            raise KnowledgeFormatError(path, line, column, f"spaces around {value!r}")
    if not GENE.match(row["gene"]):
        raise KnowledgeFormatError(path, line, "gene", f"{row['gene']!r} is not a gene symbol")
    if row["alteration"].lower().startswith("p."):
        raise KnowledgeFormatError(
            path, line, "alteration", f"{row['alteration']!r}: write protein changes without 'p.'"
        )
    if row["effect"] not in EFFECTS:
        raise KnowledgeFormatError(
            path, line, "effect", f"{row['effect']!r} is not one of {', '.join(EFFECTS)}"
        )
    if not EVIDENCE.match(row["evidence"]):
        raise KnowledgeFormatError(
            path, line, "evidence", f"{row['evidence']!r}: want PMID:/DOI:/ASCO:/ASH: ids, ';'"
        )
    if row["evidence_level"] not in LEVELS:
        raise KnowledgeFormatError(
            path, line, "evidence_level", f"{row['evidence_level']!r} is not one of A-E"
        )


def _requires(row):
    """The other parts of a CIViC AND profile, as (gene, Alteration); fusion parts dropped
    when others remain, as the converter does (io.civic.profile_components)."""
    profile = row.get("molecular_profile", "")
    if " AND " not in profile:
        return ()
    parts = profile_components(profile) or []
    own = (row["gene"].upper(), row["alteration"].upper())
    parts = [(g.upper(), normalize_alteration(v)) for g, v in parts]
    others = [(g, v) for g, v in parts if (g, v.upper()) != own]
    return tuple((g, parse_alteration(v)) for g, v in others)


def read_source(path, drugs):
    """(rows, version) of one knowledge-base table, checked."""
    raw, version = read_rows(path, REQUIRED, COLUMNS)
    rows = []
    for line, row in raw:
        _check(path, line, row)
        names = drugs.normalize(row["drug"])
        rows.append(
            KnowledgeRow(
                gene=row["gene"],
                alteration=row["alteration"],
                drug=" + ".join(sorted(names)),  # one text per regimen, whatever the order
                drugs=names,
                effect=row["effect"],
                evidence=row["evidence"],
                evidence_level=row["evidence_level"],
                disease=row["disease"],
                source=row["source"],
                parsed=parse_alteration(row["alteration"]),
                requires=_requires(row),
                note=row.get("note", ""),
                molecular_profile=row.get("molecular_profile", ""),
                file=str(path),
                line=line,
            )
        )
    return rows, version


def load_regions(path):
    """gene -> region -> (first codon, last codon) of the region table; its version."""
    raw, version = read_rows(path, REGION_COLUMNS, REGION_COLUMNS)
    regions = {}
    for line, row in raw:
        try:
            span = (int(row["first_codon"]), int(row["last_codon"]))
        except ValueError:
            problem = "codons must be integers"
            raise KnowledgeFormatError(path, line, "first_codon", problem) from None
        if span[0] > span[1]:
            raise KnowledgeFormatError(path, line, "last_codon", "range ends before it starts")
        regions.setdefault(row["gene"], {})[row["region"].lower()] = span
    return regions, version


def load_knowledge(sources, drugs, regions) -> KnowledgeBase:
    """The knowledge base of the tables ``sources`` (one path or a list), drug names normalised
    by the drug table ``drugs`` and exon/domain classes resolved by the region table
    ``regions`` (paths; either may be None: names then stay as written, classes unmatched)."""
    one = isinstance(sources, str | PathLike)
    sources = [str(sources)] if one else [str(p) for p in sources]
    table = load_drugs(drugs) if drugs else Drugs()
    spans, region_version = load_regions(regions) if regions else ({}, "")
    rows, versions = [], []
    for path in sources:
        mine, version = read_source(path, table)
        rows += mine
        versions.append(version)
    versions += [v for v in (table.version, region_version) if v]
    digest = hashlib.sha256()
    for path in [*sources, drugs, regions]:
        if path:
            with open(path, "rb") as handle:
                digest.update(handle.read())
    version = "; ".join([*versions, f"sha256:{digest.hexdigest()[:12]}"])
    return KnowledgeBase(rows, table, spans, version)


def load_markers(path):
    """The knowledge base of one table, no drug or region table (tests and small uses)."""
    return load_knowledge(path, None, None)


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
