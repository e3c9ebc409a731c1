"""Read counting of resistance_timeline.dna.genotyper (and its candidates), and the rule entry
scripts/genotype_timepoints.py end to end.

Each test writes a tiny reference and BAMs with hand-placed reads into tmp_path.
"""

import runpy
import types
from pathlib import Path

import pysam
import pytest

from bam_support import REFSEQ, aligned, rd, write_bam, write_fasta
from helpers import REPO
from resistance_timeline.dna import genotype_stats as gs
from resistance_timeline.dna import genotyper as gt
from resistance_timeline.dna.candidates import read_candidates
from resistance_timeline.setup.config import schema_defaults

THR = schema_defaults("genotyping")


def site_counts(tmp_path, bam, chrom_pos_ref_alt, thr=THR):
    """Counts row of one site via the real candidate-reading path."""
    fa = write_fasta(tmp_path)
    vcf = str(tmp_path / "cand.vcf")
    with open(vcf, "w") as f:
        f.write("##fileformat=VCFv4.2\n##contig=<ID=chr1,length=2000>\n")
        f.write("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
        pos, ref, alt = chrom_pos_ref_alt
        f.write(f"chr1\t{pos}\t.\t{ref}\t{alt}\t.\t.\t.\n")
    sites = read_candidates(vcf, fa, thr["indel_flank_bp"])
    counts = gt.count_all([bam], sites, thr)[0]
    return gs.summarize(counts[0], "tumor", thr)


def test_snv_counts_vaf_and_wilson(tmp_path):
    reads = [rd(f"r{i}", 420 + i, aligned(420 + i), flag=16 * (i % 2)) for i in range(40)]
    reads += [rd(f"a{i}", 430 + i, aligned(430 + i, snv={500: "T"})) for i in range(10)]
    m = site_counts(tmp_path, write_bam(tmp_path, "t", reads), (501, "A", "T"))
    assert (m["ref"], m["alt"], m["depth"]) == (40, 10, 50)
    assert (m["ref_fwd"], m["ref_rev"], m["alt_fwd"], m["alt_rev"]) == (20, 20, 10, 0)
    assert m["vaf"] == pytest.approx(0.2)
    # Wilson 95% for 10/50, by hand: (p + z^2/2n -/+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)
    assert m["vaf_low"] == pytest.approx(0.1124375002, abs=1e-6)
    assert m["vaf_high"] == pytest.approx(0.3303710593, abs=1e-6)
    assert m["vaf_low"] < 0.2 < m["vaf_high"] and m["status"] == "detected"


def test_overlapping_mates_counted_once(tmp_path):
    reads = []
    for i in range(10):  # read 1 forward from 450, read 2 reverse from 460: both cover 500
        reads.append(rd(f"f{i}", 450, aligned(450, snv={500: "T"}), flag=0x1 | 0x2 | 0x20 | 0x40))
        reads.append(rd(f"f{i}", 460, aligned(460, snv={500: "T"}), flag=0x1 | 0x2 | 0x10 | 0x80))
    reads += [rd(f"r{i}", 440 + i, aligned(440 + i)) for i in range(20)]
    # disagreeing pair: read 1 alt at Q30, read 2 ref at Q35 -> ref (higher quality wins)
    reads.append(rd("d1", 450, aligned(450, snv={500: "T"}), flag=0x1 | 0x40))
    reads.append(rd("d1", 460, aligned(460), flag=0x1 | 0x10 | 0x80, low_q_at={40: 35}))
    # disagreeing pair at equal quality -> fragment dropped
    reads.append(rd("d2", 450, aligned(450, snv={500: "T"}), flag=0x1 | 0x40))
    reads.append(rd("d2", 460, aligned(460), flag=0x1 | 0x10 | 0x80))
    m = site_counts(tmp_path, write_bam(tmp_path, "t", reads), (501, "A", "T"))
    assert m["alt"] == 10  # not 20
    assert (m["alt_fwd"], m["alt_rev"]) == (10, 0)  # strand of read 1
    assert m["ref"] == 21


def test_median_fragment_lengths_of_alt_and_ref(tmp_path):
    """Short alt fragments (tumour-derived cfDNA) beside longer ref ones; a mate pair counts
    its fragment once; reads without a template length (0) are not measured."""
    reads = []
    for i, length in enumerate((140, 145, 150)):  # alt pairs, both mates over the site
        reads.append(rd(f"a{i}", 450, aligned(450, snv={500: "T"}), 0x1 | 0x40, tlen=length))
        reads.append(
            rd(f"a{i}", 460, aligned(460, snv={500: "T"}), 0x1 | 0x10 | 0x80, tlen=-length)
        )
    for i, length in enumerate((160, 166, 170, 181)):
        reads.append(rd(f"r{i}", 440 + i, aligned(440 + i), flag=0x1 | 0x40, tlen=length))
    reads += [rd(f"u{i}", 445 + i, aligned(445 + i), flag=0) for i in range(5)]  # tlen 0
    m = site_counts(tmp_path, write_bam(tmp_path, "t", reads), (501, "A", "T"))
    assert (m["alt"], m["ref"]) == (3, 9)
    assert (m["alt_fragment"], m["ref_fragment"]) == (145, 166)  # the lower middle of 4
    none = site_counts(tmp_path, write_bam(tmp_path, "n", reads[-5:]), (501, "A", "T"))
    assert none["alt_fragment"] is None and none["ref_fragment"] is None


def test_filtered_reads_and_low_quality_base(tmp_path):
    reads = [rd(f"r{i}", 420 + i, aligned(420 + i)) for i in range(20)]
    reads += [rd(f"a{i}", 430 + i, aligned(430 + i, snv={500: "T"})) for i in range(10)]
    alt = aligned(450, snv={500: "T"})
    for flag in (0x400, 0x100, 0x800, 0x200, 0x4 | 0x0):
        reads.append(rd(f"x{flag}", 450, alt, flag=flag))
    reads.append(rd("lowmq", 450, alt, mapq=10))
    reads.append(rd("lowbq", 450, alt, low_q_at={50: 10}))
    m = site_counts(tmp_path, write_bam(tmp_path, "t", reads), (501, "A", "T"))
    assert (m["ref"], m["alt"], m["other"]) == (20, 10, 0)


def test_deletion_left_aligned(tmp_path):
    reads = [rd(f"a{i}", 230 + i, aligned(230 + i, dele=(302, 3))) for i in range(15)]
    reads += [rd(f"r{i}", 230 + i, aligned(230 + i)) for i in range(35)]
    # reads ending at the anchor / inside the deleted bases: not evidence for ref
    reads += [rd(f"e{i}", 202 + i, aligned(202 + i)) for i in range(3)]
    m = site_counts(tmp_path, write_bam(tmp_path, "t", reads), (302, "CTGG", "C"))
    assert (m["ref"], m["alt"]) == (35, 15)


def test_deletion_in_homopolymer_any_placement(tmp_path):
    reads = []
    for i, d in enumerate([602, 604, 606] * 4):  # 2-bp deletion placed anywhere in A602-607
        reads.append(rd(f"a{i}", 540 + i, aligned(540 + i, dele=(d, 2))))
    reads += [rd(f"r{i}", 540 + i, aligned(540 + i)) for i in range(20)]
    reads += [rd(f"o{i}", 540 + i, aligned(540 + i, dele=(602, 1))) for i in range(3)]  # 1-bp del
    reads += [rd(f"e{i}", 506 + i, aligned(506 + i)) for i in range(4)]  # end inside the run
    m = site_counts(tmp_path, write_bam(tmp_path, "t", reads), (602, "CAA", "C"))
    assert (m["ref"], m["alt"], m["other"]) == (20, 12, 3)


def test_insertion_plain_and_in_repeat(tmp_path):
    reads = [rd(f"a{i}", 340 + i, aligned(340 + i, ins=(401, "TG"))) for i in range(15)]
    reads += [rd(f"r{i}", 340 + i, aligned(340 + i)) for i in range(35)]
    reads += [rd(f"e{i}", 302 + i, aligned(302 + i)) for i in range(3)]  # end at the anchor
    m = site_counts(
        tmp_path, write_bam(tmp_path, "t", reads), (402, REFSEQ[401], REFSEQ[401] + "TG")
    )
    assert (m["ref"], m["alt"]) == (35, 15)
    # CA repeat 802-809: CA after T801/A805 or AC after C802/C808 is the same haplotype
    reads = [
        rd(f"a{i}", 740 + i, aligned(740 + i, ins=(p, "CA" if REFSEQ[p] in "TA" else "AC")))
        for i, p in enumerate([801, 802, 805, 808] * 3)
    ]
    reads += [rd(f"r{i}", 740 + i, aligned(740 + i)) for i in range(18)]
    bam = write_bam(tmp_path, "rep", reads)
    m = site_counts(tmp_path, bam, (802, "T", "TCA"))
    assert (m["ref"], m["alt"]) == (18, 12)


def test_bad_inputs(tmp_path):
    bam = write_bam(tmp_path, "t", [rd("r", 420, aligned(420))])
    with pytest.raises(ValueError, match="REF G does not match the reference"):
        site_counts(tmp_path, bam, (501, "G", "T"))


def test_main_end_to_end(tmp_path):
    fa = write_fasta(tmp_path)
    normal = [rd(f"n{i}", 230 + i, aligned(230 + i), flag=16 * (i % 2)) for i in range(60)]
    normal += [rd(f"m{i}", 420 + i, aligned(420 + i), flag=16 * (i % 2)) for i in range(60)]
    tumor = [
        rd(f"a{i}", 230 + i, aligned(230 + i, dele=(302, 3)), flag=16 * (i % 2)) for i in range(20)
    ]
    tumor += [rd(f"r{i}", 230 + i, aligned(230 + i), flag=16 * (i % 2)) for i in range(40)]
    tumor += [
        rd(f"s{i}", 420 + i, aligned(420 + i, snv={500: "T"}), flag=16 * (i % 2)) for i in range(30)
    ]
    tumor += [rd(f"t{i}", 420 + i, aligned(420 + i), flag=16 * (i % 2)) for i in range(70)]
    bams = [
        write_bam(tmp_path, "normal", normal),
        write_bam(tmp_path, "relapse", tumor),
        write_bam(tmp_path, "empty", []),
    ]
    cand = str(tmp_path / "cand.vcf")
    with open(cand, "w") as f:
        f.write(
            "##fileformat=VCFv4.2\n##contig=<ID=chr1,length=2000>\n"
            '##INFO=<ID=END,Number=1,Type=Integer,Description="End">\n'
            "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
            "chr1\t302\tdel1\tCTGG\tC\t.\t.\t.\nchr1\t501\t.\tA\tT,G\t.\t.\t.\n"
            f"chr1\t700\t.\t{REFSEQ[699]}\t<DEL>\t.\t.\t.\n"
        )
    pysam.tabix_index(cand, preset="vcf", force=True)
    samples = [
        {"sample_id": "N", "material": "normal", "day": 0},
        {"sample_id": "T_d180", "material": "tumor", "day": 180},
        {"sample_id": "cf_d200", "material": "cfdna", "day": 200},
    ]
    out = str(tmp_path / "out.vcf.gz")
    thresholds = schema_defaults("genotyping")
    thresholds["tumor"]["min_alt_reads"] = 3
    (tmp_path / "targets.bed").write_text("chr1\t200\t800\tGENE1\n")
    ch_inputs = {
        "targets": str(tmp_path / "targets.bed"),
        "ch_genes": str(REPO / "resources" / "knowledge" / "ch_genes.tsv"),
    }
    snakemake = types.SimpleNamespace(
        input=types.SimpleNamespace(candidates=cand + ".gz", bams=bams, fasta=fa, **ch_inputs),
        output=types.SimpleNamespace(vcf=out, tbi=out + ".tbi"),
        params=types.SimpleNamespace(samples=samples, thresholds=thresholds),
        log=[str(tmp_path / "gt.log")],
        threads=2,
    )
    entry = runpy.run_path(str(REPO / "scripts" / "genotype_timepoints.py"))
    entry["main"](snakemake)
    assert Path(out + ".tbi").exists()
    with pysam.VariantFile(out) as vcf:
        assert list(vcf.header.samples) == ["N", "T_d180", "cf_d200"]
        recs = list(vcf)
    assert [(r.pos, r.ref, r.alts[0]) for r in recs] == [
        (302, "CTGG", "C"),
        (501, "A", "T"),
        (501, "A", "G"),
        (700, REFSEQ[699], "<DEL>"),
    ]
    d = recs[0]
    assert d.id == "del1" and d.info["ORIGIN"] == "somatic"
    assert d.samples["N"]["AD"] == (60, 0) and d.samples["N"]["GT"] == (0, 0)
    assert d.samples["N"]["DL"] == pytest.approx(gs.detection_limit(60, 2, 0.02))
    assert d.samples["N"]["ST"] == "not_detected"
    t = d.samples["T_d180"]
    assert t["AD"] == (40, 20) and t["DP"] == 60 and t["GT"] == (0, 1) and t["ST"] == "detected"
    assert t["AF"][0] == pytest.approx(1 / 3, abs=1e-6)
    lo, hi = gs.wilson_interval(20, 60)
    assert t["AFLO"][0] == pytest.approx(lo, abs=1e-6) and t["AFHI"][0] == pytest.approx(
        hi, abs=1e-6
    )
    assert t["SB"] == (20, 20, 10, 10)
    cf = d.samples["cf_d200"]
    assert cf["ST"] == "not_covered" and cf["GT"] == (None, None) and cf["AF"] == (None,)
    snv, other = recs[1], recs[2]
    assert snv.samples["T_d180"]["AD"] == (70, 30) and snv.info["ORIGIN"] == "somatic"
    assert other.samples["T_d180"]["AD"] == (70, 0) and other.samples["T_d180"]["OA"] == 30
    assert other.info["ORIGIN"] == "artefact" and other.info["ORIGIN_REASON"] == "not_detected"
    sv = recs[3]  # kept, not counted
    assert sv.info["ORIGIN_REASON"] == "unsupported_allele" and "ORIGIN" not in sv.info
    assert sv.samples["T_d180"]["GT"] == (None, None)
