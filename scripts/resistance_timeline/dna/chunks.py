"""Split the capture targets into chunks for scattered variant calling (``calling.scatter``).

Each chunk is a contiguous run of the BED's lines, in the BED's order, so the chunks' calls
concatenated in chunk order come out in the order of one call over the whole BED (freebayes
walks its ``--targets`` in file order) and equal it: a target is never split, and every
target is in exactly one chunk.

Balance: the chunks minimise the largest chunk's target bases (the wall time of the slowest
calling job), the classic linear-partition problem. The smallest feasible capacity is found by
bisection over the bases; a greedy pass then fills each chunk up to it, closing chunks early
only where the targets left are as many as the chunks left, so that ``min(n, targets)`` chunks
are all non-empty. The largest chunk is then at most total / n + the largest target. Written
here rather than taken from a library: it is twenty lines, and ``bedtools split`` makes chunks
that are no contiguous runs of the BED (its ``size`` mode packs targets largest first into the
emptiest chunk, its ``simple`` mode deals them out round-robin), so their concatenation would
not come out in the BED's order.
"""

import gzip
import sys
from bisect import bisect_right
from itertools import accumulate
from typing import NamedTuple


class Target(NamedTuple):
    """One BED line: its contig, 0-based half-open interval, and the line as read."""

    contig: str
    start: int
    end: int
    line: str

    @property
    def bases(self) -> int:
        return self.end - self.start


def read_targets(path) -> list[Target]:
    """The BED's targets in file order (plain or gzip; comment, track and browser lines
    skipped); a line without contig, start and end, or ending before it starts, is a
    ValueError naming it."""
    targets = []
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip() or line.startswith(("#", "track", "browser")):
                continue
            fields = line.rstrip("\n").split("\t")
            try:
                contig, start, end = fields[0], int(fields[1]), int(fields[2])
            except (IndexError, ValueError):
                message = f"{path}, line {number}: not a BED line: {line.strip()!r}"
                raise ValueError(message) from None
            if end < start:
                raise ValueError(f"{path}, line {number}: end {end} before start {start}")
            targets.append(Target(contig, start, end, line.rstrip("\n")))
    return targets


def _chunks_needed(cumulative, capacity):
    """Chunks a greedy fill up to ``capacity`` bases uses (prefix sums ``cumulative``)."""
    count, filled, n = 0, 0, len(cumulative)
    i = 0
    while i < n:
        # the last target whose prefix sum still fits in this chunk
        i = bisect_right(cumulative, filled + capacity, lo=i)
        filled = cumulative[i - 1]
        count += 1
    return count


def balance(sizes, n) -> list[range]:
    """Index ranges of ``min(n, len(sizes))`` contiguous, non-empty chunks of ``sizes`` (target
    bases) whose largest sum is as small as possible; ``[]`` for no targets."""
    if n < 1:
        raise ValueError(f"calling.scatter must be at least 1, got {n}")
    k = min(n, len(sizes))
    if k == 0:
        return []
    cumulative = list(accumulate(sizes))
    low, high = max(sizes), cumulative[-1]  # feasible capacities lie in [low, high]
    while low < high:
        mid = (low + high) // 2
        if _chunks_needed(cumulative, mid) <= k:
            high = mid
        else:
            low = mid + 1
    chunks, start, filled = [], 0, 0
    for i, size in enumerate(sizes):
        targets_left, chunks_left = len(sizes) - i, k - len(chunks) - 1
        if i > start and (filled + size > low or targets_left == chunks_left):
            chunks.append(range(start, i))
            start, filled = i, 0
        filled += size
    chunks.append(range(start, len(sizes)))
    return chunks


def split_targets(bed, out_paths) -> list[list[Target]]:
    """Write the BED's targets into ``len(out_paths)`` chunk BEDs (``balance``); with fewer
    targets than paths, the last files are left empty. Prints each chunk's size to stderr (the
    rule's log); returns the chunks."""
    targets = read_targets(bed)
    chunks = [[targets[i] for i in r] for r in balance([t.bases for t in targets], len(out_paths))]
    for k, path in enumerate(out_paths):
        with open(path, "w") as out:
            for target in chunks[k] if k < len(chunks) else []:
                out.write(target.line + "\n")
    for k, chunk in enumerate(chunks):
        print(
            f"chunk {k}: {len(chunk)} targets, {sum(t.bases for t in chunk)} bases", file=sys.stderr
        )
    return chunks
