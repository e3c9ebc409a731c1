"""Tests of the demo-cohort generator (resources/demo/make_demo_cohort.py): the reference,
the truth tables, the manifest and determinism. The reads are checked in test_demo_reads.py.

The cohort is generated once into resources/demo/cohort/ (reused by the end-to-end tests)
unless a manifest from the same generator version and seed is already there. Checks are on
biology read back from the files: ORFs and hotspot residues, bcftools csq notation, allele
fractions and expression changes in the truth.
"""

from __future__ import annotations

import hashlib
import math
import shutil
import subprocess

import pytest

import make_demo_cohort as M
from helpers import REPO, read_fasta, read_tsv, spliced

CODE = dict(
    zip(
        [a + b + c for a in "TCAG" for b in "TCAG" for c in "TCAG"],
        "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG",
    )
)


def translate(cds: str) -> str:
    return "".join(CODE[cds[i : i + 3]] for i in range(0, len(cds) - 2, 3))


# --- reference -----------------------------------------------------------------------------


def test_every_cds_is_a_clean_orf(genome, transcripts):
    assert len(transcripts) >= 51
    for name, t in transcripts.items():
        assert t["canonical"], name
        prot = translate(spliced(genome, t, t["cds"]))
        assert prot[0] == "M" and prot[-1] == "*" and "*" not in prot[:-1], name


def test_alk_and_nras_hotspot_residues(genome, transcripts):
    alk = translate(spliced(genome, transcripts["ALK"], transcripts["ALK"]["cds"]))[:-1]
    assert len(alk) == 1620
    residues = (alk[1173], alk[1195], alk[1201], alk[1155], alk[1170], alk[1268], alk[1197])
    assert residues == tuple("FLGCIGL")
    nras = translate(spliced(genome, transcripts["NRAS"], transcripts["NRAS"]["cds"]))[:-1]
    assert len(nras) == 189 and (nras[11], nras[12], nras[60]) == ("G", "G", "Q")
    assert spliced(genome, transcripts["NRAS"], transcripts["NRAS"]["cds"])[180:183] == "CAA"


def test_alk_exon_structure(transcripts):
    t = transcripts["ALK"]
    assert t["strand"] == "-" and len(t["exons"]) == 29
    # CDS offset (c.) at which each exon's CDS starts, transcript order
    starts, done = {}, 0
    for a, b, _ in t["cds"]:
        exon = next(i for i, (ea, eb, _) in enumerate(t["exons"], 1) if ea <= a and b <= eb)
        starts[exon] = done + 1
        done += b - a
    assert starts[20] == 3173  # 2nd base of codon 1058, as in EML4-ALK breakpoints
    ex23 = (starts[23], starts[24] - 1)
    for residue in (1174, 1196, 1202):
        assert ex23[0] <= 3 * residue - 2 and 3 * residue <= ex23[1]


def test_genes_on_real_strands_and_contigs(transcripts):
    expected = {
        "ALK": ("chr2", "-"),
        "TNS1": ("chr2", "-"),
        "MYCN": ("chr2", "+"),
        "NRAS": ("chr1", "-"),
        "CDK4": ("chr12", "-"),
        "GLI1": ("chr12", "+"),
        "FGFR1": ("chr8", "-"),
        "PTCH1": ("chr9", "-"),
        "HHIP": ("chr4", "+"),
        "SMO": ("chr7", "+"),
        "RRBP1": ("chr20", "-"),
        "DNMT3A": ("chr2", "-"),  # the CH genes (cohort_sim/ch.py), after chr2's, chr17's last
        "PPM1D": ("chr17", "+"),
    }
    for name, (contig, strand) in expected.items():
        assert (transcripts[name]["contig"], transcripts[name]["strand"]) == (contig, strand), name
    bg = [t for n, t in transcripts.items() if n.startswith("BG")]
    assert len(bg) >= 40 and {t["strand"] for t in bg} == {"+", "-"}
    assert len({t["contig"] for t in bg}) >= 5
    for name, last in (("DNMT3A", "BG10"), ("PPM1D", "BG37")):
        t = transcripts[name]
        assert t["exons"][0][0] > max(b for _, b, _ in transcripts[last]["exons"])


def test_rrbp1_processed_copy_is_its_spliced_exons_5_to_8(cohort, genome, transcripts):
    """IMT01's 5' partner has a processed pseudogene (cohort_sim/pseudogene.py): its exons 5-8
    joined, no intron, where truth/fusions.tsv says; identical over the 60 bases before the
    fusion junction, one transition in every 12 bases before them, and nowhere else."""
    t = transcripts["RRBP1"]
    parent = spliced(genome, t, t["exons"][4:8])
    rows = [r for r in read_tsv(cohort / "truth" / "fusions.tsv") if r["gene5"] == "RRBP1"]
    assert {r["partner_copy"] for r in rows} == {"chr7:27671-29068 (exons 5-8)"}
    copy = genome["chr7"][27670:29068]
    assert len(parent) == len(copy) == 1398 and copy[-60:] == parent[-60:]
    changed = [i for i, (a, b) in enumerate(zip(parent, copy)) if a != b]
    assert changed == list(range(1398 - 72, -1, -12))[::-1]
    assert all({parent[i], copy[i]} in ({"A", "G"}, {"C", "T"}) for i in changed)
    rest = [r for r in read_tsv(cohort / "truth" / "fusions.tsv") if r["gene5"] != "RRBP1"]
    assert rest and all(r["partner_copy"] == "" for r in rest)


def test_targets_cover_every_cds_exon(cohort, transcripts):
    rows = [ln.split("\t") for ln in open(cohort / "reference" / "targets.bed")]
    iv = [(c, int(a), int(b)) for c, a, b, _ in rows]
    for (c1, _a1, b1), (c2, a2, _b2) in zip(iv, iv[1:]):
        assert c1 != c2 or b1 < a2  # sorted, merged
    for name, t in transcripts.items():
        for a, b, _ in t["cds"]:
            assert any(c == t["contig"] and ta <= a and b <= tb for c, ta, tb in iv), name


@pytest.mark.skipif(shutil.which("bcftools") is None, reason="bcftools not on PATH")
def test_bcftools_csq_names_the_hotspots(cohort, genome, transcripts, tmp_path):
    truth = {r["protein"]: r for r in read_tsv(cohort / "truth" / "variants.tsv")}
    # L1196Q CTG>CAG, F1174L TTC>TTA, Q61K CAA>AAA; ALK and NRAS are minus-strand: genomic alt
    # complemented
    alk, nras = transcripts["ALK"], transcripts["NRAS"]
    assert truth["p.L1196Q"]["ref"] == "A" and truth["p.L1196Q"]["alt"] == "T"
    assert truth["p.F1174L"]["ref"] == "G" and truth["p.F1174L"]["alt"] == "T"
    assert truth["p.Q61K"]["ref"] == "G" and truth["p.Q61K"]["alt"] == "T"
    vcf = tmp_path / "hotspots.vcf"
    recs = sorted(
        (r["contig"], int(r["pos"]), r["ref"], r["alt"])
        for r in (truth[p] for p in ("p.Q61K", "p.L1196Q", "p.F1174L"))
    )
    vcf.write_text(
        "##fileformat=VCFv4.2\n##contig=<ID=chr1>\n##contig=<ID=chr2>\n"
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
        + "".join(f"{c}\t{p}\t.\t{r}\t{a}\t.\t.\t.\n" for c, p, r, a in recs)
    )
    out = subprocess.run(
        [
            "bcftools",
            "csq",
            "-f",
            str(cohort / "reference" / "genome.fa"),
            "-g",
            str(cohort / "reference" / "annotation.gff3"),
            "-l",
            str(vcf),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    bcsq = "\n".join(ln for ln in out.splitlines() if not ln.startswith("#"))
    for change in ("1196L>1196Q", "1174F>1174L", "61Q>61K"):
        assert change in bcsq
    assert bcsq.count("missense|ALK|") == 2 and bcsq.count("missense|NRAS|") == 1
    assert alk["strand"] == nras["strand"] == "-"


@pytest.mark.skipif(shutil.which("bcftools") is None, reason="bcftools not on PATH")
def test_truth_variants_are_normalised(cohort, tmp_path):
    rows = {
        (r["contig"], int(r["pos"]), r["ref"], r["alt"])
        for r in read_tsv(cohort / "truth" / "variants.tsv")
    }
    order = list(read_fasta(cohort / "reference" / "genome.fa"))
    vcf = tmp_path / "truth.vcf"
    vcf.write_text(
        "##fileformat=VCFv4.2\n"
        + "".join(f"##contig=<ID={c}>\n" for c in order)
        + "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
        + "".join(
            f"{c}\t{p}\t.\t{r}\t{a}\t.\t.\t.\n"
            for c, p, r, a in sorted(rows, key=lambda x: (order.index(x[0]), x[1]))
        )
    )
    out = subprocess.run(
        [
            "bcftools",
            "norm",
            "-f",
            str(cohort / "reference" / "genome.fa"),
            "--check-ref",
            "e",
            str(vcf),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    normed = {
        tuple(ln.split("\t")[i] for i in (0, 1, 3, 4))
        for ln in out.stdout.splitlines()
        if not ln.startswith("#")
    }
    assert normed == {(c, str(p), r, a) for c, p, r, a in rows}
    assert any(len(r) > len(a) for _, _, r, a in rows) and any(
        len(r) < len(a) for _, _, r, a in rows
    )


# --- truth tables --------------------------------------------------------------------------


def test_variant_truth_is_consistent(cohort):
    rows = read_tsv(cohort / "truth" / "variants.tsv")
    samples = read_tsv(REPO / "config" / "demo" / "samples.tsv")
    wes = {}
    for s in samples:
        if s["assay"] == "wes":
            wes.setdefault(s["patient_id"], []).append(s["sample_id"])
    by_var = {}
    for r in rows:
        key = (r["patient_id"], r["contig"], r["pos"], r["ref"], r["alt"])
        by_var.setdefault(key, []).append(r)
    for (patient, *_), rs in by_var.items():
        assert [r["sample_id"] for r in rs] == wes[patient]
        if rs[0]["origin"] == "somatic":
            assert float(rs[0]["true_vaf"]) == 0
    for patient in wes:
        germ = [k for k, rs in by_var.items() if k[0] == patient and rs[0]["origin"] == "germline"]
        som = [k for k, rs in by_var.items() if k[0] == patient and rs[0]["origin"] == "somatic"]
        # 25-40 drawn per patient, plus IMT01's 16 designed het SNPs in its LOH segment
        assert 25 <= len(germ) <= 40 + 16 * (patient == "IMT01") and len(som) >= 5
    germ_sets = [
        {k[1:] for k in by_var if k[0] == p and by_var[k][0]["origin"] == "germline"} for p in wes
    ]
    assert germ_sets[0] != germ_sets[1] != germ_sets[2]
    l1196q = {r["sample_id"]: float(r["true_vaf"]) for r in rows if r["protein"] == "p.L1196Q"}
    assert l1196q == {"IMT01-N": 0, "IMT01-T0": 0, "IMT01-T1": 0, "IMT01-T2": 0.3}
    sub = [
        rs
        for rs in by_var.values()
        if rs[0]["patient_id"] == "IMT02"
        and [float(r["true_vaf"]) for r in rs] == [0, 0.12, 0.04, 0]
    ]
    assert len(sub) == 4  # BG01 p.R70K and the three passengers of its clone


def test_cnv_and_expression_truth(cohort):
    cnv = read_tsv(cohort / "truth" / "cnv.tsv")
    p2 = [r for r in cnv if r["sample_id"] == "NB01-P2"]
    assert {r["gene"] for r in p2} == {"CDK4", "FGFR1"}
    assert all(
        r["tumour_copy_number"] == "8" and abs(float(r["expected_log2"]) - 0.678) < 0.01 for r in p2
    )
    changed = ("NB01-P2", "IMT01-T1", "IMT01-T2")  # CDK4/FGFR1 gain; BG11-BG14 loss with LOH
    assert all(float(r["expected_log2"]) == 0 for r in cnv if r["sample_id"] not in changed)
    ex = read_tsv(cohort / "truth" / "expression.tsv")
    ptch1 = {
        (r["pre_sample"], r["post_sample"]): float(r["true_log2fc"])
        for r in ex
        if r["gene"] == "PTCH1"
    }
    assert all(v <= -2 for (pre, _), v in ptch1.items() if pre.startswith("IMT"))
    assert ptch1[("NB01-R0", "NB01-R2")] == 0
    assert sum(float(r["true_log2fc"]) != 0 for r in ex) < 0.2 * len(ex)
    levels = read_tsv(cohort / "truth" / "expression_levels.tsv")
    means = [float(r["true_mean_count"]) for r in levels if r["true_mean_count"]]
    assert max(means) / min(means) > 1000
    totals = {}
    for r in levels:
        totals[r["sample_id"]] = totals.get(r["sample_id"], 0) + int(r["simulated_count"])
    pairs = {
        r["sample_id"]: int(r["read_pairs"]) for r in read_tsv(cohort / "truth" / "read_pairs.tsv")
    }
    assert all(totals[s] == pairs[s] and 37500 <= pairs[s] <= 51000 for s in totals)


def test_arm_level_truth_and_contigs(cohort):
    """Version 11: chr11 (one copy lost) and chr6 (one gained) in NB01's relapse plasma, whole
    contigs of their own after the others, 70 target bins each, neutral in every other NB01
    sample; expected log2 ichorCNA's at the sample's fraction."""
    arms = read_tsv(cohort / "truth" / "arms.tsv")
    fai = [line.split("\t")[:2] for line in (cohort / "reference" / "genome.fa.fai").open()]
    assert [c for c, _ in fai][-2:] == ["chr11", "chr6"]
    lengths = dict(fai)
    assert {(r["sample_id"], r["contig"]) for r in arms} == {
        (s, c)
        for s in ("NB01-N", "NB01-T0", "NB01-P1A", "NB01-P1B", "NB01-P2")
        for c in ("chr11", "chr6")
    }
    for r in arms:
        copies = int(r["tumour_copy_number"])
        p = float(r["tumour_fraction"])
        assert copies == {"chr11": 1, "chr6": 3}[r["contig"]] if r["sample_id"] == "NB01-P2" else 2
        assert abs(float(r["expected_log2"]) - math.log2(1 - p + p * copies / 2)) < 1e-4
        assert (r["start"], r["end"]) == ("1", lengths[r["contig"]])
    targets = [line.split("\t")[0] for line in (cohort / "reference" / "targets.bed").open()]
    assert targets.count("chr11") == targets.count("chr6") == 70


LOST = ("BG11", "BG12", "BG13", "BG14")  # chr3, lost with LOH in IMT01-T1 and T2


def test_copy_loss_truth(cohort):
    """IMT01: one copy of BG11-BG14 (chr3) lost (haplotype 1, LOH) in T1 and T2 at purity 0.6."""
    cnv = read_tsv(cohort / "truth" / "cnv.tsv")
    for r in cnv:
        ratio, p = float(r["expected_copy_ratio"]), float(r["tumour_fraction"])
        cn, minor = int(r["tumour_copy_number"]), int(r["minor_copy_number"])
        assert abs(ratio - ((1 - p) * 2 + p * cn) / 2) < 1e-4, r
        assert abs(float(r["expected_log2"]) - math.log2(ratio)) < 1e-4, r
        assert r["loh"] == ("true" if minor == 0 else "false") and 0 <= minor <= cn / 2, r
    imt01 = {(r["sample_id"], r["gene"]): r for r in cnv if r["patient_id"] == "IMT01"}
    samples = ("IMT01-N", "IMT01-T0", "IMT01-T1", "IMT01-T2")
    assert set(imt01) == {(s, g) for s in samples for g in LOST}
    for (sample, _), r in imt01.items():
        lost = sample in ("IMT01-T1", "IMT01-T2")
        assert (r["tumour_copy_number"], r["minor_copy_number"]) == (
            ("1", "0") if lost else ("2", "1")
        )
        assert abs(float(r["expected_log2"]) - (-0.515 if lost else 0)) < 0.001
    germline = {}
    for r in read_tsv(cohort / "truth" / "variants.tsv"):
        if r["patient_id"] == "IMT01" and r["origin"] == "germline":
            germline.setdefault((r["gene"], r["pos"]), {})[r["sample_id"]] = float(r["true_vaf"])
    het = [v for (gene, _), v in germline.items() if gene in LOST and v["IMT01-N"] < 1]
    assert len(het) >= 4 and {v["IMT01-T2"] for v in het} == {0.7143, 0.2857}
    assert all(v["IMT01-N"] == v["IMT01-T0"] == 0.5 and v["IMT01-T1"] == v["IMT01-T2"] for v in het)
    assert all(
        v["IMT01-T2"] in (0.5, 1.0) for (g, _), v in germline.items() if g in ("BG15", "BG16")
    )
    events = read_tsv(cohort / "truth" / "events.tsv")
    loss = {(r["sample_id"], r["gene"]): r["expected"] for r in events if r["kind"] == "loss"}
    assert loss == {
        (s, g): "absent" if s == "IMT01-T0" else "lost"
        for s in ("IMT01-T0", "IMT01-T1", "IMT01-T2")
        for g in sorted(LOST)
    }


def test_events_cover_the_case_reports(cohort):
    ev = {
        (r["sample_id"], r["alteration"]): r["expected"]
        for r in read_tsv(cohort / "truth" / "events.tsv")
    }
    assert ev[("IMT01-T1", "p.L1196Q")] == "absent" and ev[("IMT01-T2", "p.L1196Q")] == "present"
    assert ev[("NB01-T0", "p.F1174L")] == ev[("NB01-P2", "p.F1174L")] == "present"
    assert ev[("NB01-T0", "p.Q61K")] == "absent" and ev[("NB01-P2", "p.Q61K")] == "present"
    assert ev[("NB01-P2", "amplification")] == "gained"
    assert ev[("IMT01-R1", "down-regulation")] == ev[("IMT02-R2", "down-regulation")] == "down"
    assert ev[("IMT02-R0", "TNS1::ALK")] == "present"
    assert "lost" in {v for (s, _), v in ev.items() if s == "IMT02-T2"}


# --- determinism and size ------------------------------------------------------------------


def test_manifest_matches_files_and_size(cohort):
    manifest = M.read_manifest(cohort)
    total = 0
    for rel, digest in manifest.items():
        data = (cohort / rel).read_bytes()
        total += len(data)
        assert hashlib.sha256(data).hexdigest() == digest, rel
    assert len(manifest) == len(list(p for p in cohort.rglob("*") if p.is_file())) - 1
    assert total < 110e6  # 71 MB at generator version 6, 101 MB at 11 (the arm contigs)


def test_regeneration_is_byte_identical(cohort, tmp_path):
    design = M.build_design(M.DEFAULT_SEED, M.SAMPLES_TSV, M.UNITS_TSV)
    M.write_reference(design, tmp_path / "reference")
    for sample in ("IMT01-R1", "IMT01-T2"):  # one RNA, one two-lane WES sample
        M.simulate_sample(design, sample, tmp_path / "reads")
    manifest = M.read_manifest(cohort)
    fresh = {str(p.relative_to(tmp_path)): M.sha256(p) for p in tmp_path.rglob("*") if p.is_file()}
    assert len(fresh) == 5 + 2 + 4
    assert all(manifest[k] == v for k, v in fresh.items())


def test_ensure_cohort_reuses_a_current_cohort(cohort):
    before = (cohort / "manifest.tsv").stat().st_mtime_ns
    M.ensure_cohort(cohort)
    assert (cohort / "manifest.tsv").stat().st_mtime_ns == before
