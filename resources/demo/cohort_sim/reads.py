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


@dataclass
class TemplateVariant:
    """Replace template[tpos : tpos + len(ref)] by alt (insertion: ref empty, inserted before
    tpos)."""

    tpos: int
    ref: bytes
    alt: bytes
    af: float  # probability a fragment covering it carries the alt allele
    key: int  # index into the design's variant list (for bookkeeping)

    @property
    def is_snv(self) -> bool:
        return len(self.ref) == len(self.alt) == 1


def draw_carriers(rng, starts, lengths, tvars: list[TemplateVariant]) -> np.ndarray:
    """Bool matrix (fragment x variant): does the fragment carry the alt allele."""
    out = np.zeros((len(starts), len(tvars)), dtype=bool)
    for k, v in enumerate(tvars):
        covers = (starts <= v.tpos) & (starts + lengths > v.tpos + max(len(v.ref), 1) - 1)
        idx = np.nonzero(covers)[0]
        if len(idx) and v.af > 0:
            out[idx, k] = rng.random(len(idx)) < v.af
    return out


def fixed_carriers(rng, starts, lengths, tvars: list[TemplateVariant], read_len: int):
    """Bool matrix (fragment x variant) with exactly ceil(af x n) carriers per variant, n the
    fragments whose read 1 or read 2 covers it (low_vaf's fixed-count alleles)."""
    out = np.zeros((len(starts), len(tvars)), dtype=bool)
    for k, v in enumerate(tvars):
        ends = starts + lengths - 1
        covers = (starts <= v.tpos) & (ends >= v.tpos)
        covers &= (v.tpos - starts < read_len) | (ends - v.tpos < read_len)
        idx = np.nonzero(covers)[0]
        n = int(np.ceil(v.af * len(idx) - 1e-9))
        if n:
            out[rng.choice(idx, n, replace=False), k] = True
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


def tile_order(rng, key: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Order pairs as tiles: each tile (<= READS_PER_TILE pairs) is a random subset of the
    library, written in template order (genome position / transcript). Sorting inside a tile
    makes overlapping reads neighbours so gzip shrinks the files ~2x; the head of a file is still
    a random sample of the library. Returns (order, tile numbers, y coordinates)."""
    n = len(key)
    n_tiles = max(1, -(-n // READS_PER_TILE))
    chunks = np.array_split(rng.permutation(n), n_tiles)
    order = np.concatenate([c[np.argsort(key[c], kind="stable")] for c in chunks])
    tiles = np.concatenate([np.full(len(c), 1101 + k) for k, c in enumerate(chunks)])
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
) -> dict[str, int]:
    """Split pairs at random across lanes, order them by tile, add errors, write
    {sample}.{unit}.R1/R2.fastq.gz. `key` is each pair's template position. Returns pairs per
    unit."""
    n = len(r1)
    lane_of = rng.integers(0, len(units), n) if len(units) > 1 else np.zeros(n, dtype=np.int64)
    out = {}
    for k, unit in enumerate(units):
        rows = np.nonzero(lane_of == k)[0]
        order, tiles, ys = tile_order(rng, key[rows])
        rows = rows[order]
        a1, a2 = r1[rows], r2[rows]
        q1, q2 = sequence_errors(rng, a1, 1), sequence_errors(rng, a2, 2)
        xs = rng.integers(10000, 33000, size=len(rows))
        lane = int(unit[1:]) if unit[1:].isdigit() else k + 1
        for rn, (rd, qd) in ((1, (a1, q1)), (2, (a2, q2))):
            (outdir / f"{sample}.{unit}.R{rn}.fastq.gz").write_bytes(
                fastq_gz(rd, qd, lane, rn, tiles, xs, ys)
            )
        out[unit] = len(rows)
    return out
