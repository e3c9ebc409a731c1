"""Time scripts/genotype_timepoints.py against bcftools mpileup on the same sites and BAMs.

Usage:
  python bench/genotyper_vs_bcftools.py [--workdir DIR]
      [--bams A.bam B.bam ... --sites S.vcf.gz --fasta ref.fa] [--repeats 3] [--threads 1]

Without --bams a synthetic set is simulated into --workdir: one 100 kb contig, 4 BAMs of
paired 150 bp reads at ~200x (3% duplicate fragments, 2% MAPQ 0, ~3% bases below Q20,
no sequencing errors), 500 candidate sites (450 SNVs, 25 deletions, 25 insertions) at tumour VAFs.
Both tools run as subprocesses (the genotyper's time includes Python start-up and imports);
the median of --repeats runs is reported. bcftools runs three ways: the brief's command
(-R sites: index jumps per site), -T sites (one streaming pass; much faster on dense sites)
and -T with -B (no BAQ). Prints a header and one TSV line to stdout: seconds of each run,
genotyper / bcftools ratios, and snv_AD_equal = SNV site x BAM pairs with identical
(ref, alt) counts in the genotyper and in bcftools -B, a check that both counted the same reads.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from bisect import bisect_left
from pathlib import Path

import pysam

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"
CONTIG, LENGTH, READ_LEN = "chr1", 100_000, 150


def simulate(workdir, n_bams=4, depth=200, n_sites=500, seed=1):
    """Write ref.fa, sites.vcf.gz and n_bams BAMs; return (fasta, sites_vcf, bams)."""
    rng = random.Random(seed)
    ref = "".join(rng.choice("ACGT") for _ in range(LENGTH))
    fasta = workdir / "ref.fa"
    fasta.write_text(
        f">{CONTIG}\n" + "\n".join(ref[i : i + 60] for i in range(0, LENGTH, 60)) + "\n"
    )
    pysam.faidx(str(fasta))
    step = (LENGTH - 1000) // n_sites
    variants = []  # (pos0, ref, alt); every 20th site a deletion, every 20th+10 an insertion
    for k in range(n_sites):
        p = 500 + k * step + rng.randrange(-20, 20)
        if k % 20 == 0:
            n = rng.randint(1, 3)
            variants.append((p, ref[p : p + n + 1], ref[p]))
        elif k % 20 == 10:
            ins = "".join(rng.choice("ACGT") for _ in range(rng.randint(1, 3)))
            variants.append((p, ref[p], ref[p] + ins))
        else:
            variants.append((p, ref[p], rng.choice([b for b in "ACGT" if b != ref[p]])))
    vcf = workdir / "sites.vcf"
    with open(vcf, "w") as f:
        f.write(
            f"##fileformat=VCFv4.2\n##contig=<ID={CONTIG},length={LENGTH}>\n"
            "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
        )
        for p, r, a in variants:
            f.write(f"{CONTIG}\t{p + 1}\t.\t{r}\t{a}\t.\t.\t.\n")
    # left-align like bcftools norm so both tools see normalised candidates
    subprocess.run(
        ["bcftools", "norm", "-f", str(fasta), "-Oz", "-o", str(vcf) + ".gz", str(vcf)],
        check=True,
        capture_output=True,
    )
    pysam.tabix_index(str(vcf) + ".gz", preset="vcf", force=True)
    quals = []
    for _ in range(64):  # pool of quality strings: ~3% bases below Q20
        quals.append(
            pysam.qualitystring_to_array(
                "".join(
                    chr(33 + (rng.randint(2, 19) if rng.random() < 0.03 else rng.randint(25, 40)))
                    for _ in range(READ_LEN)
                )
            )
        )
    bams = []
    for b in range(n_bams):
        vafs = [rng.choice([0.0, 0.0, 0.01, 0.05, 0.2, 0.5]) for _ in variants]
        bams.append(write_sim_bam(workdir / f"s{b}.bam", ref, variants, vafs, depth, quals, rng))
    return str(fasta), str(vcf) + ".gz", bams


def fragment_reads(ref, start, end, carried):
    """((seq, cigar, ref_start) of read 1 from ``start``, same of read 2 ending at ``end``)
    for a fragment carrying the ``carried`` variants (sorted (pos0, ref, alt))."""
    if not carried:
        return (
            (ref[start : start + READ_LEN], [(0, READ_LEN)], start),
            (ref[end - READ_LEN : end], [(0, READ_LEN)], end - READ_LEN),
        )
    elems, r = [], start  # one (op, base, ref pos) per aligned element
    for p, rr, aa in carried:
        elems += [(0, ref[x], x) for x in range(r, p)]
        if len(rr) == len(aa):
            elems += [(0, c, p + i) for i, c in enumerate(aa)]
        else:
            elems.append((0, rr[0], p))
            elems += [(2, "", p + 1 + i) for i in range(len(rr) - 1)]
            elems += [(1, c, None) for c in aa[1:]]
        r = p + len(rr)
    elems += [(0, ref[x], x) for x in range(r, end)]

    def take(es):  # first READ_LEN query bases, trimmed to start/end on a match
        out, q = [], 0
        for e in es:
            if q == READ_LEN:
                break
            out.append(e)
            q += e[0] != 2
        while out[-1][0] != 0:
            out.pop()
        return out

    def encode(es):
        while es[0][0] != 0:
            es = es[1:]
        cig = []
        for op, _, _ in es:
            if cig and cig[-1][0] == op:
                cig[-1][1] += 1
            else:
                cig.append([op, 1])
        return "".join(c for _, c, _ in es), [tuple(c) for c in cig], es[0][2]

    return encode(take(elems)), encode(take(elems[::-1])[::-1])


def write_sim_bam(path, ref, variants, vafs, depth, quals, rng):
    """Paired fragments uniformly over the contig, each carrying each variant with its VAF."""
    header = {"HD": {"VN": "1.6", "SO": "unsorted"}, "SQ": [{"SN": CONTIG, "LN": LENGTH}]}
    unsorted = str(path) + ".unsorted.bam"
    starts = [v[0] for v in variants]
    n_frag = LENGTH * depth // (2 * READ_LEN)
    with pysam.AlignmentFile(unsorted, "wb", header=header) as out:
        for i in range(n_frag):
            s = rng.randrange(0, LENGTH - 450)
            e = s + rng.randint(250, 400)
            lo, hi = bisect_left(starts, s + 1), bisect_left(starts, e - 5)
            carried = [variants[k] for k in range(lo, hi) if rng.random() < vafs[k]]
            (seq1, cig1, s1), (seq2, cig2, s2) = fragment_reads(ref, s, e, carried)
            dup = 0x400 if rng.random() < 0.03 else 0
            mapq = 0 if rng.random() < 0.02 else 60
            for seq, cig, st, flag in (
                (seq1, cig1, s1, 0x1 | 0x2 | 0x20 | 0x40),
                (seq2, cig2, s2, 0x1 | 0x2 | 0x10 | 0x80),
            ):
                a = pysam.AlignedSegment(out.header)
                a.query_name, a.flag, a.reference_id = f"f{i}", flag | dup, 0
                a.reference_start, a.mapping_quality, a.cigartuples = st, mapq, cig
                a.query_sequence = seq
                a.query_qualities = rng.choice(quals)[: len(seq)]
                a.next_reference_id, a.next_reference_start = 0, s2 if flag & 0x40 else s1
                out.write(a)
    pysam.sort("-o", str(path), unsorted)
    pysam.index(str(path))
    Path(unsorted).unlink()
    return str(path)


def timed(cmd):
    # scripts/ first on the import path of the genotyper's Python (bcftools ignores it)
    path = os.pathsep.join(filter(None, [str(SCRIPTS), os.environ.get("PYTHONPATH")]))
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env=dict(os.environ, PYTHONPATH=path))
    return time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workdir")
    ap.add_argument("--bams", nargs="+")
    ap.add_argument("--sites", help="bgzipped, indexed candidates VCF")
    ap.add_argument("--fasta")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="gtbench."))
    workdir.mkdir(parents=True, exist_ok=True)
    if args.bams:
        fasta, sites, bams = args.fasta, args.sites, args.bams
    else:
        t0 = time.perf_counter()
        fasta, sites, bams = simulate(workdir)
        print(f"simulated in {time.perf_counter() - t0:.1f} s: {workdir}", file=sys.stderr)
    regions = workdir / "sites.tsv"
    with pysam.VariantFile(sites) as v, open(regions, "w") as f:
        n_sites = sum(f.write(f"{r.chrom}\t{r.pos}\n") > 0 for r in v)
    samples = [{"sample_id": f"s{i}", "material": "tumor", "day": i} for i in range(len(bams))]
    out_vcf = str(workdir / "genotyped.vcf.gz")
    kwargs = dict(
        candidates=sites,
        bams=bams,
        fasta=fasta,
        samples=samples,
        out_vcf=out_vcf,
        threads=args.threads,
    )
    call = (  # the genotyper with the schema's default thresholds, as the rule runs it
        "from resistance_timeline.dna.genotyper import genotype_timepoints as g; "
        "from resistance_timeline.setup.config import schema_defaults as d; "
        f"g(thresholds=d('genotyping'), **{json.dumps(kwargs)})"
    )
    ours = [sys.executable, "-c", call]
    bcf_out = str(workdir / "mpileup.bcf")
    base = ["bcftools", "mpileup", "-f", fasta, "-a", "AD,ADF,ADR"]
    base += ["-q", "20", "-Q", "20", "-d", "100000"]
    out = ["-Ob", "-o", bcf_out, *bams]
    runs = {  # -R (the brief's command) jumps through the index per site; -T streams
        "genotyper": ours,
        "bcftools_R": base + ["-R", str(regions)] + out,
        "bcftools_T": base + ["-T", str(regions)] + out,
        "bcftools_T_noBAQ": base + ["-B", "-T", str(regions)] + out,
    }
    times = {k: [] for k in runs}
    for _ in range(args.repeats):  # interleaved, so load from other jobs hits all alike
        for k, cmd in runs.items():
            times[k].append(timed(cmd))
    secs = {k: statistics.median(v) for k, v in times.items()}
    same, total = snv_agreement(out_vcf, bcf_out, [s["sample_id"] for s in samples])
    cols = [
        "n_bams",
        "n_sites",
        *(f"{k}_s" for k in secs),
        "ratio_vs_R",
        "ratio_vs_T",
        "ratio_vs_T_noBAQ",
        "snv_AD_equal",
    ]
    vals = [len(bams), n_sites, *(f"{v:.2f}" for v in secs.values())]
    vals += [f"{secs['genotyper'] / secs[k]:.2f}" for k in list(secs)[1:]]
    vals.append(f"{same}/{total}")
    print("\t".join(cols))
    print("\t".join(map(str, vals)))


def snv_agreement(ours_vcf, bcf_path, sample_ids):
    """(equal, compared): SNV site x sample pairs where both tools report the same AD.
    The last bcftools run (-B, no BAQ) is compared, so base qualities are the same."""
    mine = {}
    with pysam.VariantFile(ours_vcf) as v:
        for r in v:
            if len(r.ref) == len(r.alts[0]) == 1:
                mine[(r.pos, r.alts[0])] = [tuple(r.samples[s]["AD"]) for s in sample_ids]
    same = total = 0
    with pysam.VariantFile(bcf_path) as v:
        for r in v:
            if r.info.get("INDEL"):
                continue
            for k, alt in enumerate(r.alts or ()):
                if (r.pos, alt) in mine:
                    for i, smp in enumerate(r.samples.values()):
                        total += 1
                        same += mine[(r.pos, alt)][i] == (smp["AD"][0], smp["AD"][k + 1])
    return same, total


if __name__ == "__main__":
    main()
