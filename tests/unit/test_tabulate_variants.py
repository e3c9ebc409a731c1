"""Annotation parsing and knowledge-base matching of scripts/tabulate_variants.py."""

import pytest
from tabulate_variants import (
    canonical_transcripts,
    pick_consequence,
    protein_hgvs,
    resistance_text,
    load_markers,
)


@pytest.mark.parametrize(
    "csq, expected",
    [
        ("1196L>1196Q", "p.L1196Q"),
        ("1174F>1174L", "p.F1174L"),
        ("61Q>61K", "p.Q61K"),
        ("61Q>61*", "p.Q61*"),
        ("1196L", "p.L1196="),
        ("4SA>4S", "p.A5del"),
        ("746ELREAT>746T", "p.E746_A750del"),
        ("56VS>56VDS", "p.V56_S57insD"),
        ("56V>56VD", "p.V56delinsVD"),
        ("47A>47QA", "p.A47delinsQA"),
        ("10AB>10CD", "p.A10_B11delinsCD"),
        ("100E..>100X", "p.100E..>100X"),  # other forms keep csq's notation
        ("", ""),
    ],
)
def test_protein_hgvs(csq, expected):
    assert protein_hgvs(csq) == expected


def test_canonical_transcript_chosen_over_first(tmp_path):
    gff = tmp_path / "a.gff3"
    gff.write_text(
        "##gff-version 3\n"
        "chr2\t.\tmRNA\t1\t100\t.\t-\t.\tID=transcript:T2;Parent=gene:G;transcript_id=T2\n"
        "chr2\t.\tmRNA\t1\t100\t.\t-\t.\tID=transcript:T1;Parent=gene:G;transcript_id=T1;"
        "tag=basic,Ensembl_canonical\n"
    )
    canonical = canonical_transcripts(str(gff))
    assert canonical == {"T1"}
    bcsq = (
        "missense|ALK|T2|protein_coding|-|1190L>1190Q|100A>T,"
        "missense|ALK|T1|protein_coding|-|1196L>1196Q|100A>T"
    )
    picked = pick_consequence(bcsq, canonical)
    assert picked == {
        "consequence": "missense", "gene": "ALK", "transcript": "T1", "protein": "p.L1196Q"
    }
    assert pick_consequence(None, canonical)["gene"] == ""


def test_resistance_text_matches_gene_and_change_any_gene(tmp_path):
    kb = tmp_path / "kb.tsv"
    kb.write_text(
        "# comment\n"
        "gene\talteration\tdrug\teffect\tevidence\tnote\n"
        "ALK\tL1196Q\talectinib\tresistance\tDOI:10.2147/OTT.S270481\tseed\n"
        "ALK\tL1196Q\tceritinib\tresponse\tDOI:10.2147/OTT.S270481\tseed\n"
        "XYZ1\tA2B\tdrugx\tsensitivity\tPMID:1\tany gene works\n"
    )
    markers = load_markers(str(kb))
    text = resistance_text(markers, "ALK", "p.L1196Q")
    assert text == (
        "alectinib: resistance (DOI:10.2147/OTT.S270481); "
        "ceritinib: response (DOI:10.2147/OTT.S270481)"
    )
    assert resistance_text(markers, "XYZ1", "p.A2B") == "drugx: sensitivity (PMID:1)"
    assert resistance_text(markers, "ALK", "p.L1196M") == ""
    assert resistance_text(markers, "", "") == ""
