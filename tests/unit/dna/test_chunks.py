"""Target chunks of resistance_timeline.dna.chunks: balanced by bases, never a target split,
every target once, in the BED's order, the same chunks on every run."""

import random
from itertools import combinations

import pytest

from resistance_timeline.dna.chunks import balance, read_targets, split_targets


def best_max(sizes, k):
    """Smallest possible largest chunk over every way to cut ``sizes`` into k runs."""
    n = len(sizes)
    best = None
    for cuts in combinations(range(1, n), k - 1):
        bounds = (0, *cuts, n)
        worst = max(sum(sizes[a:b]) for a, b in zip(bounds, bounds[1:]))
        best = worst if best is None else min(best, worst)
    return best


def write_bed(path, targets):
    path.write_text("".join(f"{c}\t{s}\t{e}\tG{i}\n" for i, (c, s, e) in enumerate(targets)))
    return path


def test_optimal_against_exhaustive_search():
    rng = random.Random(3)
    for _ in range(300):
        sizes = [rng.randint(1, 500) for _ in range(rng.randint(1, 9))]
        k = rng.randint(1, 6)
        chunks = balance(sizes, k)
        assert len(chunks) == min(k, len(sizes))
        assert all(len(r) > 0 for r in chunks)
        assert max(sum(sizes[i] for i in r) for r in chunks) == best_max(sizes, len(chunks))


def test_balanced_within_one_target():
    rng = random.Random(11)
    sizes = [rng.randint(80, 2_000) for _ in range(5_000)]  # exome-like baits
    for k in (2, 8, 16, 24):
        sums = [sum(sizes[i] for i in r) for r in balance(sizes, k)]
        assert len(sums) == k
        assert max(sums) <= sum(sizes) / k + max(sizes)
        assert max(sums) / (sum(sizes) / k) < 1.02  # many small targets: near-perfect balance


def test_every_target_exactly_once_in_order():
    sizes = [5, 1, 1, 9, 2, 2, 2, 7, 1]
    for k in range(1, 12):
        flat = [i for r in balance(sizes, k) for i in r]
        assert flat == list(range(len(sizes)))


def test_fewer_targets_than_chunks():
    assert balance([100, 50], 5) == [range(0, 1), range(1, 2)]
    assert balance([], 4) == []
    with pytest.raises(ValueError, match="at least 1"):
        balance([10], 0)


def test_one_huge_target_stays_whole():
    chunks = balance([10, 10_000, 10, 10], 3)
    assert [list(r) for r in chunks] == [[0], [1], [2, 3]]


def test_split_targets_writes_lines_verbatim(tmp_path):
    targets = [("chr2", 0, 300), ("chr2", 500, 700), ("chr10", 10, 900), ("chr1", 5, 105)]
    bed = write_bed(tmp_path / "t.bed", targets)
    paths = [tmp_path / f"chunk_{i}.bed" for i in range(3)]
    chunks = split_targets(bed, paths)
    assert [[t.line.split("\t")[3] for t in c] for c in chunks] == [["G0", "G1"], ["G2"], ["G3"]]
    text = "".join(p.read_text() for p in paths)
    assert text == bed.read_text()  # concatenated in chunk order: the BED itself, order kept
    again = [tmp_path / f"again_{i}.bed" for i in range(3)]
    split_targets(bed, again)
    assert [p.read_text() for p in again] == [p.read_text() for p in paths]  # deterministic


def test_split_targets_leaves_spare_chunks_empty(tmp_path):
    bed = write_bed(tmp_path / "t.bed", [("chr1", 0, 10), ("chr1", 20, 30)])
    paths = [tmp_path / f"chunk_{i}.bed" for i in range(4)]
    split_targets(bed, paths)
    assert [len(p.read_text().splitlines()) for p in paths] == [1, 1, 0, 0]


def test_read_targets_names_a_bad_line(tmp_path):
    bed = tmp_path / "t.bed"
    bed.write_text("# header\ntrack name=x\nchr1\t10\t20\nchr1\tten\t30\n")
    with pytest.raises(ValueError, match="line 4: not a BED line"):
        read_targets(bed)
    bed.write_text("chr1\t10\t20\tA\n\nchr1\t30\t40\n")
    assert [(t.contig, t.start, t.bases) for t in read_targets(bed)] == [
        ("chr1", 10, 10),
        ("chr1", 30, 10),
    ]
