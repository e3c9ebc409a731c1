"""Two simulated people sequenced over a small genome, for the sample-identity tests.

The genome has two random contigs. ``chrA`` is a region with few variants: each person carries
six private germline SNPs (four heterozygous, two homozygous) and one shared heterozygous SNP.
``chrB`` carries a panel of common SNP sites at which each person's genotype is drawn with an
allele frequency of 0.3. Person A gives a normal (A-N) and a tumour (A-T, purity 0.6, two
clonal heterozygous somatic SNVs, so VAF about 0.3); person B a tumour (B-T, purity 0.5).

Reads come from a small read simulator (paired 2x100, insert 300 +/- 30, substitution errors
at 0.2%, every fragment drawn from one haplotype in proportion to the cell mixture), then go
through the workflow's own tools: bwa mem, samtools, freebayes run jointly as in
call_candidates, bcftools norm, and the workflow's genotyper (ORIGIN labels).
"""

import gzip
import random
import subprocess
from pathlib import Path

import numpy as np

from resistance_timeline.dna.genotyper import genotype_timepoints
from resistance_timeline.setup.config import schema_defaults

CONTIG_LENGTH = 12_000
READ, INSERT, DEPTH, ERROR = 100, 300, 60, 0.002
PANEL_SITES, PANEL_AF = 30, 0.3
PURITY = {"A-T": 0.6, "B-T": 0.5}
MATERIAL = {"A-N": "normal", "A-T": "tumor", "B-T": "tumor"}
PATIENTS = {"SAME": ["A-N", "A-T"], "SWAP": ["A-N", "B-T"]}
COMP = str.maketrans("ACGT", "TGCA")


def _alt(rng, base):
    return rng.choice([b for b in "ACGT" if b != base])


def design(seed=11):
    """Reference contigs, each person's genotypes {(contig, pos0): (alt, copies)}, A-T's
    somatic SNVs and the panel sites [(contig, pos0, ref, alt)]."""
    rng = random.Random(seed)
    genome = {
        c: "".join(rng.choice("ACGT") for _ in range(CONTIG_LENGTH)) for c in ("chrA", "chrB")
    }
    spots = iter(range(400, CONTIG_LENGTH - 400, 700))  # 16 well-separated positions on chrA
    people = {"A": {}, "B": {}}
    for person in people:
        for copies in (1, 1, 1, 1, 2, 2):
            pos = next(spots)
            people[person][("chrA", pos)] = (_alt(rng, genome["chrA"][pos]), copies)
    shared = next(spots)
    shared_alt = _alt(rng, genome["chrA"][shared])
    for person in people:
        people[person][("chrA", shared)] = (shared_alt, 1)
    somatic = {("chrA", p): _alt(rng, genome["chrA"][p]) for p in (next(spots), next(spots))}
    panel = []
    for pos in range(300, CONTIG_LENGTH - 300, (CONTIG_LENGTH - 600) // PANEL_SITES):
        ref = genome["chrB"][pos]
        alt = _alt(rng, ref)
        panel.append(("chrB", pos, ref, alt))
        for person in people:
            copies = sum(rng.random() < PANEL_AF for _ in range(2))
            if copies:
                people[person][("chrB", pos)] = (alt, copies)
    return genome, people, somatic, panel


def haplotypes(genome, genotypes, somatic=None):
    """Two haplotypes per contig (het variants on the first one); ``somatic`` variants put on
    a copy of the first haplotype (the tumour cells' one)."""
    haps = [{c: list(s) for c, s in genome.items()} for _ in range(2)]
    for (contig, pos), (alt, copies) in genotypes.items():
        for h in range(copies):
            haps[h][contig][pos] = alt
    if somatic is not None:
        tumour = {c: list(s) for c, s in haps[0].items()}
        for (contig, pos), alt in somatic.items():
            tumour[contig][pos] = alt
        haps.append(tumour)
    return [{c: "".join(s) for c, s in h.items()} for h in haps]


def simulate_reads(rng, haps, weights, prefix: Path):
    """Paired FASTQ (gzip) of fragments drawn from ``haps`` with ``weights``; ``rng`` is a
    numpy Generator."""
    n = DEPTH * CONTIG_LENGTH * len(haps[0]) // (2 * READ)
    contigs = sorted(haps[0])
    which = rng.choice(len(haps), n, p=np.array(weights) / sum(weights))
    where = rng.integers(len(contigs), size=n)
    sizes = np.maximum(2 * READ, rng.normal(INSERT, 30, n).astype(int))
    starts = (rng.random(n) * (CONTIG_LENGTH - sizes)).astype(int)
    flips = rng.random(n) < 0.5
    errors = rng.binomial(READ, ERROR, (n, 2))
    which, where, sizes, starts = which.tolist(), where.tolist(), sizes.tolist(), starts.tolist()
    flips, errors = flips.tolist(), errors.tolist()
    qual = "I" * READ
    with (
        gzip.open(f"{prefix}.R1.fq.gz", "wt", compresslevel=1) as r1,
        gzip.open(f"{prefix}.R2.fq.gz", "wt", compresslevel=1) as r2,
    ):
        for i in range(n):
            frag = haps[which[i]][contigs[where[i]]][starts[i] : starts[i] + sizes[i]]
            mates = [frag[:READ], frag[-READ:].translate(COMP)[::-1]]
            if flips[i]:
                mates.reverse()
            for k, (out, seq) in enumerate(zip((r1, r2), mates, strict=True)):
                if errors[i][k]:
                    seq = list(seq)
                    for j in rng.integers(READ, size=errors[i][k]):
                        seq[j] = "ACGT"[("ACGT".index(seq[j]) + rng.integers(1, 4)) % 4]
                    seq = "".join(seq)
                out.write(f"@f{i}\n{seq}\n+\n{qual}\n")


def run(cmd, **kwargs):
    subprocess.run(cmd, shell=True, check=True, capture_output=True, **kwargs)


def build_world(root: Path, seed=11):
    """Reference, BAMs, the panel VCF and one genotyped VCF per patient under ``root``;
    returns the design and the paths."""
    genome, people, somatic, panel = design(seed)
    fasta = root / "genome.fa"
    fasta.write_text("".join(f">{c}\n{s}\n" for c, s in genome.items()))
    run(f"samtools faidx {fasta} && bwa index {fasta}")
    rng = np.random.default_rng(seed + 1)
    mixtures = {
        "A-N": (haplotypes(genome, people["A"]), [1, 1]),
        "A-T": (haplotypes(genome, people["A"], somatic), [0.2, 0.5, 0.3]),
        "B-T": (haplotypes(genome, people["B"], {}), [0.5, 0.5, 0.0]),
    }
    bams = {}
    for sample, (haps, weights) in mixtures.items():
        prefix = root / sample
        simulate_reads(rng, haps, weights, prefix)
        rg = f"@RG\\tID:{sample}\\tSM:{sample}"
        run(
            f"bwa mem -v 1 -R '{rg}' {fasta} {prefix}.R1.fq.gz {prefix}.R2.fq.gz"
            f" | samtools sort -o {prefix}.bam - && samtools index {prefix}.bam"
        )
        bams[sample] = f"{prefix}.bam"
    panel_vcf = root / "panel.vcf"
    panel_vcf.write_text(
        "##fileformat=VCFv4.2\n"
        + "".join(f"##contig=<ID={c},length={CONTIG_LENGTH}>\n" for c in genome)
        + "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
        + "".join(f"{c}\t{p + 1}\t.\t{r}\t{a}\t.\t.\t.\n" for c, p, r, a in panel)
    )
    vcfs = {
        name: genotype_patient(root, name, samples, bams, fasta)
        for name, samples in PATIENTS.items()
    }
    return {
        "people": people,
        "somatic": somatic,
        "panel": panel,
        "fasta": str(fasta),
        "bams": bams,
        "panel_vcf": str(panel_vcf),
        "vcfs": vcfs,
    }


def genotype_patient(root, name, samples, bams, fasta):
    """Joint freebayes candidates (call_candidates' options), split and left-aligned, then
    the workflow's genotyper: the VCF the identity rule reads."""
    raw, norm, out = root / f"{name}.raw.vcf", root / f"{name}.cand.vcf.gz", root / f"{name}.vcf.gz"
    inputs = " ".join(bams[s] for s in samples)
    run(
        f"freebayes -f {fasta} --pooled-continuous --min-alternate-fraction 0.02"
        f" --min-alternate-count 3 {inputs} > {raw}"
    )
    run(
        f"bcftools norm -f {fasta} -m -both {raw} -Ou | bcftools view -G -Oz -o {norm}"
        f" && bcftools index -t {norm}"
    )
    records = [{"sample_id": s, "material": MATERIAL[s], "day": 0} for s in samples]
    genotype_timepoints(
        str(norm),
        [bams[s] for s in samples],
        str(fasta),
        records,
        schema_defaults("genotyping"),
        str(out),
    )
    return str(out)
