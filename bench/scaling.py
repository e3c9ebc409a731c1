"""Scaling of the per-patient steps with more timepoints (issue 17, item 5): the genotyper
(rule genotype_timepoints) and the timeline build (rule build_timeline) with 2, 4, 8 and 16
samples per patient, time and peak memory, and a 16-sample × 100,000-site case.

Synthetic data: one contig with a candidate SNV every 20 bases, one BAM of paired 150 bp
reads at ~30x (each read carries each site's ALT with that site's VAF), copied for every
sample (the counting work is the same as for distinct BAMs); a variants table in
tabulate_variants' format (one row per site × sample, 5% of sites somatic) for the timeline.
Each step runs as its own process under /usr/bin/time (peak resident memory of the process)."""

import csv
import os
import random
import shutil
import sys
from pathlib import Path

import pysam
from harness import ROOT, table, timed

CONTIG, SPACING, READ_LEN, DEPTH = "chr1", 20, 150, 30
SAMPLE_COUNTS = (2, 4, 8, 16)
SITES, QUICK_SITES, BIG_SITES = 10_000, 2_000, 100_000
# the package beside the rule scripts, for the child processes
ENV = dict(
    os.environ,
    PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "scripts"), os.environ.get("PYTHONPATH")])),
)
MATERIALS = ("normal",) + ("tumor", "cfdna") * 8


def simulate(workdir, n_sites, seed=1):
    """ref.fa, sites.vcf.gz and one BAM for ``n_sites`` SNVs; returns their paths."""
    workdir.mkdir(parents=True, exist_ok=True)
    fasta, vcf, bam = workdir / "ref.fa", workdir / "sites.vcf.gz", workdir / "base.bam"
    if bam.is_file() and Path(f"{bam}.bai").is_file():
        return fasta, vcf, bam
    rng = random.Random(seed)
    length = (n_sites + 20) * SPACING
    ref = "".join(rng.choice("ACGT") for _ in range(length))
    fasta.write_text(f">{CONTIG}\n" + "\n".join(ref[i : i + 60] for i in range(0, length, 60)))
    pysam.faidx(str(fasta))
    sites = [
        (10 * SPACING + k * SPACING, rng.choice((0.0, 0.05, 0.3, 0.5))) for k in range(n_sites)
    ]
    alts = {p: "ACGT"[("ACGT".index(ref[p]) + 1) % 4] for p, _ in sites}
    plain = workdir / "sites.vcf"
    with open(plain, "w") as out:
        out.write(f"##fileformat=VCFv4.2\n##contig=<ID={CONTIG},length={length}>\n")
        out.write("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
        for p, _ in sites:
            out.write(f"{CONTIG}\t{p + 1}\t.\t{ref[p]}\t{alts[p]}\t.\t.\t.\n")
    pysam.tabix_compress(str(plain), str(vcf), force=True)
    pysam.tabix_index(str(vcf), preset="vcf", force=True)
    header = {"HD": {"VN": "1.6", "SO": "unsorted"}, "SQ": [{"SN": CONTIG, "LN": length}]}
    vaf = dict(sites)
    unsorted = workdir / "unsorted.bam"
    quals = pysam.qualitystring_to_array("I" * READ_LEN)
    with pysam.AlignmentFile(str(unsorted), "wb", header=header) as out:
        for i in range(length * DEPTH // (2 * READ_LEN)):
            start = rng.randrange(0, length - 450)
            end = start + rng.randint(250, 400)
            for rstart, flag in ((start, 0x63), (end - READ_LEN, 0x93)):
                seq = list(ref[rstart : rstart + READ_LEN])
                first = (rstart // SPACING + 1) * SPACING
                for p in range(first, rstart + READ_LEN, SPACING):
                    if p in vaf and rng.random() < vaf[p]:
                        seq[p - rstart] = alts[p]
                read = pysam.AlignedSegment(out.header)
                read.query_name, read.flag, read.reference_id = f"f{i}", flag, 0
                read.reference_start, read.mapping_quality = rstart, 60
                read.cigartuples = [(0, READ_LEN)]
                read.query_sequence, read.query_qualities = "".join(seq), quals
                read.next_reference_id = 0
                read.next_reference_start = end - READ_LEN if flag & 0x40 else start
                out.write(read)
    pysam.sort("-o", str(bam), str(unsorted))
    pysam.index(str(bam))
    unsorted.unlink()
    return fasta, vcf, bam


def genotype(workdir, fasta, vcf, bam, n_samples):
    """Time the genotyper on ``n_samples`` copies of the BAM (one process, one thread)."""
    samples, bams = [], []
    for k in range(n_samples):
        copy = workdir / f"s{k}.bam"
        if not copy.is_file():
            shutil.copy(bam, copy)
            shutil.copy(f"{bam}.bai", f"{copy}.bai")
        bams.append(str(copy))
        samples.append({"sample_id": f"s{k}", "material": MATERIALS[k], "day": 10 * k})
    call = (
        "from resistance_timeline.dna.genotyper import genotype_timepoints as g\n"
        "from resistance_timeline.setup.config import schema_defaults as d\n"
        "g({!r}, {!r}, {!r}, {!r}, d('genotyping'), {!r}, threads=1)"
    ).format(str(vcf), bams, str(fasta), samples, str(workdir / "out.vcf.gz"))
    return timed([sys.executable, "-c", call], env=ENV)


VARIANT_COLUMNS = (
    "patient_id sample_id day material contig pos ref alt gene consequence protein transcript "
    "ref_reads alt_reads depth vaf vaf_low vaf_high detection_limit status origin resistance"
).split()


def variants_table(path, n_samples, n_sites, seed=2):
    """A tabulate_variants-style table: every site in every sample, 5% of sites somatic."""
    rng = random.Random(seed)
    with open(path, "w", newline="") as handle:
        out = csv.writer(handle, delimiter="\t", lineterminator="\n")
        out.writerow(VARIANT_COLUMNS)
        for k in range(n_sites):
            origin = "somatic" if k % 20 == 0 else ("germline", "artefact")[k % 2]
            for s in range(n_samples):
                alt = rng.randint(0, 30) if origin != "artefact" else 0
                depth = 100 + alt
                out.writerow(
                    [
                        "P1",
                        f"s{s}",
                        10 * s,
                        MATERIALS[s],
                        CONTIG,
                        200 + k * SPACING,
                        "A",
                        "C",
                        f"G{k // 50}",
                        "missense",
                        f"p.A{k}C",
                        "T1",
                        depth - alt,
                        alt,
                        depth,
                        round(alt / depth, 4),
                        0.0,
                        0.5,
                        0.03,
                        "detected" if alt >= 3 else "not_detected",
                        origin,
                        "",
                    ]
                )
    return path


# What build_timeline would cost if it kept only the rows it uses (somatic variants outside the
# normal) while reading, instead of every row of every sample (timeline.build.Tables.read
# reads the whole table through io.tables.read_tsv): tried here by patching that reader.
SOMATIC_READER = """\
import csv
import resistance_timeline.timeline.build as build
def somatic_rows(path):
    with open(path, newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\\t")
        return [r for r in rows if r["origin"] == "somatic" and r["material"] != "normal"]
whole = build.read_tsv
build.read_tsv = lambda path, keep=None: (
    somatic_rows(path) if "/variants." in path else whole(path, keep)
)
"""


def timeline(workdir, n_samples, n_sites, somatic_reader=False):
    """Time build_timeline's library call on a variants table of n_samples × n_sites rows
    (``somatic_reader``: with SOMATIC_READER; outputs then go to out-somatic.*)."""
    table_path = workdir / f"variants.{n_samples}x{n_sites}.tsv"
    if not table_path.is_file():
        variants_table(table_path, n_samples, n_sites)
    samples = [
        {
            "sample_id": f"s{k}",
            "assay": "wes",
            "material": MATERIALS[k],
            "day": 10 * k,
            "timepoint": f"day {10 * k}",
            "purity": None,
        }
        for k in range(n_samples)
    ]
    treatments = [
        {
            "patient_id": "P1",
            "line": 1,
            "drug": "crizotinib",
            "start_day": 5,
            "end_day": None,
            "best_response": "PR",
        }
    ]
    inputs = {name: [] for name in ("cnv", "fusions", "contrasts", "pathways", "gene_set_tests")}
    inputs |= {"variants": [str(table_path)], "cohort_contrasts": [], "cohort_drugs": []}
    outputs = {
        k: str(workdir / f"out{'-somatic' if somatic_reader else ''}.{k}.tsv")
        for k in ("timeline", "events", "wide", "cbioportal")
    }
    call = (SOMATIC_READER if somatic_reader else "") + (
        "from resistance_timeline.timeline.build import write_patient\n"
        "from resistance_timeline.setup.config import schema_defaults as d\n"
        "write_patient('P1', {!r}, {!r}, d('timeline'), {!r}, {!r}, {!r})"
    ).format(
        samples,
        treatments,
        inputs,
        {
            "sources": [str(ROOT / "resources" / "resistance_markers.tsv")],
            "drugs": str(ROOT / "resources" / "knowledge" / "drugs.tsv"),
            "regions": str(ROOT / "resources" / "knowledge" / "regions.tsv"),
        },
        outputs,
    )
    return timed([sys.executable, "-c", call], env=ENV)


def measure(workdir, quick):
    """Both steps at 2..16 samples, then 16 samples × 100,000 sites (not with quick)."""
    n_sites = QUICK_SITES if quick else SITES
    result = {"sites": n_sites, "rows": []}
    fasta, vcf, bam = simulate(workdir / f"sim{n_sites}", n_sites)
    for n in SAMPLE_COUNTS:
        print(f"scaling: {n} samples × {n_sites} sites", file=sys.stderr)
        result["rows"].append(
            (n, n_sites, genotype(vcf.parent, fasta, vcf, bam, n), timeline(vcf.parent, n, n_sites))
        )
    if not quick:
        print(f"scaling: 16 samples × {BIG_SITES} sites", file=sys.stderr)
        fasta, vcf, bam = simulate(workdir / f"sim{BIG_SITES}", BIG_SITES)
        result["rows"].append(
            (
                16,
                BIG_SITES,
                genotype(vcf.parent, fasta, vcf, bam, 16),
                timeline(vcf.parent, 16, BIG_SITES),
            )
        )
    return result


def report(result):
    """The Markdown section of RESULTS.md."""
    rows = []
    for n, sites, gt, tl in result["rows"]:
        per = 1e6 * gt.cpu / (n * sites)
        rows.append(
            [
                n,
                f"{sites:,}",
                f"{gt.wall:.1f}",
                f"{gt.cpu:.1f}",
                f"{per:.1f}",
                f"{gt.peak_mb:.0f}",
                f"{tl.wall:.1f}",
                f"{tl.cpu:.1f}",
                f"{1e6 * tl.cpu / (n * sites):.1f}",
                f"{tl.peak_mb:.0f}",
            ]
        )
    header = [
        "samples",
        "sites",
        "genotyper wall s",
        "CPU s",
        "µs CPU per site × sample",
        "peak MB",
        "timeline wall s",
        "CPU s",
        "µs CPU per row",
        "peak MB",
    ]
    return (
        f"Synthetic patient (bench/scaling.py): a candidate SNV every {SPACING} bases, "
        f"~{DEPTH}x paired reads per sample; the timeline reads a variants table of every site "
        "× sample (5% of sites somatic). One process each, one thread.\n\n" + table(header, rows)
    )


if __name__ == "__main__" and sys.argv[1:2] == ["--timeline-reader"]:
    # python bench/scaling.py --timeline-reader DIR SAMPLES SITES: the timeline as it is and
    # with SOMATIC_READER, side by side, and whether both wrote the same tables
    folder, samples, sites = Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    whole, somatic = (timeline(folder, samples, sites, flag) for flag in (False, True))
    same = all(
        (folder / f"out.{k}.tsv").read_bytes() == (folder / f"out-somatic.{k}.tsv").read_bytes()
        for k in ("timeline", "events", "wide", "cbioportal")
    )
    for name, run in (("as is", whole), ("somatic rows only", somatic)):
        print(f"| {name} | {run.cpu:.1f} | {run.wall:.1f} | {run.peak_mb:.0f} |")
    print(f"same four tables: {same}")
