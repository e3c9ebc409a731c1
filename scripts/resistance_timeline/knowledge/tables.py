"""The knowledge base's source tables (config ``knowledge``): the hand-curated seed
(resources/resistance_markers.tsv), the curated resistance layer
(resources/knowledge/curated_resistance.tsv) and CIViC's predictive evidence
(resources/knowledge/civic_predictive.tsv), merged into one ``KnowledgeBase``, drug names
normalised by the drug table, exon and domain classes resolved by the region table. Formats:
resources/knowledge/README.md.

``load_knowledge`` reads and checks the files (a malformed row raises KnowledgeFormatError
naming the file, line and column); its ``version`` is the line every output that used the
knowledge carries (its ``knowledge_version`` column).
"""

import hashlib
import re
from os import PathLike

from resistance_timeline.io.knowledge_format import KnowledgeFormatError, comment_version, read_rows
from resistance_timeline.knowledge.base import KnowledgeBase, KnowledgeRow
from resistance_timeline.knowledge.civic import normalize_alteration, profile_components
from resistance_timeline.knowledge.drugs import Drugs, load_drugs
from resistance_timeline.knowledge.grammar import parse_alteration

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
    when others remain, as the converter does (knowledge.civic.profile_components)."""
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


def knowledge_version(sources, drugs, regions):
    """The version line of a knowledge base: its tables' ``# version:`` lines and a checksum of
    all their bytes ('seed 2026-12-01; CIViC 2024-08-01; drugs 2026-12-01; regions 2026-12-01;
    sha256:<12 hex digits>'), without reading the rows (the fusion tables carry it too)."""
    paths = [*_paths(sources), *(p for p in (drugs, regions) if p)]
    versions, digest = [], hashlib.sha256()
    for path in paths:
        with open(path, "rb") as handle:
            data = handle.read()
        digest.update(data)
        for line in data.decode("utf-8", "replace").splitlines():
            if not line.startswith("#"):
                break
            if (found := comment_version(line)) is not None:
                versions.append(found)
                break
    return "; ".join([*versions, f"sha256:{digest.hexdigest()[:12]}"])


def _paths(sources):
    one = isinstance(sources, str | PathLike)
    return [str(sources)] if one else [str(p) for p in sources]


def load_knowledge(sources, drugs, regions) -> KnowledgeBase:
    """The knowledge base of the tables ``sources`` (one path or a list), drug names normalised
    by the drug table ``drugs`` and exon/domain classes resolved by the region table
    ``regions`` (paths; either may be None: names then stay as written, classes unmatched)."""
    sources = _paths(sources)
    table = load_drugs(drugs) if drugs else Drugs()
    spans = load_regions(regions)[0] if regions else {}
    rows = []
    for path in sources:
        rows += read_source(path, table)[0]
    return KnowledgeBase(rows, table, spans, knowledge_version(sources, drugs, regions))


def load_markers(path):
    """The knowledge base of one table, no drug or region table (tests and small uses)."""
    return load_knowledge(path, None, None)
