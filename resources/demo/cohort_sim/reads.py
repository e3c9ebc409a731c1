"""Read simulation: fragments -> read pairs with Illumina-like qualities and errors -> gzipped
FASTQ.

A fragment is (template, start, length); variants are applied per fragment by a Bernoulli
draw with the true VAF (DNA) or allele fraction (RNA), duplicates copy a fragment and its
alleles but are re-sequenced with independent errors.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .genome import COMP

ADAPTER_R1 = np.frombuffer(
    b"AGATCGGAAGAGCACACGTCTGAACTCCAGTCACACGTACGTATCTCGTATGCCGTCTTCTGCTTG", np.uint8
)
ADAPTER_R2 = np.frombuffer(
    b"AGATCGGAAGAGCGTCGTGTAGGGAAAGAGTGTACGTACGTGTGTAGATCTCGGTGGTCGCCGTATCATT", np.uint8
)
BASE_INDEX = np.zeros(256, dtype=np.uint8)
BASE_INDEX[np.frombuffer(b"ACGT", np.uint8)] = [0, 1, 2, 3]
BASES = np.frombuffer(b"ACGT", np.uint8)
QUAL_ERROR = np.zeros(64, dtype=np.float32)
for _q in (2, 12, 23, 37):
    QUAL_ERROR[_q] = 10 ** (-_q / 10)
READS_PER_TILE = 60000
CENTRE_JITTER = 90  # DNA fragment centre within its target +/- this


@dataclass
class TemplateVariant:
    """Replace template[tpos : tpos + len(ref)] by alt (insertion: ref empty, inserted before
    tpos)."""

    tpos: int
    ref: bytes
    alt: bytes
    af: float  # probability a fragment covering it carries the alt allele
    key: int  # index into the design's variant list (for bookkeeping)
    # which cfDNA fragments may carry it: any, tumour (somatic: tumour-derived fragments
    # only) or blood (clonal haematopoiesis: blood-derived only)
    source: str = "any"

    @property
    def is_snv(self) -> bool:
        return len(self.ref) == len(self.alt) == 1


def _may_carry(v: TemplateVariant, n: int, tumour) -> np.ndarray:
    """Which of n fragments may carry v: in plasma (``tumour``: each fragment's origin) a
    somatic allele only tumour-derived ones, a CH allele only blood-derived ones; any
    fragment otherwise."""
    if tumour is None or v.source == "any":
        return np.ones(n, dtype=bool)
    return tumour if v.source == "tumour" else ~tumour


def draw_carriers(rng, starts, lengths, tvars: list[TemplateVariant]) -> np.ndarray:
    """Bool matrix (fragment x variant): does the fragment carry the alt allele."""
    out = np.zeros((len(starts), len(tvars)), dtype=bool)
    for k, v in enumerate(tvars):
        covers = (starts <= v.tpos) & (starts + lengths > v.tpos + max(len(v.ref), 1) - 1)
        idx = np.nonzero(covers)[0]
        if len(idx) and v.af > 0:
            out[idx, k] = rng.random(len(idx)) < v.af
    return out


def trim_tumour_fragments(rng, starts, lengths, carriers, tvars: list[TemplateVariant], share):
    """Plasma: which fragments are tumour-derived, and their shorter spans. A fragment carrying
    a somatic allele (``source`` tumour) is tumour-derived, any other with the tumour share of
    the DNA where it lies (``share``); a tumour-derived fragment takes a length drawn from
    CFDNA_LENGTH['tumour'] (kept where that is not shorter) and a span inside its former one
    that still holds every allele it carries (kept whole where none fits). Its alleles, and so
    every count drawn before, stay as they were. Returns (starts, lengths, tumour)."""
    n = len(starts)
    tumour = rng.random(n) < share
    somatic = [k for k, v in enumerate(tvars) if v.source == "tumour"]
    if somatic:
        tumour |= carriers[:, somatic].any(axis=1)
    want = np.minimum(fragment_lengths(rng, n, "cfdna", "tumour"), lengths)
    first, last = np.full(n, np.iinfo(np.int64).max), np.full(n, -1)
    for k, v in enumerate(tvars):  # the span of the alleles each fragment carries
        rows = carriers[:, k]
        first[rows] = np.minimum(first[rows], v.tpos)
        last[rows] = np.maximum(last[rows], v.tpos + max(len(v.ref), 1) - 1)
    carries = last >= 0
    lo = np.where(carries, np.maximum(starts, last - want + 1), starts)
    hi = np.where(carries, np.minimum(starts + lengths - want, first), starts + lengths - want)
    fits = tumour & (lo <= hi)
    offset = (rng.random(n) * (hi - lo + 1)).astype(np.int64)
    return np.where(fits, lo + offset, starts), np.where(fits, want, lengths), tumour


def fixed_carriers(rng, starts, lengths, tvars: list[TemplateVariant], read_len: int, tumour=None):
    """Bool matrix (fragment x variant) with exactly ceil(af x n) carriers per variant, n the
    fragments whose read 1 or read 2 covers it (low_vaf's fixed-count alleles), chosen among
    the fragments that may carry it (_may_carry; at most all of them)."""
    out = np.zeros((len(starts), len(tvars)), dtype=bool)
    for k, v in enumerate(tvars):
        ends = starts + lengths - 1
        covers = (starts <= v.tpos) & (ends >= v.tpos)
        covers &= (v.tpos - starts < read_len) | (ends - v.tpos < read_len)
        n = int(np.ceil(v.af * covers.sum() - 1e-9))
        idx = np.nonzero(covers & _may_carry(v, len(starts), tumour))[0]
        if n and len(idx):
            out[rng.choice(idx, min(n, len(idx)), replace=False), k] = True
    return out


def fragment_reads(template: np.ndarray, starts, lengths, carriers, tvars, read_len: int):
    """(forward, reverse) read matrices: forward reads the fragment 5'->3' from its start,
    reverse is the reverse complement read from its end; adapter fills reads past short inserts."""
    j = np.arange(read_len)
    tmax = len(template) - 1
    fwd = template[np.minimum(starts[:, None] + j, tmax)]
    rev = COMP[template[np.clip((starts + lengths - 1)[:, None] - j, 0, tmax)]]
    for k, v in enumerate(tvars):
        if not v.is_snv:
            continue
        rows = np.nonzero(carriers[:, k])[0]
        lim = np.minimum(lengths[rows], read_len)
        c1 = v.tpos - starts[rows]
        ok = (c1 >= 0) & (c1 < lim)
        fwd[rows[ok], c1[ok]] = v.alt[0]
        c2 = starts[rows] + lengths[rows] - 1 - v.tpos
        ok = (c2 >= 0) & (c2 < lim)
        rev[rows[ok], c2[ok]] = COMP[v.alt[0]]
    indel = [k for k, v in enumerate(tvars) if not v.is_snv]
    if indel:
        for r in np.nonzero(carriers[:, indel].any(axis=1))[0]:
            s, f = int(starts[r]), int(lengths[r])
            seg = bytearray(template[s : s + f + 30].tobytes())
            for k in sorted(np.nonzero(carriers[r])[0], key=lambda k: -tvars[k].tpos):
                v = tvars[k]
                seg[v.tpos - s : v.tpos - s + len(v.ref)] = v.alt
            arr = np.frombuffer(bytes(seg[:f]), np.uint8)
            n = min(f, read_len)
            fwd[r, :n] = arr[:n]
            rev[r, :n] = COMP[arr[::-1]][:n]
    for r in np.nonzero(lengths < read_len)[0]:
        f = int(lengths[r])
        fwd[r, f:] = ADAPTER_R1[: read_len - f]
        rev[r, f:] = ADAPTER_R2[: read_len - f]
    return fwd, rev


def sequence_errors(rng, reads: np.ndarray, read_number: int) -> np.ndarray:
    """Add substitution errors in place; return Phred+33 qualities binned to NovaSeq levels
    (2, 12, 23, 37), declining toward the read end; read 2 slightly worse. Q2 bases become N."""
    n, length = reads.shape
    x = np.linspace(0, 1, length, dtype=np.float32)
    worse = 1.0 if read_number == 1 else 1.6
    p2 = (0.0003 + 0.002 * x**4) * worse
    p12 = p2 + (0.002 + 0.015 * x**3) * worse
    p23 = p12 + (0.012 + 0.06 * x**3) * worse
    u = rng.random((n, length), dtype=np.float32)
    q = np.full((n, length), 37, dtype=np.uint8)
    q[u < p23] = 23
    q[u < p12] = 12
    q[u < p2] = 2
    err = rng.random((n, length), dtype=np.float32) < QUAL_ERROR[q]
    idx = BASE_INDEX[reads[err]]
    reads[err] = BASES[(idx + rng.integers(1, 4, size=len(idx))) % 4]
    reads[q == 2] = ord("N")
    return q + 33


def fastq_gz(
    reads: np.ndarray, quals: np.ndarray, lane: int, read_number: int, tiles, xs, ys
) -> bytes:
    """Gzipped FASTQ bytes (mtime 0, no file name: byte-identical across runs)."""
    n = len(reads)
    hdr = "".join(
        f"@DEMO:1:FC:{lane}:{t}:{x}:{y} {read_number}:N:0:ACGTACGT\n"
        for t, x, y in zip(tiles, xs, ys)
    )
    hdr = np.frombuffer(hdr.encode(), np.uint8).reshape(n, -1)
    nl = np.full((n, 1), ord("\n"), np.uint8)
    plus = np.tile(np.frombuffer(b"\n+\n", np.uint8), (n, 1))
    raw = np.concatenate([hdr, reads, plus, quals, nl], axis=1).tobytes()
    return gzip.compress(raw, compresslevel=6, mtime=0)


def tile_order(rng, key: np.ndarray, first_tile: int = 1101):
    """Order pairs as tiles: each tile (<= READS_PER_TILE pairs) is a random subset of the
    library, written in template order (genome position / transcript). Sorting inside a tile
    makes overlapping reads neighbours so gzip shrinks the files ~2x; the head of a file is still
    a random sample of the library. Returns (order, tile numbers, y coordinates)."""
    n = len(key)
    n_tiles = max(1, -(-n // READS_PER_TILE))
    chunks = np.array_split(rng.permutation(n), n_tiles)
    order = np.concatenate([c[np.argsort(key[c], kind="stable")] for c in chunks])
    tiles = np.concatenate([np.full(len(c), first_tile + k) for k, c in enumerate(chunks)])
    ys = np.concatenate([10000 + np.sort(rng.choice(89000, len(c), replace=False)) for c in chunks])
    return order, tiles, ys


def write_pairs(
    rng,
    r1: np.ndarray,
    r2: np.ndarray,
    key: np.ndarray,
    outdir: Path,
    sample: str,
    units: list[str],
    first_tile: int = 1101,
) -> dict[str, int]:
    """Split pairs at random across lanes, order them by tile, add errors, write
    {sample}.{unit}.R1/R2.fastq.gz. `key` is each pair's template position. Returns pairs per
    unit. From another ``first_tile`` (another surface of the flow cell: read names stay
    unique) the pairs are appended to the files, as a gzip member of their own."""
    n = len(r1)
    lane_of = rng.integers(0, len(units), n) if len(units) > 1 else np.zeros(n, dtype=np.int64)
    out = {}
    for k, unit in enumerate(units):
        rows = np.nonzero(lane_of == k)[0]
        order, tiles, ys = tile_order(rng, key[rows], first_tile)
        rows = rows[order]
        a1, a2 = r1[rows], r2[rows]
        q1, q2 = sequence_errors(rng, a1, 1), sequence_errors(rng, a2, 2)
        xs = rng.integers(10000, 33000, size=len(rows))
        lane = int(unit[1:]) if unit[1:].isdigit() else k + 1
        for rn, (rd, qd) in ((1, (a1, q1)), (2, (a2, q2))):
            path = outdir / f"{sample}.{unit}.R{rn}.fastq.gz"
            with open(path, "wb" if first_tile == 1101 else "ab") as fh:
                fh.write(fastq_gz(rd, qd, lane, rn, tiles, xs, ys))
        out[unit] = len(rows)
    return out


def ontarget_bases(a: int, b: int, frag: float, read_len: int) -> float:
    """Expected read bases inside [a, b) per fragment whose centre is uniform on [a-J, b+J]."""
    c = np.arange(a - CENTRE_JITTER, b + CENTRE_JITTER + 1, dtype=float)
    s = c - frag / 2
    e = c + frag / 2
    r1 = np.clip(np.minimum(s + read_len, b) - np.maximum(s, a), 0, None)
    r2 = np.clip(np.minimum(e, b) - np.maximum(e - read_len, a), 0, None)
    return float((r1 + r2).mean())


# cfDNA fragment lengths (bp): blood-derived around the nucleosome's 167, tumour-derived
# shorter (Mouliere et al. 2018, Sci Transl Med 10:eaat4921: ctDNA enriched at 90-150 bp)
CFDNA_LENGTH = {"blood": (167, 18), "tumour": (145, 15)}
CAPTURE_LENGTH = (220, 40)


def mean_fragment(material: str) -> int:
    """The mean length of a library's blood-derived (cfDNA) or captured fragments."""
    return CFDNA_LENGTH["blood"][0] if material == "cfdna" else CAPTURE_LENGTH[0]


def with_duplicates(rng, n: int, dup: float) -> np.ndarray:
    """Indexes of n distinct fragments and of their PCR copies, random fragments copied so
    copies are ``dup`` of all."""
    n_dup = int(round(n * dup / (1 - dup)))
    return np.concatenate([np.arange(n), rng.choice(n, n_dup)])


def orient_pairs(rng, fwd: np.ndarray, rev: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(read 1, read 2): either strand of a fragment can be read 1."""
    flip = rng.random(len(fwd)) < 0.5
    return np.where(flip[:, None], rev, fwd), np.where(flip[:, None], fwd, rev)


def fragment_lengths(rng, n: int, material: str, origin: str = "blood") -> np.ndarray:
    """WES: N(220, 40) >= 120; cfDNA: N(167, 18) >= 90 blood-derived, N(145, 15) >= 90
    tumour-derived (CFDNA_LENGTH); ~1.5% short inserts (60-99 bp) read into adapter."""
    if material == "cfdna":
        f = np.maximum(rng.normal(*CFDNA_LENGTH[origin], n), 90)
    else:
        f = np.maximum(rng.normal(*CAPTURE_LENGTH, n), 120)
    short = rng.random(n) < 0.015
    f[short] = rng.integers(60, 100, short.sum())
    return f.astype(np.int64)


def tumour_derived(rng, material: str, lengths: np.ndarray, share: np.ndarray) -> np.ndarray:
    """Which fragments of a plasma library come from tumour cells (each with the local tumour
    share of the DNA); those get tumour-derived lengths (``lengths`` changed in place). Draws
    from ``rng`` only for plasma; None for other materials."""
    if material != "cfdna":
        return None
    tumour = rng.random(len(lengths)) < share
    lengths[tumour] = fragment_lengths(rng, int(tumour.sum()), material, "tumour")
    return tumour


def fragment_summary(lengths: np.ndarray, tumour) -> tuple:
    """(fragments, tumour-derived share, median length, short fraction: 100-150 over 100-250
    bp) of a library's distinct fragments (truth/fragments.tsv)."""
    window = (lengths >= 100) & (lengths <= 250)
    short = (lengths >= 100) & (lengths <= 150)
    share = 0.0 if tumour is None else float(tumour.mean())
    return (
        len(lengths),
        round(share, 4),
        float(np.median(lengths)),
        round(float(short.sum() / max(window.sum(), 1)), 4),
    )
