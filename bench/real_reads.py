"""Reads of the real-depth cohort (bench/real_cohort.py): haplotype FASTAs, art_illumina runs
mixed in proportion, FASTQ pairs.

A sample is a mixture of haplotype components: germline hapA (A0) and hapB (B) of normal and
tumour cells, and hapA with the truncal variants (AC0), with those and a diagnosis subclone's
(AC1) or a relapse subclone's (AC2) in tumour cells; each weighted by its copies per cell in
the sample (purity, cancer cell fractions, the copy number of the segment). ART simulates each
component of each segment class on its own FASTA (the capture regions joined by runs of N,
which ART masks, so no fragment spans two regions) at the component's share of the depth;
off-target pairs come from the whole chromosome (hapA, hapB) the same way. Measured on ART
2.5.8: its `-f` is the read-base depth where whole fragments fit, and it makes
sum(piece length - mean fragment) x f / (2 x read length) pairs (pieces: runs of non-N)."""

import subprocess
from pathlib import Path

import numpy as np

SPACER, OFF_TARGET = 1000, 0.25  # N between joined pieces; off-target share of the pairs
COMPONENTS = {"A0": (), "B": (), "AC0": ("C0",), "AC1": ("C0", "C1"), "AC2": ("C0", "C2")}
CLASSES = ("neutral", "amp", "loss")
CCF = {"RD01-T0": (0.5, 0), "RD01-P1": (0.3, 0.1), "RD01-P2": (0, 0.8), "RD01-T2": (0, 1)}
AMP_SAMPLES = ("RD01-P2", "RD01-T2")  # AURKA amplified in every tumour cell
COMPLEMENT = bytes.maketrans(b"ACGTN", b"TGCAN")


def revcomp(seq):
    """Reverse complement of a uint8 DNA array."""
    return np.frombuffer(seq.tobytes().translate(COMPLEMENT)[::-1], np.uint8)


def copies(sample, cls):
    """Tumour cells' (hapA, hapB) copies of a segment class in a sample."""
    return (1, 0) if cls == "loss" else (5, 1) if cls == "amp" and sample in AMP_SAMPLES else (1, 1)


def weights(sample, purity, cls):
    """Copies of each haplotype component per cell, averaged over the sample's cells."""
    (f1, f2), (ca, cb), p = CCF.get(sample, (0, 0)), copies(sample, cls), purity
    ac = {"AC0": 1 - f1 - f2, "AC1": f1, "AC2": f2}
    return {"A0": 1 - p, "B": 1 - p + p * cb} | {k: p * ca * f for k, f in ac.items()}


def expected_vaf(sample, purity, clone, cls):
    """VAF of a hapA variant of `clone` in a segment class of a sample."""
    w = weights(sample, purity, cls)
    return sum(v for k, v in w.items() if k[:2] == "AC" and clone in COMPONENTS[k]) / sum(
        w.values()
    )


def write_fasta(path, name, seq):
    """One-sequence FASTA, 60 bases a line; returns (non-N bases, runs of non-N bases)."""
    b, real = seq.tobytes(), seq != ord("N")
    body = b"\n".join(b[i : i + 60] for i in range(0, len(b), 60))
    Path(path).write_bytes(b">" + name.encode() + b"\n" + body + b"\n")
    return int(real.sum()), int(real[0]) + int(np.count_nonzero(real[1:] & ~real[:-1]))


def joined(pieces):
    """Sequences joined by SPACER Ns: ART masks N windows, so no fragment spans two pieces."""
    gap = np.full(SPACER, ord("N"), np.uint8)
    return np.concatenate([x for piece in pieces for x in (piece, gap)][:-1])


def apply(seq, a, variants):
    """A copy of seq (the genome from position a) with variants (pos0, ref, alt) applied."""
    s = seq.tobytes()
    for p, ref, alt in sorted(variants, reverse=True):
        s = s[: p - a] + alt.encode() + s[p - a + len(ref) :]
    return np.frombuffer(s, np.uint8)


def haplotype_files(artdir, seq, regions, segments, snps, variants):
    """ART's inputs, written once: per component and segment class its capture regions joined
    ("on"); per haplotype and class the chromosome ("off"). {key: (path, non-N bases, runs)}"""
    chrom, files = {"A": seq.copy(), "B": seq.copy()}, {}
    for h, gts in (("A", ("1|0", "1|1")), ("B", ("0|1", "1|1"))):
        sel = snps[snps["genotype"].isin(gts)]
        chrom[h][sel["pos0"].to_numpy()] = np.frombuffer("".join(sel["alt"]).encode(), np.uint8)
    for comp, clones in COMPONENTS.items():
        mine = variants[variants["clone"].isin(clones)][["pos0", "ref", "alt"]].values.tolist()
        for cls in CLASSES:
            pieces = [
                apply(chrom[comp[0]][a:b], a, [v for v in mine if a <= v[0] < b])
                for a, b, c in regions
                if c == cls
            ]
            path = artdir / f"{comp}.{cls}.fa"
            files["on", comp, cls] = (path, *write_fasta(path, path.stem, joined(pieces)))
    for h in "AB":
        rest = chrom[h].copy()
        for cls, (a, b) in segments.items():
            rest[a:b] = ord("N")
            path = artdir / f"off{h}.{cls}.fa"
            files["off", h, cls] = (path, *write_fasta(path, path.stem, chrom[h][a:b]))
        path = artdir / f"off{h}.neutral.fa"
        files["off", h, "neutral"] = (path, *write_fasta(path, path.stem, rest))
    return files


def wes_jobs(spec, files, scale):
    """ART jobs of one WES sample (fasta, read length, fragment, fold coverage, SAM wanted)
    and its expected on- and off-target pairs. Measured: ART's -f is the read-base depth where
    whole fragments fit; it makes sum(piece length - mean fragment) x f / (2 x read length)
    pairs."""
    sample, _, _, _, _, purity, depth, rl, frag = spec

    def pairs(key, fcov):
        return (files[key][1] - files[key][2] * frag[0]) * fcov / (2 * rl)

    jobs, on = [], 0.0
    for cls in CLASSES:
        for comp, w in weights(sample, purity, cls).items():
            if w > 0:
                jobs.append((files["on", comp, cls][0], rl, frag, depth * scale * w / 2, False))
                on += pairs(("on", comp, cls), depth * scale * w / 2)
    off = on * OFF_TARGET / (1 - OFF_TARGET)
    per_x = sum(pairs(("off", "A", cls), 1.0) for cls in CLASSES)
    for cls in CLASSES:
        for h, c in zip("AB", copies(sample, cls)):
            fcov = off / per_x * (1 - purity + purity * c) / 2
            jobs.append((files["off", h, cls][0], rl, frag, fcov, False))
    return jobs, on, off


def rna_jobs(spec, genes, seq, table, artdir, scale):
    """ART jobs of one RNA sample: its genes binned by level, each bin's transcripts joined."""
    sample, *_, pairs, rl, frag = spec
    level = table.set_index("gene")["log2_" + sample.split("-")[-1]]
    level = level[np.isfinite(level)]
    txs = {
        n: np.concatenate([seq[a:b] if g.strand == "+" else revcomp(seq[a:b]) for a, b in g.exons])
        for n, g in ((n, genes[n]) for n in level.index)
    }
    fits = sum(max(len(txs[n]) - frag[0], 0) * 2.0 ** level[n] for n in level.index)
    jobs = []
    for i, (q, names) in enumerate(level.groupby(level).groups.items()):
        path = artdir / f"{sample}.rna{i}.fa"
        write_fasta(path, path.stem, joined([txs[n] for n in names]))
        jobs.append((path, rl, frag, 2.0**q * 2 * rl * pairs * scale / fits, True))
    return jobs


def art(job, prefix, seed):
    """One art_illumina run, paired, HS25 profile; returns its output prefix."""
    fasta, rl, (mean, sd), fcov, sam = job
    cmd = ["art_illumina", "-ss", "HS25", "-p", "-q", "-l", rl, "-m", mean, "-s", sd, "-f"]
    cmd += [f"{fcov:.6g}", "-rs", seed, "-i", fasta, "-o", prefix, "-sam" if sam else "-na"]
    subprocess.run([str(c) for c in cmd], check=True, capture_output=True)
    return prefix


def collect(prefixes, sample, fastqs, rng, stranded, duplicates=0.0):
    """ART's pairs of one sample shuffled, named `sample:n/1|2`, bgzipped; with `stranded`,
    mates swapped where read 1 is sense (ART's SAM), so read 1 is antisense (TruSeq). A
    fraction ``duplicates`` of the written pairs are PCR duplicates: exact copies of random
    pairs under names of their own (ART makes none; markdup and every reader downstream see
    them as in real libraries)."""
    r1, r2 = [], []
    for prefix in prefixes:
        sense = set()
        for line in open(f"{prefix}.sam", "rb") if stranded else ():
            fields = line.split(b"\t", 2)
            if line[:1] != b"@" and int(fields[1]) & 80 == 64:  # read 1, forward
                sense.add(fields[0])
        a = Path(f"{prefix}1.fq").read_bytes().split(b"\n")
        b = Path(f"{prefix}2.fq").read_bytes().split(b"\n")
        for i in range(0, len(a) - 3, 4):
            one, two = a[i + 1] + b"\n+\n" + a[i + 3], b[i + 1] + b"\n+\n" + b[i + 3]
            swap = a[i][1:-2] in sense
            r1.append(two if swap else one)
            r2.append(one if swap else two)
    copies = rng.choice(len(r1), size=round(len(r1) * duplicates / (1 - duplicates)))
    order = rng.permutation(np.concatenate([np.arange(len(r1)), copies]))
    for reads, mate, path in ((r1, 1, fastqs[0]), (r2, 2, fastqs[1])):
        with open(path, "wb") as out:
            gz = subprocess.Popen(["bgzip", "-@2", "-l1", "-c"], stdin=subprocess.PIPE, stdout=out)
            for s in range(0, len(order), 100_000):
                chunk = enumerate(order[s : s + 100_000], s + 1)
                gz.stdin.write(
                    b"".join(
                        b"@%s:%d/%d\n%s\n" % (sample.encode(), j, mate, reads[i]) for j, i in chunk
                    )
                )
            gz.stdin.close()
            if gz.wait():
                raise RuntimeError(f"bgzip failed on {path}")
    return len(order)
