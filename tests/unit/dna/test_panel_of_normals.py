"""The panel of normals (resistance_timeline.dna.panel_of_normals), built from a real bcftools
pileup of hand-placed reads (the command of rule pileup_panel_of_normals), read back, and used
by the genotyper: a site where three of four normals show the same alt is a panel artefact in
a patient whose tumour shows it too, and a real variant at a clean site stays somatic."""

import shutil
import subprocess

import pysam
import pytest

from bam_support import REFSEQ, aligned, rd, write_bam, write_fasta
from resistance_timeline.dna import panel_of_normals as pon
from resistance_timeline.dna.genotyper import genotype_timepoints
from resistance_timeline.setup.config import schema_defaults

pytestmark = pytest.mark.skipif(not shutil.which("bcftools"), reason="bcftools not installed")
STICKY, REAL = 500, 1200  # 0-based: the recurrent artefact (A>T) and the real variant
REAL_ALT = "G" if REFSEQ[REAL] != "G" else "C"
NORMALS = ["N0", "N1", "N2", "P-N"]  # P-N is the patient's own normal
SETTINGS = {"min_mapq": 20, "min_baseq": 20, "min_alt_reads": 2}


def reads(prefix, start, n, alt_reads=0, snv=None):
    """``n`` pairs-free reads from ``start`` on alternating strands, the first ``alt_reads`` with
    the SNV."""
    return [
        rd(
            f"{prefix}{i}",
            start + i % 20,
            aligned(start + i % 20, snv=snv if i < alt_reads else None),
            flag=16 * (i % 2),
        )
        for i in range(n)
    ]


def sample_bam(tmp_path, name, sticky_alt, real_alt):
    found = reads(f"{name}s", STICKY - 50, 100, sticky_alt, {STICKY: "T"})
    found += reads(f"{name}r", REAL - 50, 100, real_alt, {REAL: REAL_ALT})
    return write_bam(tmp_path, name, found)


def pileup(tmp_path, fasta, bams, names, targets, out):
    """The pileup of rule pileup_panel_of_normals (rules/dna_panel.smk)."""
    rg = tmp_path / "rg.txt"
    rg.write_text("".join(f"* {b} {n}\n" for b, n in zip(bams, names, strict=True)))
    command = (
        f"bcftools mpileup --no-version -f {fasta} -R {targets} -B -A -q 20 -Q 20 -d 100000"
        f" -G {rg} -m 2 -F 0.0005 -a FORMAT/AD,FORMAT/ADF,FORMAT/ADR -Ou {' '.join(bams)}"
        f" | bcftools view --no-version -m3 -Ou"
        f" | bcftools norm --no-version -f {fasta} -m- -Ou"
        f" | bcftools view --no-version -i 'ALT!=\"<*>\" && SUM(FMT/AD[*:1])>=2' -Ob -o {out}"
    )
    subprocess.run(command, shell=True, check=True, capture_output=True)
    return str(out)


@pytest.fixture
def built(tmp_path):
    fasta = write_fasta(tmp_path)
    targets = tmp_path / "targets.bed"
    targets.write_text(
        f"chr1\t{STICKY - 60}\t{STICKY + 160}\tG1\nchr1\t{REAL - 60}\t{REAL + 160}\tG2\n"
    )
    # sticky alt: 2 reads in 100 in N0, N1, N2; none in the patient's normal
    normal_alts = {"N0": 2, "N1": 2, "N2": 2, "P-N": 0}
    bams = [sample_bam(tmp_path, n, normal_alts[n], 0) for n in NORMALS]
    chunk = pileup(tmp_path, fasta, bams, NORMALS, targets, tmp_path / "chunk_0.bcf")
    empty = tmp_path / "chunk_1.bcf"
    empty.write_bytes(b"")  # a chunk without targets
    table = str(tmp_path / "panel.tsv.gz")
    rows = pon.write_panel([chunk, str(empty)], table, NORMALS, SETTINGS, str(targets))
    return {"fasta": fasta, "targets": str(targets), "table": table, "rows": rows, "bams": bams}


def test_table_rows_header_and_index(built):
    meta = pon.read_header(built["table"])
    assert meta["normals"] == NORMALS
    assert meta["min_alt_reads"] == "2" and meta["targets"].startswith("targets.bed sha256:")
    with pon.Panel(built["table"]) as panel:
        rows = panel.rows("chr1", 0, 2000)
        assert panel.rows("chr9", 0, 100) == []
    assert len(rows) == built["rows"] == 1  # the real site has no alt read in any normal
    (sticky,) = rows
    assert (sticky.pos, sticky.ref, sticky.alt) == (STICKY + 1, "A", "T")
    assert sticky.alt_reads == 6 and sticky.depth == 400
    assert sticky.carriers == {0: (2, 100), 1: (2, 100), 2: (2, 100)}
    assert sticky.alt_fwd + sticky.alt_rev == 6
    assert pon.parse_row(pon.format_row(sticky)) == sticky


def test_a_single_alt_read_is_left_to_the_floor(tmp_path, built):
    settings = dict(SETTINGS, min_alt_reads=7)
    out = str(tmp_path / "strict.tsv.gz")
    chunk = pileup(
        tmp_path, built["fasta"], built["bams"], NORMALS, built["targets"], tmp_path / "c.bcf"
    )
    assert pon.write_panel([chunk], out, NORMALS, settings, built["targets"]) == 0


def test_a_record_given_twice_is_written_once(tmp_path, built):
    """Overlapping targets of one chunk make mpileup emit a site twice."""
    chunk = pileup(
        tmp_path, built["fasta"], built["bams"], NORMALS, built["targets"], tmp_path / "c.bcf"
    )
    out = str(tmp_path / "twice.tsv.gz")
    assert pon.write_panel([chunk, chunk], out, NORMALS, SETTINGS, built["targets"]) == 1


def test_not_a_panel(tmp_path):
    path = tmp_path / "other.tsv.gz"
    with pysam.BGZFile(str(path), "wb") as out:
        out.write(b"#contig\tpos\n")
    with pytest.raises(ValueError, match="not a panel of normals"):
        pon.read_header(str(path))


def test_genotyper_reads_the_panel(tmp_path, built):
    patient_normal = sample_bam(tmp_path, "PN", 0, 0)
    tumour = sample_bam(tmp_path, "PT", 3, 12)  # 3% at the sticky site, 12% real
    cand = tmp_path / "cand.vcf"
    cand.write_text(
        "##fileformat=VCFv4.2\n##contig=<ID=chr1,length=2000>\n"
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
        f"chr1\t{STICKY + 1}\t.\tA\tT\t.\t.\t.\n"
        f"chr1\t{REAL + 1}\t.\t{REFSEQ[REAL]}\t{REAL_ALT}\t.\t.\t.\n"
    )
    samples = [
        {"sample_id": "P-N", "material": "normal", "day": 0},
        {"sample_id": "P-T", "material": "tumor", "day": 90},
    ]
    thr = schema_defaults("genotyping")
    results = {}
    for label, panel in (("panel", built["table"]), ("none", None)):
        out = str(tmp_path / f"{label}.vcf.gz")
        genotype_timepoints(
            str(cand), [patient_normal, tumour], built["fasta"], samples, thr, out, panel=panel
        )
        with pysam.VariantFile(out) as vcf:
            header = str(vcf.header)
            results[label] = {r.pos: r for r in vcf}
        results[label + "_header"] = header
    sticky, real = results["panel"][STICKY + 1], results["panel"][REAL + 1]
    assert sticky.info["ORIGIN"] == "panel_artefact"
    assert sticky.info["ORIGIN_REASON"] == "panel_normals:3/3|panel_vaf:0.02"
    assert sticky.info["BGVAF"] > 1e-3
    assert real.info["ORIGIN"] == "somatic" and real.samples["P-T"]["ST"] == "detected"
    assert real.info["BGVAF"] == pytest.approx(1e-4)
    assert real.samples["P-T"]["BP"] < 1e-10
    assert sticky.samples["P-T"]["BP"] > real.samples["P-T"]["BP"]
    assert "panel.tsv.gz (4 normals)" in results["panel_header"]
    # without a panel the sticky site is what it looks like: somatic at 3%
    assert results["none"][STICKY + 1].info["ORIGIN"] == "somatic"
    assert "PanelOfNormals=none" in results["none_header"]


def test_alleles_of_one_position_in_any_order(tmp_path):
    """mpileup writes a position's alleles in its own order (an SNV after an indel, T before
    C): the merge orders by position only and keeps each allele once."""
    header = pysam.VariantHeader()
    header.contigs.add("chr1", length=2000)
    for line in (
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="ad">',
        '##FORMAT=<ID=ADF,Number=R,Type=Integer,Description="adf">',
        '##FORMAT=<ID=ADR,Number=R,Type=Integer,Description="adr">',
    ):
        header.add_line(line)
    for name in ("N0", "N1"):
        header.add_sample(name)
    path = str(tmp_path / "chunk.bcf")
    with pysam.VariantFile(path, "wb", header=header) as out:
        for pos, ref, alt in ((100, "A", "AT"), (100, "A", "T"), (100, "A", "C"), (100, "A", "T")):
            rec = out.new_record(contig="chr1", start=pos - 1, alleles=(ref, alt))
            for name in ("N0", "N1"):
                call = rec.samples[name]
                call["AD"], call["ADF"], call["ADR"] = (50, 2), (25, 1), (25, 1)
            out.write(rec)
    targets = tmp_path / "t.bed"
    targets.write_text("chr1\t0\t2000\tG\n")
    table = str(tmp_path / "p.tsv.gz")
    assert pon.write_panel([path], table, ["N0", "N1"], SETTINGS, str(targets)) == 3
    with pon.Panel(table) as panel:
        rows = panel.rows("chr1", 0, 2000)
    assert [r.alt for r in rows] == ["AT", "T", "C"]
    assert rows[1].carriers == {0: (2, 52), 1: (2, 52)} and rows[1].alt_fwd == 2
