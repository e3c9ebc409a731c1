"""Known drivers from either partner (rna/fusion_drivers.py): the knowledge base's fusions
and fusion genes, 3' kinases, and 5' kinases whose kinase domain the fusion keeps."""

from helpers import MARKERS, REPO
from resistance_timeline.io.annotation import CDS, Exon, Gene
from resistance_timeline.rna.fusion_drivers import (
    driver_evidence,
    knowledge_fusions,
    known_drivers,
)
from resistance_timeline.setup.config import schema_defaults

CIVIC = REPO / "resources" / "knowledge" / "civic_predictive.tsv"
DEFAULTS = schema_defaults("fusions")


def coding_gene(name, strand, exon_lengths, start=1001, intron=100):
    """A gene whose exons are all coding (CDS = exons, phase from the bases before), laid out
    from ``start`` with ``intron`` bp between exons; exon 1 is 5' on either strand."""
    spans, pos = [], start
    for length in exon_lengths if strand == "+" else exon_lengths[::-1]:
        spans.append((pos, pos + length - 1))
        pos += length + intron
    if strand == "-":
        spans = spans[::-1]  # transcript order
    exons, cds, done = [], [], 0
    for i, (a, b) in enumerate(spans, 1):
        exons.append(Exon(a, b, i))
        cds.append(CDS(a, b, (3 - done % 3) % 3))
        done += b - a + 1
    lo, hi = min(a for a, _ in spans), max(b for _, b in spans)
    return Gene(f"id_{name}", name, "c1", strand, lo, hi, f"tx_{name}", exons, cds)


def drivers(paths=()):
    return known_drivers(paths, DEFAULTS["known_kinases"], DEFAULTS["kinase_domains"])


def test_knowledge_base_fusions_and_partner_genes_from_the_shipped_tables():
    fusions, partners = knowledge_fusions([MARKERS, CIVIC])
    assert {"FIP1L1::PDGFRA", "FGFR3::TACC3", "EML4::ALK", "RRBP1::ALK"} <= fusions
    assert not any(" " in f for f in fusions)  # 'EML4::ALK e6-e20' is EML4::ALK
    # '*::ALK' (markers), 'fusion' rows (NRG1, FGFR2), 'Rearrangement' (ROS1)
    assert {"ALK", "NRG1", "FGFR2", "ROS1"} <= partners
    assert "TACC3" not in partners and "EML4" not in partners


def test_fip1l1_pdgfra_is_a_known_driver():
    fip1l1 = coding_gene("FIP1L1", "+", [300, 300])
    pdgfra = coding_gene("PDGFRA", "+", [1800, 1470])
    assert driver_evidence(fip1l1, pdgfra, 1300, drivers([MARKERS, CIVIC])) == [
        "knowledge_base_fusion",
        "kinase_3p",
    ]
    assert driver_evidence(fip1l1, pdgfra, 1300, drivers()) == ["kinase_3p"]  # kinase list


def test_five_prime_kinase_needs_its_kinase_domain():
    # FGFR3 806 codons (2418 bases) in exons of 1200, 1083, 135; domain to residue 761
    fgfr3 = coding_gene("FGFR3", "+", [1200, 1083, 135])
    tacc3 = coding_gene("TACC3", "+", [600, 600], start=50001)
    exon2_end = 1001 + 1200 + 100 + 1083 - 1  # 2283 bases kept = 761 codons exactly
    assert driver_evidence(fgfr3, tacc3, exon2_end, drivers()) == ["kinase_5p_domain_kept"]
    # one codon short of the domain end
    assert driver_evidence(fgfr3, tacc3, exon2_end - 3, drivers()) == []
    # an intronic breakpoint after exon 2 keeps exon 2 whole
    assert driver_evidence(fgfr3, tacc3, exon2_end + 50, drivers()) == ["kinase_5p_domain_kept"]
    # the knowledge base names FGFR3::TACC3 itself
    assert driver_evidence(fgfr3, tacc3, exon2_end - 3, drivers([CIVIC])) == [
        "knowledge_base_fusion"
    ]
    assert driver_evidence(fgfr3, tacc3, None, drivers()) == []  # spanning pairs only


def test_five_prime_kinase_on_the_minus_strand():
    # ALK (minus strand) 1620 codons as exons 3000, 1860; domain ends at residue 1392 (4176)
    alk = coding_gene("ALK", "-", [3000, 1860])
    partner = coding_gene("PART", "+", [600, 600], start=90001)
    exon1, exon2 = alk.exons
    inside_exon2 = exon2.end - (4176 - 3000) + 1  # the 4176th coding base
    assert driver_evidence(alk, partner, inside_exon2, drivers()) == ["kinase_5p_domain_kept"]
    assert driver_evidence(alk, partner, inside_exon2 + 1, drivers()) == []
    assert driver_evidence(alk, partner, exon1.start, drivers()) == []  # exon 1 only
