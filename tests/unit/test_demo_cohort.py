"""Tests of the demo-cohort generator (resources/demo/make_demo_cohort.py).

The cohort is generated once into resources/demo/cohort/ (reused by the end-to-end tests)
unless a manifest from the same generator version and seed is already there. Checks are on
biology read back from the files: ORFs and hotspot residues, bcftools csq notation, allele
fractions counted in the reads, fusion junctions, expression changes.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "resources" / "demo"))

import make_demo_cohort as M  # noqa: E402

CODE = dict(zip([a + b + c for a in "TCAG" for b in "TCAG" for c in "TCAG"],
                "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"))
COMP = str.maketrans("ACGTN", "TGCAN")


def revcomp(s: str) -> str:
    return s.translate(COMP)[::-1]


def read_tsv(path: Path) -> list[dict]:
    with open(path) as fh:
        return list(csv.DictReader((ln for ln in fh if not ln.startswith("#")), delimiter="\t"))


def read_fasta(path: Path) -> dict[str, str]:
    seqs, name = {}, None
    for line in open(path):
        if line.startswith(">"):
            name = line[1:].split()[0]
            seqs[name] = []
        else:
            seqs[name].append(line.strip())
    return {k: "".join(v) for k, v in seqs.items()}


def fastq_reads(path: Path):
    """(name, sequence) of every record."""
    with gzip.open(path, "rt") as fh:
        while True:
            head = fh.readline()
            if not head:
                return
            seq = fh.readline().strip()
            fh.readline()
            fh.readline()
            yield head.split()[0], seq


@pytest.fixture(scope="session")
def cohort() -> Path:
    M.ensure_cohort(M.DEFAULT_OUTDIR)
    return M.DEFAULT_OUTDIR


@pytest.fixture(scope="session")
def genome(cohort) -> dict[str, str]:
    return read_fasta(cohort / "reference" / "genome.fa")


@pytest.fixture(scope="session")
def transcripts(cohort) -> dict[str, dict]:
    """Per gene name: strand, contig, exons and CDS pieces (transcript order) from the GFF3."""
    tx, name_of = {}, {}
    for line in open(cohort / "reference" / "annotation.gff3"):
        if line.startswith("#"):
            continue
        f = line.rstrip("\n").split("\t")
        attrs = dict(kv.split("=", 1) for kv in f[8].split(";"))
        if f[2] == "mRNA":
            name = attrs["Name"].rsplit("-", 1)[0]
            name_of[attrs["ID"]] = name
            tx[name] = {"contig": f[0], "strand": f[6], "exons": [], "cds": [], "canonical": "Ensembl_canonical" in attrs.get("tag", "")}
        elif f[2] in ("exon", "CDS"):
            t = tx[name_of[attrs["Parent"]]]
            t["exons" if f[2] == "exon" else "cds"].append((int(f[3]) - 1, int(f[4]), attrs.get("rank")))
    for t in tx.values():
        for key in ("exons", "cds"):
            t[key].sort(reverse=t["strand"] == "-")
    return tx


def spliced(genome, t, pieces) -> str:
    s = "".join(genome[t["contig"]][a:b] for a, b, _ in sorted(pieces))
    return revcomp(s) if t["strand"] == "-" else s


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
    assert (alk[1173], alk[1195], alk[1201], alk[1155], alk[1170], alk[1268], alk[1197]) == tuple("FLGCIGL")
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
    expected = {"ALK": ("chr2", "-"), "TNS1": ("chr2", "-"), "MYCN": ("chr2", "+"), "NRAS": ("chr1", "-"),
                "CDK4": ("chr12", "-"), "GLI1": ("chr12", "+"), "FGFR1": ("chr8", "-"), "PTCH1": ("chr9", "-"),
                "HHIP": ("chr4", "+"), "SMO": ("chr7", "+"), "RRBP1": ("chr20", "-")}
    for name, (contig, strand) in expected.items():
        assert (transcripts[name]["contig"], transcripts[name]["strand"]) == (contig, strand), name
    bg = [t for n, t in transcripts.items() if n.startswith("BG")]
    assert len(bg) >= 40 and {t["strand"] for t in bg} == {"+", "-"}
    assert len({t["contig"] for t in bg}) >= 5


def test_targets_cover_every_cds_exon(cohort, transcripts):
    rows = [ln.split("\t") for ln in open(cohort / "reference" / "targets.bed")]
    iv = [(c, int(a), int(b)) for c, a, b, _ in rows]
    for (c1, a1, b1), (c2, a2, b2) in zip(iv, iv[1:]):
        assert c1 != c2 or b1 < a2  # sorted, merged
    for name, t in transcripts.items():
        for a, b, _ in t["cds"]:
            assert any(c == t["contig"] and ta <= a and b <= tb for c, ta, tb in iv), name


@pytest.mark.skipif(shutil.which("bcftools") is None, reason="bcftools not on PATH")
def test_bcftools_csq_names_the_hotspots(cohort, genome, transcripts, tmp_path):
    truth = {r["protein"]: r for r in read_tsv(cohort / "truth" / "variants.tsv")}
    # L1196Q CTG>CAG, F1174L TTC>TTA, Q61K CAA>AAA; ALK and NRAS are minus-strand: genomic alt complemented
    alk, nras = transcripts["ALK"], transcripts["NRAS"]
    assert truth["p.L1196Q"]["ref"] == "A" and truth["p.L1196Q"]["alt"] == "T"
    assert truth["p.F1174L"]["ref"] == "G" and truth["p.F1174L"]["alt"] == "T"
    assert truth["p.Q61K"]["ref"] == "G" and truth["p.Q61K"]["alt"] == "T"
    vcf = tmp_path / "hotspots.vcf"
    recs = sorted((r["contig"], int(r["pos"]), r["ref"], r["alt"]) for r in (truth[p] for p in ("p.Q61K", "p.L1196Q", "p.F1174L")))
    vcf.write_text("##fileformat=VCFv4.2\n##contig=<ID=chr1>\n##contig=<ID=chr2>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                   + "".join(f"{c}\t{p}\t.\t{r}\t{a}\t.\t.\t.\n" for c, p, r, a in recs))
    out = subprocess.run(["bcftools", "csq", "-f", str(cohort / "reference" / "genome.fa"), "-g",
                          str(cohort / "reference" / "annotation.gff3"), "-l", str(vcf)],
                         capture_output=True, text=True, check=True).stdout
    bcsq = "\n".join(ln for ln in out.splitlines() if not ln.startswith("#"))
    for change in ("1196L>1196Q", "1174F>1174L", "61Q>61K"):
        assert change in bcsq
    assert bcsq.count("missense|ALK|") == 2 and bcsq.count("missense|NRAS|") == 1
    assert alk["strand"] == nras["strand"] == "-"


@pytest.mark.skipif(shutil.which("bcftools") is None, reason="bcftools not on PATH")
def test_truth_variants_are_normalised(cohort, tmp_path):
    rows = {(r["contig"], int(r["pos"]), r["ref"], r["alt"]) for r in read_tsv(cohort / "truth" / "variants.tsv")}
    order = list(read_fasta(cohort / "reference" / "genome.fa"))
    vcf = tmp_path / "truth.vcf"
    vcf.write_text("##fileformat=VCFv4.2\n" + "".join(f"##contig=<ID={c}>\n" for c in order)
                   + "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                   + "".join(f"{c}\t{p}\t.\t{r}\t{a}\t.\t.\t.\n" for c, p, r, a in sorted(rows, key=lambda x: (order.index(x[0]), x[1]))))
    out = subprocess.run(["bcftools", "norm", "-f", str(cohort / "reference" / "genome.fa"), "--check-ref", "e", str(vcf)],
                         capture_output=True, text=True, check=True)
    normed = {tuple(ln.split("\t")[i] for i in (0, 1, 3, 4)) for ln in out.stdout.splitlines() if not ln.startswith("#")}
    assert normed == {(c, str(p), r, a) for c, p, r, a in rows}
    assert any(len(r) > len(a) for _, _, r, a in rows) and any(len(r) < len(a) for _, _, r, a in rows)


# --- reads ---------------------------------------------------------------------------------


def test_read_files_are_exactly_the_units(cohort):
    units = read_tsv(REPO / "config" / "demo" / "units.tsv")
    expected = {Path(u[k]).name for u in units for k in ("fq1", "fq2")}
    assert {p.name for p in (cohort / "reads").iterdir()} == expected
    for u in units:
        for k in ("fq1", "fq2"):
            assert (REPO / "config" / "demo" / u[k]).resolve() == (cohort / "reads" / Path(u[k]).name).resolve()


def test_mates_pair_up(cohort):
    pairs = {(r["sample_id"], r["unit_id"]): int(r["read_pairs"]) for r in read_tsv(cohort / "truth" / "read_pairs.tsv")}
    for (sample, unit), n in pairs.items():
        r1 = [name for name, _ in fastq_reads(cohort / "reads" / f"{sample}.{unit}.R1.fastq.gz")]
        r2 = [name for name, _ in fastq_reads(cohort / "reads" / f"{sample}.{unit}.R2.fastq.gz")]
        assert r1 == r2 and len(r1) == n and len(set(r1)) == n
    # two-lane samples are split roughly in half
    for sample in ("IMT01-T2", "NB01-P2"):
        assert 0.45 < pairs[(sample, "L1")] / (pairs[(sample, "L1")] + pairs[(sample, "L2")]) < 0.55


def _allele_counts(cohort, genome, sample, contig, pos, ref, alt, k=31):
    """Reads containing the ref / alt k-mer centred on an SNV (either orientation), all lanes."""
    g = genome[contig]
    left, right = g[pos - 1 - k // 2 : pos - 1], g[pos : pos + k // 2]
    kmers = {left + ref + right: "ref", left + alt + right: "alt"}
    kmers.update({revcomp(s): v for s, v in list(kmers.items())})
    counts = {"ref": 0, "alt": 0}
    for path in sorted((cohort / "reads").glob(f"{sample}.*.fastq.gz")):
        for _, seq in fastq_reads(path):
            for km, allele in kmers.items():
                if km in seq:
                    counts[allele] += 1
    return counts


def _truth_row(cohort, sample, protein):
    return next(r for r in read_tsv(cohort / "truth" / "variants.tsv") if r["sample_id"] == sample and r["protein"] == protein)


@pytest.mark.parametrize("sample,protein,tol", [("IMT01-T2", "p.L1196Q", 0.07), ("NB01-P2", "p.Q61K", 0.03), ("NB01-T0", "p.F1174L", 0.07)])
def test_hotspot_allele_fraction_in_reads(cohort, genome, sample, protein, tol):
    r = _truth_row(cohort, sample, protein)
    c = _allele_counts(cohort, genome, sample, r["contig"], int(r["pos"]), r["ref"], r["alt"])
    assert c["ref"] + c["alt"] > 100
    assert abs(c["alt"] / (c["ref"] + c["alt"]) - float(r["true_vaf"])) < tol


def test_l1196q_absent_before_alectinib(cohort, genome):
    r = _truth_row(cohort, "IMT01-T0", "p.L1196Q")
    assert float(r["true_vaf"]) == 0
    c = _allele_counts(cohort, genome, "IMT01-T0", r["contig"], int(r["pos"]), r["ref"], r["alt"])
    assert c["ref"] > 100 and c["alt"] <= 1


def _junction_kmer(cohort, genome, transcripts, fusion_row, flank=15):
    """Last `flank` bases of the 5' exon + first `flank` of ALK exon 20, transcript orientation."""
    (c5, p5), (c3, p3) = [(x.split(":")[0], int(x.split(":")[1])) for x in (fusion_row["breakpoint5"], fusion_row["breakpoint3"])]
    s5, s3 = transcripts[fusion_row["gene5"]]["strand"], transcripts["ALK"]["strand"]
    left = genome[c5][p5 - flank : p5] if s5 == "+" else revcomp(genome[c5][p5 - 1 : p5 - 1 + flank])
    right = genome[c3][p3 - 1 : p3 - 1 + flank] if s3 == "+" else revcomp(genome[c3][p3 - flank : p3])
    return left + right


def _count_kmer(paths, kmers) -> int:
    kmers = set(kmers) | {revcomp(k) for k in kmers}
    return sum(any(k in seq for k in kmers) for p in paths for _, seq in fastq_reads(p))


def test_fusion_junction_reads(cohort, genome, transcripts):
    rows = read_tsv(cohort / "truth" / "fusions.tsv")
    assert {r["fusion"] for r in rows} == {"RRBP1::ALK", "TNS1::ALK"}
    assert {r["sample_id"] for r in rows} == {f"IMT0{i}-R{j}" for i in (1, 2) for j in range(3)}
    for r in rows:
        assert r["exon3"] == "20" and r["in_frame"] == "true"
        assert 20 <= int(r["split_reads"]) + int(r["spanning_pairs"]) <= 60
        assert int(r["split_reads"]) > 0 and int(r["spanning_pairs"]) > 0
    rrbp1 = _junction_kmer(cohort, genome, transcripts, rows[0])
    imt01 = sorted((cohort / "reads").glob("IMT01-R0.*.fastq.gz"))
    assert _count_kmer(imt01, [rrbp1]) >= 5
    nb01 = sorted((cohort / "reads").glob("NB01-R*.fastq.gz"))
    assert _count_kmer(nb01, [rrbp1]) == 0


def _gene_kmers(genome, t, k=25) -> set[str]:
    mrna = spliced(genome, t, t["exons"])
    return {mrna[i : i + k] for i in range(0, len(mrna) - k + 1)}


def _strand_counts(path: Path, sense: set[str], k=25) -> tuple[int, int, int]:
    """(reads, sense-strand hits, antisense hits) for reads in a FASTQ."""
    anti = {revcomp(s) for s in sense}
    n = s_hits = a_hits = 0
    for _, seq in fastq_reads(path):
        n += 1
        kms = [seq[i : i + k] for i in (0, 25, 50)]
        s_hits += any(km in sense for km in kms)
        a_hits += any(km in anti for km in kms)
    return n, s_hits, a_hits


def test_rna_is_reverse_stranded_and_ptch1_falls(cohort, genome, transcripts):
    sense = _gene_kmers(genome, transcripts["PTCH1"])
    frac = {}
    for sample in ("IMT01-R0", "IMT01-R1"):
        n, s_hits, a_hits = _strand_counts(cohort / "reads" / f"{sample}.L1.R1.fastq.gz", sense)
        assert a_hits > 20 * max(s_hits, 1)  # read 1 antisense (TruSeq stranded)
        frac[sample] = a_hits / n
    assert frac["IMT01-R1"] < 0.35 * frac["IMT01-R0"]  # true log2FC -2.2


def test_alk_3prime_imbalance_in_fusion_samples(cohort, genome, transcripts):
    t = transcripts["ALK"]
    exons = t["exons"]
    five = spliced(genome, t, exons[:19])
    three = spliced(genome, t, exons[19:])
    k5 = {five[i : i + 25] for i in range(len(five) - 24)}
    k3 = {three[i : i + 25] for i in range(len(three) - 24)}

    def ratio(sample):
        _, h5, _ = _strand_counts(cohort / "reads" / f"{sample}.L1.R2.fastq.gz", k5)
        _, h3, _ = _strand_counts(cohort / "reads" / f"{sample}.L1.R2.fastq.gz", k3)
        return (h3 / len(three)) / max(h5 / len(five), 1e-9)

    assert ratio("IMT01-R0") > 10
    assert 0.5 < ratio("NB01-R0") < 2


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
        by_var.setdefault((r["patient_id"], r["contig"], r["pos"], r["ref"], r["alt"]), []).append(r)
    for (patient, *_), rs in by_var.items():
        assert [r["sample_id"] for r in rs] == wes[patient]
        if rs[0]["origin"] == "somatic":
            assert float(rs[0]["true_vaf"]) == 0
    for patient in wes:
        germ = [k for k, rs in by_var.items() if k[0] == patient and rs[0]["origin"] == "germline"]
        som = [k for k, rs in by_var.items() if k[0] == patient and rs[0]["origin"] == "somatic"]
        assert 25 <= len(germ) <= 40 and len(som) >= 5
    germ_sets = [{k[1:] for k in by_var if k[0] == p and by_var[k][0]["origin"] == "germline"} for p in wes]
    assert germ_sets[0] != germ_sets[1] != germ_sets[2]
    l1196q = {r["sample_id"]: float(r["true_vaf"]) for r in rows if r["protein"] == "p.L1196Q"}
    assert l1196q == {"IMT01-N": 0, "IMT01-T0": 0, "IMT01-T1": 0, "IMT01-T2": 0.3}
    sub = [rs for rs in by_var.values() if rs[0]["patient_id"] == "IMT02" and [float(r["true_vaf"]) for r in rs] == [0, 0.12, 0.04, 0]]
    assert len(sub) == 1


def test_cnv_and_expression_truth(cohort):
    cnv = read_tsv(cohort / "truth" / "cnv.tsv")
    p2 = [r for r in cnv if r["sample_id"] == "NB01-P2"]
    assert {r["gene"] for r in p2} == {"CDK4", "FGFR1"}
    assert all(r["tumour_copy_number"] == "8" and abs(float(r["expected_log2"]) - 0.678) < 0.01 for r in p2)
    assert all(float(r["expected_log2"]) == 0 for r in cnv if r["sample_id"] != "NB01-P2")
    ex = read_tsv(cohort / "truth" / "expression.tsv")
    ptch1 = {(r["pre_sample"], r["post_sample"]): float(r["true_log2fc"]) for r in ex if r["gene"] == "PTCH1"}
    assert all(v <= -2 for (pre, _), v in ptch1.items() if pre.startswith("IMT"))
    assert ptch1[("NB01-R0", "NB01-R2")] == 0
    assert sum(float(r["true_log2fc"]) != 0 for r in ex) < 0.2 * len(ex)
    levels = read_tsv(cohort / "truth" / "expression_levels.tsv")
    means = [float(r["true_mean_count"]) for r in levels if r["true_mean_count"]]
    assert max(means) / min(means) > 1000
    totals = {}
    for r in levels:
        totals[r["sample_id"]] = totals.get(r["sample_id"], 0) + int(r["simulated_count"])
    pairs = {r["sample_id"]: int(r["read_pairs"]) for r in read_tsv(cohort / "truth" / "read_pairs.tsv")}
    assert all(totals[s] == pairs[s] and 25000 <= pairs[s] <= 36000 for s in totals)


def test_events_cover_the_case_reports(cohort):
    ev = {(r["sample_id"], r["alteration"]): r["expected"] for r in read_tsv(cohort / "truth" / "events.tsv")}
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
    assert total < 70e6


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
