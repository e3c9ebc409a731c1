"""Which fusions are known drivers, from either partner.

A fusion is a known driver (``known_driver`` true) for any of these reasons, all listed in
``driver_evidence``:

- ``knowledge_base_fusion``: the fusion itself (5'::3' names) is a row of the knowledge base
  (resources/resistance_markers.tsv, resources/knowledge/civic_predictive.tsv);
- ``kinase_3p``: the 3' partner is a known fusion kinase (``fusions: known_kinases``) or a
  fusion partner gene of the knowledge base (a ``*::GENE`` row, or a ``fusion`` /
  ``rearrangement`` alteration of that gene): the kinase domain lies in the 3' part of these
  proteins, which the fusion keeps;
- ``kinase_5p_domain_kept``: the 5' partner is one of those genes and the 5' part keeps its
  whole kinase domain (``fusions: kinase_domains``, residues of the canonical protein): the
  CDS bases up to breakpoint5 reach the domain's last codon (FGFR3::TACC3, FGFR2::BICC1).
  A 5' partner without a listed domain, or a call without breakpoints (spanning pairs only),
  is not flagged by this rule.

The knowledge tables are read here from their shipped files (columns ``gene`` and
``alteration``), independently of the timeline's knowledge matching.
"""

from dataclasses import dataclass

from resistance_timeline.io.annotation import Gene
from resistance_timeline.io.tables import read_tsv
from resistance_timeline.rna.fusion_frame import coding_bases_kept_5p

PARTNER_ALTERATIONS = ("fusion", "rearrangement")


@dataclass(frozen=True)
class KnownDrivers:
    """Known fusions ('EML4::ALK'), partner genes (known kinases and the knowledge base's
    fusion genes) and kinase domains {gene: (first residue, last residue)}."""

    fusions: frozenset[str] = frozenset()
    partners: frozenset[str] = frozenset()
    domains: tuple = ()  # ((gene, (first, last)), ...), hashable

    def domain(self, gene):
        """(first, last) residue of the gene's kinase domain, or None."""
        return dict(self.domains).get(gene)


def knowledge_fusions(paths):
    """(fusions, partner genes) of knowledge-base TSVs: an alteration 'A::B' (anything after a
    space, e.g. an exon pair, ignored) is a fusion, '*::B' makes B a partner gene, and so does a
    'fusion' or 'rearrangement' alteration of a gene."""
    fusions, partners = set(), set()
    for path in paths or ():
        for row in read_tsv(path):
            alteration = (row.get("alteration") or "").strip()
            name = alteration.split(" ")[0]
            if "::" in name:
                five, three = name.split("::", 1)
                if five == "*":
                    partners.add(three)
                else:
                    fusions.add(name)
            elif alteration.lower() in PARTNER_ALTERATIONS and row.get("gene"):
                partners.add(row["gene"])
    return fusions, partners


def known_drivers(paths, kinases, kinase_domains) -> KnownDrivers:
    """KnownDrivers from the knowledge TSVs, the configured kinases and their domains."""
    fusions, partners = knowledge_fusions(paths)
    domains = tuple(sorted((g, tuple(r)) for g, r in (kinase_domains or {}).items()))
    return KnownDrivers(frozenset(fusions), frozenset(partners | set(kinases)), domains)


def driver_evidence(gene5: Gene, gene3: Gene, bp5, drivers: KnownDrivers) -> list[str]:
    """The reasons (module docstring) that make this fusion a known driver; empty if none."""
    reasons = []
    if f"{gene5.name}::{gene3.name}" in drivers.fusions:
        reasons.append("knowledge_base_fusion")
    if gene3.name in drivers.partners:
        reasons.append("kinase_3p")
    domain = drivers.domain(gene5.name)
    if gene5.name in drivers.partners and domain and bp5 is not None:
        if coding_bases_kept_5p(gene5, bp5) >= 3 * domain[1]:
            reasons.append("kinase_5p_domain_kept")
    return reasons
