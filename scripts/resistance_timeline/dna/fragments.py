"""Fragment lengths of every WES sample, from ``samtools stats``' insert-size histogram (its
``IS`` lines: insert size, pairs; the BAM's duplicates, secondary, supplementary, QC-failed and
unmapped reads left out by the rule's flags).

Plasma cfDNA is nucleosome-protected DNA: its fragments peak near 167 bp, and those shed by
the tumour are shorter (mode ~145 bp), so the short fraction is a tumour-fraction signal and a
check that a sample really is plasma (a 220 bp capture library is not). Per sample:
``fragments`` (pairs counted), ``median_fragment``, ``mode_fragment`` and ``short_fraction``
(pairs in the short window, 100-150 bp by default, over those in the whole window, 100-250
bp; config ``fragments``).

Own code on the tool's histogram: a median and a ratio of counts; samtools does the reading.
"""

from resistance_timeline.io.tables import write_tsv

COLUMNS = ["sample_id", "material", "fragments", "median_fragment", "mode_fragment"]
COLUMNS += ["short_fraction"]
LENGTH_COLUMNS = ["sample_id", "material", "length", "fragments"]


def read_insert_sizes(path):
    """{insert size: pairs} of a ``samtools stats`` file (its IS lines; sizes with no pair
    left out)."""
    histogram = {}
    with open(path) as handle:
        for line in handle:
            if line.startswith("IS\t"):
                cells = line.rstrip("\n").split("\t")
                size, pairs = int(cells[1]), int(cells[2])
                if pairs and size > 0:
                    histogram[size] = histogram.get(size, 0) + pairs
    return histogram


def median_of(histogram):
    """The median length of a {length: count} histogram (the lower middle one for an even
    total); None when empty."""
    total = sum(histogram.values())
    if not total:
        return None
    seen, half = 0, (total + 1) // 2
    for length in sorted(histogram):
        seen += histogram[length]
        if seen >= half:
            return length
    return None  # unreachable


def summarize(sample_id, material, histogram, short, window):
    """One row of the fragments table (COLUMNS); blank values when no pair was counted."""
    total = sum(histogram.values())
    in_window = sum(n for length, n in histogram.items() if window[0] <= length <= window[1])
    in_short = sum(n for length, n in histogram.items() if short[0] <= length <= short[1])
    return {
        "sample_id": sample_id,
        "material": material,
        "fragments": total,
        "median_fragment": median_of(histogram) if total else "",
        "mode_fragment": max(sorted(histogram), key=histogram.get) if total else "",
        "short_fraction": round(in_short / in_window, 4) if in_window else "",
    }


def tabulate(samples, stats_paths, short, window, max_length=1000):
    """(fragment rows, length rows) of a patient's WES samples (dicts with sample_id and
    material) and their samtools stats files, in the same order; lengths up to
    ``max_length`` for the distribution."""
    rows, lengths = [], []
    for sample, path in zip(samples, stats_paths):
        histogram = read_insert_sizes(path)
        rows.append(summarize(sample["sample_id"], sample["material"], histogram, short, window))
        lengths += [
            {"sample_id": sample["sample_id"], "material": sample["material"]}
            | {"length": length, "fragments": histogram[length]}
            for length in sorted(histogram)
            if length <= max_length
        ]
    return rows, lengths


def write_fragments(rows, lengths, patient, table_path, lengths_path):
    write_tsv(({"patient_id": patient, **r} for r in rows), table_path, ["patient_id", *COLUMNS])
    write_tsv(
        ({"patient_id": patient, **r} for r in lengths),
        lengths_path,
        ["patient_id", *LENGTH_COLUMNS],
    )
