"""Tests of the demo cohort's reads (resources/demo/cohort/reads): files and mates, allele
fractions counted in the reads, fusion junction reads, strandedness, ALK 3'/5' imbalance, and
the depth and allele balance of IMT01's one-copy loss with LOH.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from helpers import REPO, read_tsv, revcomp, spliced


def fastq_reads(path: Path):
    """(name, sequence) of every record of a gzipped FASTQ."""
    with gzip.open(path, "rt") as fh:
        while True:
            head = fh.readline()
            if not head:
                return
            seq = fh.readline().strip()
            fh.readline()
            fh.readline()
            yield head.split()[0], seq


def test_read_files_are_exactly_the_units(cohort):
    units = read_tsv(REPO / "config" / "demo" / "units.tsv")
    expected = {Path(u[k]).name for u in units for k in ("fq1", "fq2")}
    assert {p.name for p in (cohort / "reads").iterdir()} == expected
    for u in units:
        for k in ("fq1", "fq2"):
            assert (REPO / "config" / "demo" / u[k]).resolve() == (
                cohort / "reads" / Path(u[k]).name
            ).resolve()


def test_mates_pair_up(cohort):
    pairs = {
        (r["sample_id"], r["unit_id"]): int(r["read_pairs"])
        for r in read_tsv(cohort / "truth" / "read_pairs.tsv")
    }
    for (sample, unit), n in pairs.items():
        r1 = [name for name, _ in fastq_reads(cohort / "reads" / f"{sample}.{unit}.R1.fastq.gz")]
        r2 = [name for name, _ in fastq_reads(cohort / "reads" / f"{sample}.{unit}.R2.fastq.gz")]
        assert r1 == r2 and len(r1) == n and len(set(r1)) == n
    # two-lane samples are split roughly in half
    for sample in ("IMT01-T2", "NB01-P2"):
        assert 0.45 < pairs[(sample, "L1")] / (pairs[(sample, "L1")] + pairs[(sample, "L2")]) < 0.55


def _snv_kmers(genome, contig, pos, ref, alt, k=31) -> dict[str, str]:
    """The ref / alt k-mer centred on an SNV, both orientations: {k-mer: 'ref' | 'alt'}."""
    g = genome[contig]
    left, right = g[pos - 1 - k // 2 : pos - 1], g[pos : pos + k // 2]
    kmers = {left + ref + right: "ref", left + alt + right: "alt"}
    kmers.update({revcomp(s): v for s, v in list(kmers.items())})
    return kmers


def _allele_counts(cohort, genome, sample, contig, pos, ref, alt, k=31):
    """Reads containing the ref / alt k-mer centred on an SNV (either orientation), all lanes."""
    return _allele_counts_many(cohort, genome, sample, [(contig, pos, ref, alt)], k)[0]


def _allele_counts_many(cohort, genome, sample, snvs, k=31) -> list[dict[str, int]]:
    """_allele_counts of several (contig, pos, ref, alt) SNVs in one pass over the reads."""
    kmers = [_snv_kmers(genome, *snv, k=k) for snv in snvs]
    counts = [{"ref": 0, "alt": 0} for _ in snvs]
    for path in sorted((cohort / "reads").glob(f"{sample}.*.fastq.gz")):
        for _, seq in fastq_reads(path):
            for c, kms in zip(counts, kmers):
                for km, allele in kms.items():
                    if km in seq:
                        c[allele] += 1
    return counts


def _truth_row(cohort, sample, protein):
    return next(
        r
        for r in read_tsv(cohort / "truth" / "variants.tsv")
        if r["sample_id"] == sample and r["protein"] == protein
    )


@pytest.mark.parametrize(
    "sample,protein,tol",
    [("IMT01-T2", "p.L1196Q", 0.07), ("NB01-P2", "p.Q61K", 0.03), ("NB01-T0", "p.F1174L", 0.07)],
)
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


def test_clonal_haematopoiesis_in_the_blood_not_the_biopsy(cohort, genome):
    """NB01's CH clones (cohort_sim/ch.py), counted in the reads: DNMT3A p.R882H in the blood
    normal and every plasma sample at its true VAF, no alt read in the biopsy; PPM1D p.Q524*
    in the relapse plasma only, no alt read in the normal."""
    rows = [
        r
        for r in read_tsv(cohort / "truth" / "variants.tsv")
        if r["protein"] in ("p.R882H", "p.Q524*")
    ]
    assert {r["origin"] for r in rows} == {"clonal_hematopoiesis", "possible_clonal_hematopoiesis"}
    assert len(rows) == 10 and {r["patient_id"] for r in rows} == {"NB01"}
    for sample in sorted({r["sample_id"] for r in rows}):
        mine = [r for r in rows if r["sample_id"] == sample]
        snvs = [(r["contig"], int(r["pos"]), r["ref"], r["alt"]) for r in mine]
        for r, c in zip(mine, _allele_counts_many(cohort, genome, sample, snvs)):
            assert c["ref"] + c["alt"] > 60, (sample, r["protein"])
            if float(r["true_vaf"]) == 0:
                assert c["alt"] == 0, (sample, r["protein"])
            else:  # reads, not fragments: a carrier's duplicates and overlapping mates add
                vaf = c["alt"] / (c["ref"] + c["alt"])
                assert c["alt"] >= 2 and abs(vaf - float(r["true_vaf"])) < 0.03, (sample, c)
    dnmt3a = {r["sample_id"]: float(r["true_vaf"]) for r in rows if r["protein"] == "p.R882H"}
    assert dnmt3a["NB01-N"] >= 0.02 and dnmt3a["NB01-T0"] == 0


def _junction_kmer(cohort, genome, transcripts, fusion_row, flank=15):
    """Last `flank` bases of the 5' exon + first `flank` of ALK exon 20, transcript orientation."""
    (c5, p5), (c3, p3) = [
        (x.split(":")[0], int(x.split(":")[1]))
        for x in (fusion_row["breakpoint5"], fusion_row["breakpoint3"])
    ]
    s5, s3 = transcripts[fusion_row["gene5"]]["strand"], transcripts["ALK"]["strand"]
    left = (
        genome[c5][p5 - flank : p5] if s5 == "+" else revcomp(genome[c5][p5 - 1 : p5 - 1 + flank])
    )
    right = (
        genome[c3][p3 - 1 : p3 - 1 + flank] if s3 == "+" else revcomp(genome[c3][p3 - flank : p3])
    )
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


# --- IMT01: one-copy loss with LOH of BG11-BG14 (chr3) in T1 and T2 --------------------------

LOST, CONTROLS = {"BG11", "BG12", "BG13", "BG14"}, {"BG15", "BG16", "BG17"}  # chr3; chr4 neutral


def _target_reads(cohort, genome, sample, k=25) -> dict[str, int]:
    """Reads per gene with a k-mer (at read offset 0, 25, 50 or 75) inside one of its capture
    targets; all lanes, both mates."""
    index = {}
    for ln in open(cohort / "reference" / "targets.bed"):
        contig, a, b, gene = ln.split()
        t = genome[contig][int(a) : int(b)]
        for i in range(len(t) - k + 1):
            index[t[i : i + k]] = index[revcomp(t[i : i + k])] = gene
    counts: dict[str, int] = {}
    for path in sorted((cohort / "reads").glob(f"{sample}.*.fastq.gz")):
        for _, seq in fastq_reads(path):
            gene = next((index[km] for i in (0, 25, 50, 75) if (km := seq[i : i + k]) in index), 0)
            if gene:
                counts[gene] = counts.get(gene, 0) + 1
    return counts


def test_copy_loss_depth_in_reads(cohort, genome):
    """Reads over the BG11-BG14 targets, as a share of those over all other targets (the same
    baits in every sample, so bait efficiency and library size cancel), fall to the expected
    copy ratio 0.7 in IMT01-T2 vs IMT01-T0, and not in T0 vs the normal; chr4's background
    genes stay at 1. The lost genes hold ~1,500 (T2) to ~2,200 (T0) reads, ~1,000 fragments
    (mates are counted twice), so a ratio has a Poisson error of ~5%: 0.6-0.8 and 0.85-1.15 are
    about 3 sigma wide."""
    c = {s: _target_reads(cohort, genome, s) for s in ("IMT01-N", "IMT01-T0", "IMT01-T2")}

    def share(sample, genes):
        x = c[sample]
        n = sum(x.get(g, 0) for g in genes)
        assert n > 1000, (sample, genes, n)
        return n / (sum(x.values()) - sum(x.get(g, 0) for g in LOST | CONTROLS))

    cnv = read_tsv(cohort / "truth" / "cnv.tsv")
    expected = {r["sample_id"]: float(r["expected_copy_ratio"]) for r in cnv if r["gene"] == "BG12"}
    assert expected["IMT01-T2"] == 0.7 and expected["IMT01-T0"] == 1.0
    lost = {s: share(s, LOST) for s in c}
    control = {s: share(s, CONTROLS) for s in c}
    assert 0.6 < lost["IMT01-T2"] / lost["IMT01-T0"] < 0.8, lost
    assert 0.85 < lost["IMT01-T0"] / lost["IMT01-N"] < 1.15, lost
    assert 0.85 < control["IMT01-T2"] / control["IMT01-T0"] < 1.15, control


def test_copy_loss_allele_balance_in_reads(cohort, genome):
    """Germline het SNPs in BG11-BG14 are at 0.5 in IMT01-T0 and LOH-imbalanced in IMT01-T2:
    truth 0.714 (haplotype 0 kept) or 0.286 (on the lost haplotype 1)."""
    rows = read_tsv(cohort / "truth" / "variants.tsv")
    het = [
        (r["contig"], int(r["pos"]), r["ref"], r["alt"])
        for r in rows
        if r["sample_id"] == "IMT01-N"
        and r["gene"] in LOST
        and r["origin"] == "germline"
        and float(r["true_vaf"]) == 0.5
    ]
    truth = {
        (r["contig"], int(r["pos"]), r["ref"], r["alt"]): float(r["true_vaf"])
        for r in rows
        if r["sample_id"] == "IMT01-T2"
    }
    assert len(het) >= 4
    assert {truth[v] for v in het} == {0.7143, 0.2857}  # both haplotypes
    counts = {s: _allele_counts_many(cohort, genome, s, het) for s in ("IMT01-T0", "IMT01-T2")}
    # SNPs near a target's edge are shallow: judge the ones both samples cover with > 40 reads
    deep = [
        i for i in range(len(het)) if all(c[i]["ref"] + c[i]["alt"] > 40 for c in counts.values())
    ]
    assert len(deep) >= 8, counts
    baf = {s: [c[i]["alt"] / (c[i]["ref"] + c[i]["alt"]) for i in deep] for s, c in counts.items()}
    dev = {s: sum(abs(x - 0.5) for x in b) / len(b) for s, b in baf.items()}
    assert dev["IMT01-T2"] >= 0.12 and dev["IMT01-T0"] < 0.07, (dev, baf)
    assert all((x > 0.5) == (truth[het[i]] > 0.5) for i, x in zip(deep, baf["IMT01-T2"])), baf
