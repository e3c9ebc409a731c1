"""The identity check's SNP panel (resistance_timeline.dna.snp_panel): the NGSCheckMate BED
turned into a sites VCF (hand-worked rows, what is left out and why), the shipped panel as
made from it, and whether a panel fits a reference (the shipped one is used only on GRCh38)."""

import gzip
import os

import pysam

from helpers import REPO
from resistance_timeline.dna.snp_panel import (
    GRCH38,
    SHIPPED,
    panel_contigs,
    panel_fit,
    vcf_from_bed,
)
from resistance_timeline.setup.config import SHIPPED_SNP_PANEL, configured_panel

BED = [
    "chr2\t99\t100\trs3\tc\tt\n",
    "chr1\t199\t200\trs2\tG\tA\n",
    "chr1\t49\t50\trs1\tA\tG\n",
    "chr1_KI270766v1_alt\t10\t11\trs9\tA\tC\n",  # alt contig
    "chr5\t42719678\t42719724\trs45458097\tA\tG\n",  # 46 bases wide: a lift-over leftover
    "chr1\t49\t50\trs7\tA\tG\n",  # a second rsid at a position already given
    "chr2\t9\t10\trs8\tA\ta\n",  # ALT is REF
]


def test_vcf_from_bed_by_hand(tmp_path):
    lengths = {"chr1": 1000, "chr2": 500, "chr5": 50_000_000}
    text, left_out = vcf_from_bed(BED, lengths, ["source=test"])
    body = [line for line in text.splitlines() if not line.startswith("#")]
    assert body == [  # sorted by contig order then position; 1-based POS = BED end
        "chr1\t50\trs1\tA\tG\t.\t.\t.",
        "chr1\t200\trs2\tG\tA\t.\t.\t.",
        "chr2\t100\trs3\tC\tT\t.\t.\t.",
    ]
    assert left_out == {"other_contig": 1, "not_one_base": 1, "ref_is_alt": 1, "same_position": 1}
    assert "##source=test" in text and "##contig=<ID=chr2,length=500>" in text
    path = tmp_path / "panel.vcf"
    path.write_text(text)
    assert panel_contigs(path) == lengths
    with pysam.VariantFile(str(path)) as vcf:  # a VCF pysam reads
        assert [(r.chrom, r.pos, r.ref, r.alts) for r in vcf][0] == ("chr1", 50, "A", ("G",))


def test_shipped_panel_is_the_converted_ngscheckmate_set():
    path = REPO / SHIPPED
    with gzip.open(path, "rt") as handle:
        lines = handle.read().splitlines()
    header = [line for line in lines if line.startswith("##")]
    body = [line.split("\t") for line in lines if not line.startswith("#")]
    assert any("parklab/NGSCheckMate" in line and "MIT" in line for line in header)
    assert panel_contigs(path) == GRCH38
    assert len(body) == 20_881  # 20,920 BED rows less 6 alt-contig, 5 wide, 1 REF=ALT, 27 again
    order = list(GRCH38)
    keys = [(order.index(r[0]), int(r[1])) for r in body]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert all(len(r[3]) == len(r[4]) == 1 and r[3] != r[4] for r in body)


def test_panel_fits_only_its_genome():
    panel = {"chr1": 248956422, "chr2": 242193529}
    assert panel_fit(panel, {"chr1": 248956422, "chr2": 242193529, "chrM": 16569})[0]
    fits, reason = panel_fit(panel, {"chr1": 30000, "chr2": 80000})  # the demo's mini genome
    assert not fits and "chr1 is 30,000 bp, the panel's 248,956,422 bp" in reason
    fits, reason = panel_fit(panel, {"1": 248956422})  # Ensembl names
    assert not fits and "none of the panel's contigs" in reason


def test_configured_panel():
    assert SHIPPED_SNP_PANEL == SHIPPED
    path, auto = configured_panel("auto", "GRCh38", str(REPO))
    assert auto and os.path.samefile(path, REPO / SHIPPED)
    assert configured_panel("auto", "GRCh37", "/wf") == (None, False)
    assert configured_panel(None, "GRCh38", "/wf") == (None, False)
    assert configured_panel("lab/sites.vcf.gz", "GRCh38", "/wf") == ("lab/sites.vcf.gz", False)
