"""The Sizing section of README.md, computed from measured figures in bench/RESULTS.md:

    python bench/sizing.py            # prints the table README.md's Sizing section holds

- per-read CPU of every rule (CPU s per million read pairs, "Real sequence, real depth":
  bench/real_depth.py on GRCh37 chr20 at 100-800x);
- bwa mem's slowdown on a human-sized index ("bwa mem per read, one chromosome vs a
  human-sized index": bench/bwa_genome_size.py, a lower bound: human repeats add to it);
  STAR's on a sparse suffix array ("STAR index memory"; its slowdown with genome size is not
  measured: none is counted);
- CNVkit's per-sample cost at an exome's bin count ("CNVkit at a real exome's size":
  bench/cnv_exome.py);
- bytes per read pair of the files a sample leaves (measured in the real-depth run, on
  ART's reads with unbinned base qualities: real NovaSeq files compress better).

A sample's wall time assumes a node of 8 cores for it alone: each rule's CPU divided by its
threads (setup/resources.py), the rules one after another. The cohort's wall time is its CPU
over the cores given, or the longest sample's chain if that is longer.
"""

import re

from harness import RESULTS

TARGETS_MB, ON_TARGET = 50, 0.75  # a 50 Mb exome, three quarters of the pairs on target
DNA_RULES = (  # per-read rules of a WES sample beside bwa, and their threads
    ("check_read_pairs", 1),
    ("trim_reads", 4),
    ("mark_duplicates", 4),
    ("measure_coverage", 4),
    ("measure_bin_coverage", 4),
    ("call_candidates", 8),  # 16 chunks side by side
    ("genotype_timepoints", 8),
)
RNA_RULES = (("check_read_pairs", 1), ("trim_reads", 4), ("call_fusions", 1))
# measured in the real-depth run: bytes per read pair, (2x150 tissue, 2x100 RNA)
BYTES = {"trimmed": 200, "unit_bam": 157, "sort_tmp": 200, "bam": 158, "rna_bam": 96}
STAR_SPARSE = 103.1 / 88.8  # measured: D = 2 vs D = 1 (the own GRCh38 index at 24 GB)
JOB_MB = {  # what the largest job of each kind asks for with GRCh38 (setup/resources.py)
    "bwa mem": 5_200 + 8 * 812 + 1_000,
    "STAR (own index, D = 2)": 17_479 + 3_000 + 1_000 + 8 * 150,
}


def section(name, text):
    """One section of RESULTS.md, between its markers."""
    return text.split(f"<!-- begin {name} -->")[1].split(f"<!-- end {name} -->")[0]


def per_million(text):
    """Rule -> CPU s per M pairs from the real-depth section's per-rule table."""
    rates = {}
    for line in section("real_depth", text).splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 10 and re.fullmatch(r"[0-9.]+", cells[3] or "x"):
            rates[cells[0]] = float(cells[3])
    return rates


def measured(text):
    """The figures the model needs from RESULTS.md."""
    bwa = re.search(r"\*\*([0-9.]+)x\*\* the CPU per read", section("bwa_genome_size", text))
    cnv = re.search(r"Per sample \([^)]*\): \*\*([0-9.]+) CPU s", section("cnv_exome", text))
    return dict(rates=per_million(text), bwa=float(bwa.group(1)), cnv=float(cnv.group(1)))


def pairs_m(depth, read_length=150, duplicates=0.1):
    """Read pairs (millions) of an exome at a read-base depth over the targets."""
    return depth * TARGETS_MB / (2 * read_length) / ON_TARGET / (1 - duplicates)


def wes(m, pairs, tumour=True):
    """CPU s and wall s (8 cores) of one WES sample of ``pairs`` M pairs."""
    r = m["rates"]
    bwa = pairs * r["align_reads"] * m["bwa"]
    cpu = bwa + sum(pairs * r[rule] for rule, _ in DNA_RULES) + (m["cnv"] if tumour else 0)
    wall = bwa / 8 + sum(pairs * r[rule] / t for rule, t in DNA_RULES) + (m["cnv"] if tumour else 0)
    return cpu, wall


def rna(m, pairs):
    """CPU s and wall s (8 cores) of one RNA sample of ``pairs`` M pairs."""
    r = m["rates"]
    star = pairs * r["align_rna"] * STAR_SPARSE
    return star + sum(pairs * r[k] for k, _ in RNA_RULES), star / 8 + sum(
        pairs * r[k] / t for k, t in RNA_RULES
    )


def disk_gb(pairs, kind="wes"):
    """Peak and kept GB a sample's own files take (not its input FASTQs)."""
    if kind == "rna":
        return pairs * (BYTES["trimmed"] * 0.65 + 2 * BYTES["rna_bam"]) / 1e3, pairs * BYTES[
            "rna_bam"
        ] / 1e3
    peak = BYTES["trimmed"] + BYTES["unit_bam"] + BYTES["sort_tmp"]
    return pairs * peak / 1e3, pairs * BYTES["bam"] / 1e3


def hours(seconds):
    return f"{seconds / 3600:,.1f}"


def render(text=None):
    """The Sizing table (Markdown) from RESULTS.md's text."""
    m = measured(text if text is not None else RESULTS.read_text())
    normal, tumour, cfdna = pairs_m(100), pairs_m(200), pairs_m(800, duplicates=0.3)
    rows, cohort_cpu, longest = [], 0.0, 0.0
    for label, pairs, kind in (
        ("(a) one 100x exome (2x150)", normal, "normal"),
        ("(b) one 800x cfDNA exome (2x150, 30% duplicates)", cfdna, "cfdna"),
        ("(c) one RNA-Seq sample of 50 M pairs", 50.0, "rna"),
    ):
        cpu, wall = rna(m, pairs) if kind == "rna" else wes(m, pairs, kind != "normal")
        peak, kept = disk_gb(pairs, "rna" if kind == "rna" else "wes")
        rows.append(
            (label, f"{pairs:,.0f}", hours(cpu), hours(wall), f"{peak:,.0f}", f"{kept:,.0f}")
        )
    patient = [
        wes(m, normal, False),
        *[wes(m, tumour)] * 3,
        *[wes(m, cfdna)] * 2,
        *[rna(m, 50)] * 3,
    ]
    cohort_cpu = 50 * sum(c for c, _ in patient)
    longest = max(w for _, w in patient)
    disk = [
        disk_gb(normal),
        *[disk_gb(tumour)] * 3,
        *[disk_gb(cfdna)] * 2,
        *[disk_gb(50, "rna")] * 3,
    ]
    kept = 50 * sum(k for _, k in disk)
    pairs = 50 * (normal + 3 * tumour + 2 * cfdna + 150)
    for cores in (64, 256, 1024):
        wall = max(cohort_cpu / cores, longest)
        # samples aligning at once: one per 8 cores, each at its largest transient size
        transient = min(cores // 8, 450) * max(p for p, _ in disk)
        rows.append(
            (
                f"(d) the 50-patient cohort on {cores} cores",
                f"{pairs:,.0f}",
                hours(cohort_cpu),
                hours(wall),
                f"{(kept + transient) / 1e3:,.1f} TB",
                f"{kept / 1e3:,.1f} TB",
            )
        )
    head = ["scenario", "read pairs (M)", "CPU hours", "wall hours", "peak disk GB", "kept disk GB"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    memory = ", ".join(f"{k} {v / 1000:.1f} GB" for k, v in JOB_MB.items())
    return "\n".join(lines) + (
        f"\n\nLargest jobs' memory asks with GRCh38: {memory}. From the measured figures: bwa"
        f" {m['rates']['align_reads']:.0f} CPU s per M pairs on chr20 x {m['bwa']:.2f} on a"
        f" human-sized index (a lower bound); STAR {m['rates']['align_rna']:.0f} x"
        f" {STAR_SPARSE:.2f} (sparse index); CNVkit {m['cnv']:.0f} CPU s per tumour sample.\n"
    )


if __name__ == "__main__":
    print(render())
