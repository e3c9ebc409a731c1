"""The resistance knowledge base (``config: resistance_markers``, a TSV with a comment header):
one reader for every arm that matches events against it."""

from resistance_timeline.io.tables import read_tsv


def load_markers(path):
    """Knowledge-base rows keyed by (GENE, ALTERATION) in upper case."""
    markers = {}
    for row in read_tsv(path):
        key = (row["gene"].upper(), row["alteration"].upper())
        markers.setdefault(key, []).append(row)
    return markers


def marker_fusions(path) -> set[str]:
    """Fusion alterations of the knowledge base ('EML4::ALK', '*::ALK'); empty without a path."""
    if not path:
        return set()
    return {r["alteration"] for r in read_tsv(path) if "::" in (r.get("alteration") or "")}
