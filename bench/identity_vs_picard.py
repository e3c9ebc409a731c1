"""The identity check's verdicts against Picard CrosscheckFingerprints (issue 28): the demo's
patients (every pair of a patient's WES samples, one person each) and two simulated people
(tests/identity_support.py: a normal and a tumour of person A, a tumour of person B; real reads
through bwa), on the same sites. Picard reads the BAMs at a haplotype map made from the
patient's germline SNV candidates; ours is the identity check's LOD over the same sites
(dna/identity.py, dna/fingerprint.py). Both with LOSS_OF_HET_RATE 0.5, genotyping error 0.01
and tumour-aware LODs (Picard's LOD_SCORE_TUMOR_NORMAL where one sample is the normal).

    PYTHONPATH=scripts:tests python bench/identity_vs_picard.py [--results results]
        [--workdir DIR] [--no-write]

Needs Picard (Debian ``picard-tools``: ``PicardCommandLine``) and the demo's results (BAMs and
variants VCFs of a finished demo run).
"""

import argparse
import csv
import subprocess
from pathlib import Path

import pysam
from harness import machine, table, write_section
from identity_support import MATERIAL, PATIENTS, PURITY, build_world

from resistance_timeline.dna.identity import concordance, read_sites
from resistance_timeline.setup.config import schema_defaults

WORKDIR = Path("/tmp/resistance-timeline-bench/identity_picard")
SETTINGS = schema_defaults("identity")
DEMO_PURITY = {"IMT01": 0.6, "IMT02": 0.6, "NB01": 0.7}  # config/demo/samples.tsv tumours


def haplotype_map(bam, sites, path):
    """Picard's haplotype map: the BAM's @SQ lines, then one block per site (MAF from the
    site's frequency, else 0.5, the identity check's default)."""
    with pysam.AlignmentFile(str(bam)) as handle:
        sq = [f"@SQ\tSN:{n}\tLN:{ln}" for n, ln in zip(handle.references, handle.lengths)]
    lines = ["@HD\tVN:1.5\tSO:coordinate", *sq]
    lines.append("#CHROMOSOME\tPOSITION\tNAME\tMAJOR_ALLELE\tMINOR_ALLELE\tMAF\tANCHOR_SNP\tPANELS")
    for contig, pos, ref, alt, af in sites:
        maf = af if af is not None else SETTINGS["allele_frequency"]
        lines.append(f"{contig}\t{pos}\t{contig}_{pos}\t{ref}\t{alt}\t{maf}\t\t")
    Path(path).write_text("\n".join(lines) + "\n")


def germline_snvs(vcf):
    """(contig, pos, ref, alt, None) of the VCF's germline SNVs, and the identity sites."""
    out = []
    with pysam.VariantFile(str(vcf)) as handle:
        for rec in handle:
            alts = rec.alts or ()
            if rec.info.get("ORIGIN") == "germline" and len(rec.ref) == 1 and len(alts) == 1:
                if len(alts[0]) == 1:
                    out.append((rec.chrom, rec.pos, rec.ref, alts[0], None))
    return out


def picard(bams, hmap, out):
    cmd = ["PicardCommandLine", "CrosscheckFingerprints", "-H", str(hmap), "-O", str(out)]
    for bam in bams:
        cmd += ["-I", str(bam)]
    cmd += ["--CROSSCHECK_BY", "SAMPLE", "--LOD_THRESHOLD", str(-SETTINGS["min_lod"])]
    cmd += ["--CALCULATE_TUMOR_AWARE_RESULTS", "true", "--LOSS_OF_HET_RATE", "0.5"]
    cmd += ["--GENOTYPING_ERROR_RATE", "0.01", "--EXPECT_ALL_GROUPS_TO_MATCH", "true"]
    cmd += ["--EXIT_CODE_WHEN_MISMATCH", "0", "--VALIDATION_STRINGENCY", "SILENT"]
    subprocess.run(cmd, check=True, capture_output=True)
    with open(out) as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    return {
        frozenset((r["LEFT_SAMPLE"], r["RIGHT_SAMPLE"])): r
        for r in csv.DictReader(lines, delimiter="\t")
        if r["LEFT_SAMPLE"] != r["RIGHT_SAMPLE"]
    }


def picard_verdict(lod):
    if lod >= SETTINGS["min_lod"]:
        return "same_individual"
    if lod <= -SETTINGS["min_lod"]:
        return "LIKELY_SWAP"
    return "inconclusive"


def compare(name, vcf, bams, samples, normals, purity, workdir):
    """Rows (pair, our sites and LOD on the germline sites, our verdict, Picard's LOD, the
    LOD used (tumour-aware where the first sample is the normal), its verdict at the same
    threshold)."""
    germline = germline_snvs(vcf)
    hmap = workdir / f"{name.replace(' ', '_')}.haplotype_map.txt"
    haplotype_map(bams[0], germline, hmap)
    theirs = picard(bams, hmap, workdir / f"{name.replace(' ', '_')}.crosscheck.txt")
    _, sites = read_sites(vcf)
    keep = {(c, p) for c, p, *_ in germline}
    sites = [s for s in sites if (s.contig, s.pos) in keep]
    rows = []
    for pair in concordance(sites, samples, SETTINGS, None, purity, normals):
        r = theirs[frozenset((pair.sample_a, pair.sample_b))]
        tumour_aware = r.get("LOD_SCORE_TUMOR_NORMAL") or r["LOD_SCORE"]
        lod = float(tumour_aware) if pair.sample_a in normals else float(r["LOD_SCORE"])
        rows.append(
            (
                f"{pair.sample_a} / {pair.sample_b}",
                str(pair.sites),
                f"{pair.lod:.2f}",
                pair.verdict,
                f"{float(r['LOD_SCORE']):.2f}",
                f"{lod:.2f}",
                picard_verdict(lod),
            )
        )
    return rows


def measure(results, workdir):
    workdir.mkdir(parents=True, exist_ok=True)
    rows = []
    for vcf in sorted((results / "variants").glob("*.variants.vcf.gz")):
        patient = vcf.name.split(".")[0]
        with pysam.VariantFile(str(vcf)) as handle:
            samples = list(handle.header.samples)
        bams = [results / "align" / patient / f"{s}.bam" for s in samples]
        normals = [s for s in samples if s.endswith("-N")]
        purity = {s: DEMO_PURITY[patient] for s in samples if "-T" in s}
        rows += compare(patient, vcf, bams, samples, normals, purity, workdir)
    (workdir / "two_people").mkdir(exist_ok=True)
    world = build_world(workdir / "two_people")
    for name, samples in PATIENTS.items():
        bams = [world["bams"][s] for s in samples]
        normals = [s for s in samples if MATERIAL[s] == "normal"]
        purity = {s: PURITY[s] for s in samples if s in PURITY}
        rows += compare(
            f"simulated {name}", world["vcfs"][name], bams, samples, normals, purity, workdir
        )
    return rows


def report(rows, command):
    agree = sum(r[3] == r[6] for r in rows)
    return (
        "## Sample identity against Picard CrosscheckFingerprints\n\n"
        "Goal (issue 28): the identity check's verdicts agree with Picard's on the demo and on "
        "a two-person pair.\n\n"
        f"Measured {machine()}.\n\nReproduce: `{command}`\n\n"
        "Same sites for both (each patient's germline SNV candidates), LOSS_OF_HET_RATE 0.5, "
        "genotyping error 0.01, allele frequency 0.5; Picard's LOD is its tumour-aware "
        "LOD_SCORE_TUMOR_NORMAL where the first sample is the normal, else LOD_SCORE; its "
        f"verdict at the same threshold (±{SETTINGS['min_lod']}):\n\n"
        + table(
            ["pair", "sites", "our LOD", "our verdict", "Picard LOD", "Picard LOD used"]
            + ["Picard verdict"],
            rows,
        )
        + f"\n\n**{agree} of {len(rows)}** pairs get the same verdict.\n"
    )


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--results", type=Path, default=Path("results"))
    ap.add_argument("--workdir", type=Path, default=WORKDIR)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args(argv)
    rows = measure(args.results, args.workdir)
    text = report(rows, "PYTHONPATH=scripts:tests python bench/identity_vs_picard.py")
    print(text)
    if not args.no_write:
        write_section("identity_vs_picard", text)


if __name__ == "__main__":
    main()
