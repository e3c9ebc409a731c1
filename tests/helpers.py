"""Shared test builders: the repository paths, a tiny valid project to break, snakemake runs.

Imported as ``helpers`` (tests/pytest.ini puts tests/ on the path); fixtures: conftest.py."""

import csv
import gzip
import itertools
import json
import os
import runpy
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

REPO = Path(__file__).resolve().parent.parent

SAMPLES = """\
patient_id\tsample_id\tassay\tmaterial\tday\ttimepoint\tpurity
P1\tP1-N\twes\tnormal\t0\tblood\t
P1\tP1-T0\twes\ttumor\t0\tdiagnosis\t0.6
P1\tP1-T1\twes\ttumor\t100\trelapse on drug A\t0.5
P1\tP1-R0\trna\ttumor\t0\tdiagnosis\t
"""
UNITS = """\
sample_id\tunit_id\tfq1\tfq2\tbam
P1-N\tL1\treads/P1-N.R1.fastq.gz\treads/P1-N.R2.fastq.gz\t
P1-T0\tL1\treads/P1-T0.R1.fastq.gz\treads/P1-T0.R2.fastq.gz\t
P1-T1\tL1\treads/P1-T1.R1.fastq.gz\treads/P1-T1.R2.fastq.gz\t
P1-R0\tL1\treads/P1-R0.R1.fastq.gz\treads/P1-R0.R2.fastq.gz\t
"""
TREATMENTS = """\
patient_id\tline\tdrug\tstart_day\tend_day\tbest_response
P1\t1\tdrug A\t10\t90\tPR
P1\t2\tdrug B\t110\t\tSD
"""
CONFIG = """\
knowledge: {{drugs_without_knowledge: [drug A, drug B, drug C]}}
samples: {d}/samples.tsv
units: {d}/units.tsv
treatments: {d}/treatments.tsv
reference:
  fasta: {d}/ref/genome.fa
  gff3: {d}/ref/genes.gff3
  gtf: {d}/ref/genes.gtf
  targets: {d}/ref/targets.bed
"""


class Project:
    """A small, valid project on disk whose files the tests edit to break one rule each."""

    def __init__(self, root: Path):
        self.root = root
        (root / "reads").mkdir()
        (root / "ref").mkdir()
        self.write("samples.tsv", SAMPLES)
        self.write("units.tsv", UNITS)
        self.write("treatments.tsv", TREATMENTS)
        self.write("config.yaml", CONFIG.format(d=root))
        self.write("ref/genome.fa", ">chr1\n" + "ACGT" * 50 + "\n>chr2\n" + "GATC" * 50 + "\n")
        self.write("ref/targets.bed", "chr1\t10\t100\tGENEA\nchr2\t20\t80\tGENEB\n")
        self.write(
            "ref/genes.gff3",
            "##gff-version 3\n"
            "chr1\t.\tgene\t11\t100\t.\t+\t.\tID=g1;Name=GENEA;biotype=protein_coding\n"
            "chr2\t.\tgene\t21\t80\t.\t+\t.\tID=g2;Name=GENEB;biotype=protein_coding\n",
        )
        self.write("ref/genes.gtf", 'chr1\t.\texon\t11\t100\t.\t+\t.\tgene_id "g1";\n')
        for sample, mate in itertools.product(("P1-N", "P1-T0", "P1-T1", "P1-R0"), ("R1", "R2")):
            self.fastq(f"reads/{sample}.{mate}.fastq.gz")

    def write(self, name, text):
        path = self.root / name
        path.write_text(text)
        return path

    def fastq(self, name, reads=4):
        with gzip.open(self.root / name, "wt") as handle:
            for i in range(reads):
                handle.write(f"@r{i}\n{'ACGT' * 10}\n+\n{'I' * 40}\n")

    def edit(self, name, old, new):
        path = self.root / name
        text = path.read_text()
        assert old in text, f"{old!r} not in {name}"
        path.write_text(text.replace(old, new))

    @property
    def config(self):
        import yaml

        return yaml.safe_load((self.root / "config.yaml").read_text())


def run_snakemake(*args, cwd=REPO, timeout=300):
    """Run the workflow's snakemake (the one of this Python) and capture its output."""
    cmd = [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile"), *args]
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)


# ---- a tiny synthetic RNA world aligned with the workflow's real STAR options ---------------
# Two random contigs carry four genes (GT-AG introns, CDS with known phases):
# chrA: GENEC (+), GENED (+, right after GENEC), RRBP1 (-); chrB: ALK (-).
# The tumour sample has an in-frame RRBP1 exons 1-3 :: ALK exons 3-6 fusion (wild-type ALK
# silent), an out-of-frame GENED exons 1-2 :: RRBP1 exons 4-5 fusion, and a GENEC exons 1-3 ::
# GENED exons 2-5 read-through; the normal sample has only normal transcripts.
# Reads are 2x75 reverse-stranded (read 1 antisense), as in TruSeq stranded libraries.

STAR_OPTIONS = [
    *("--outSAMtype", "BAM", "SortedByCoordinate", "--quantMode", "GeneCounts"),
    *("--chimSegmentMin", "12", "--chimJunctionOverhangMin", "8"),
    *("--chimOutType", "Junctions", "WithinBAM", "SoftClip"),
    *("--chimMultimapNmax", "50", "--outFilterMultimapNmax", "50"),
    *("--alignSJstitchMismatchNmax", "5", "-1", "5", "5"),
    *("--outSAMattributes", "NH", "HI", "AS", "nM", "NM", "ch"),
    *("--outSAMstrandField", "intronMotif"),
]
READ = 75
ANCHOR = 25  # simulated split reads have at least this many bases on each side
COMP = str.maketrans("ACGT", "TGCA")
# name: contig, strand, start (0-based), exon lengths, intron lengths
LAYOUT = {
    "GENEC": ("chrA", "+", 2000, [160, 140, 190, 150, 210], [700, 900, 600, 800]),
    "GENED": ("chrA", "+", 8000, [150, 170, 130, 180, 220], [600, 800, 700, 900]),
    "RRBP1": ("chrA", "-", 16000, [200, 150, 140, 160, 230], [900, 700, 800, 600]),
    "ALK": ("chrB", "-", 5000, [180, 150, 170, 140, 160, 250], [800, 1200, 900, 700, 1000]),
}
CDS_START = 30  # transcript offset of the start codon in every gene
MARKERS = REPO / "resources" / "resistance_markers.tsv"
needs_star = pytest.mark.skipif(
    shutil.which("STAR") is None or shutil.which("samtools") is None,
    reason="STAR and samtools are needed to align the synthetic reads",
)


def revcomp(seq: str) -> str:
    return seq.translate(COMP)[::-1]


def _codon_pos_after(exon_lengths, k):
    """Codon position of the first transcript base after exon k (1-based)."""
    return (sum(exon_lengths[:k]) - CDS_START) % 3


def _layout():
    """LAYOUT with exon lengths nudged so RRBP1 ex3 :: ALK ex3 is in frame and
    GENED ex2 :: RRBP1 ex4 is out of frame."""
    lay = {k: (c, s, st, list(ex), it) for k, (c, s, st, ex, it) in LAYOUT.items()}
    while _codon_pos_after(lay["RRBP1"][3], 3) != _codon_pos_after(lay["ALK"][3], 2):
        lay["ALK"][3][1] += 1
    while _codon_pos_after(lay["GENED"][3], 2) == _codon_pos_after(lay["RRBP1"][3], 3):
        lay["GENED"][3][1] += 1
    return lay


def build_genome(rng):
    """Random contigs with the genes' introns given GT..AG borders; returns contigs, genes."""
    contigs = {c: list(rng.choice(list("ACGT"), 30000)) for c in ("chrA", "chrB")}
    genes = {}
    for name, (contig, strand, start, exons, introns) in _layout().items():
        if strand == "-":  # lengths are in transcript order; lay them out from the low end
            exons, introns = exons[::-1], introns[::-1]
        pos, blocks = start, []
        for i, ln in enumerate(exons):
            blocks.append((pos, pos + ln))
            pos += ln
            if i < len(introns):
                intron = (pos, pos + introns[i])
                seq = contigs[contig]
                donor, acceptor = ("GT", "AG") if strand == "+" else ("CT", "AC")
                seq[intron[0] : intron[0] + 2], seq[intron[1] - 2 : intron[1]] = donor, acceptor
                pos = intron[1]
        tx_blocks = blocks if strand == "+" else blocks[::-1]
        genes[name] = {"contig": contig, "strand": strand, "blocks": tx_blocks}
    contigs = {c: "".join(s) for c, s in contigs.items()}
    for g in genes.values():
        seq = contigs[g["contig"]]
        parts = [seq[a:b] for a, b in g["blocks"]]
        g["exon_seqs"] = parts if g["strand"] == "+" else [revcomp(p) for p in parts]
    return contigs, genes


def write_gtf(path, genes):
    lines = []
    for i, (name, g) in enumerate(genes.items(), 1):
        lo = min(a for a, _ in g["blocks"]) + 1
        hi = max(b for _, b in g["blocks"])
        base = f'gene_id "G{i:03d}"; gene_name "{name}";'
        txa = base + f' transcript_id "T{i:03d}"; tag "basic,Ensembl_canonical";'

        def row(kind, a, b, ph=".", ex="", attrs=txa, g=g):
            fields = [g["contig"], "test", kind, str(a), str(b), ".", g["strand"], ph, attrs + ex]
            lines.append("\t".join(fields))

        row("gene", lo, hi, attrs=base)
        row("transcript", lo, hi)
        tx_len = sum(b - a for a, b in g["blocks"])
        cds0, cds1, t, done = CDS_START, tx_len - 60, 0, 0  # transcript [cds0, cds1)
        cds1 -= (cds1 - cds0) % 3
        for k, (a, b) in enumerate(g["blocks"], 1):
            row("exon", a + 1, b, ex=f' exon_number "{k}";')
            lo_t, hi_t = max(t, cds0), min(t + b - a, cds1)
            if hi_t > lo_t:  # CDS piece of this exon, mapped back to the genome
                if g["strand"] == "+":
                    ga, gb = a + (lo_t - t), a + (hi_t - t)
                else:
                    ga, gb = b - (hi_t - t), b - (lo_t - t)
                row("CDS", ga + 1, gb, str((3 - done % 3) % 3), f' exon_number "{k}";')
                done += hi_t - lo_t
            t += b - a
    Path(path).write_text("\n".join(lines) + "\n")


def transcript(genes, name, exons=None):
    """Sense sequence of ``name``'s exons (1-based numbers, default all)."""
    seqs = genes[name]["exon_seqs"]
    return "".join(seqs[k - 1] for k in (exons or range(1, len(seqs) + 1)))


def fragments(rng, tx, n, junction=None, kind=None):
    """n fragments (start, length) on ``tx``; with a junction, only fragments of ``kind``:
    'split' (a read crosses it with >= ANCHOR bases each side, the other read crosses it
    likewise or not at all), 'spanning' (read 2 wholly 5', read 1 wholly 3'), 'body' (no read
    or gap on it)."""
    import numpy as np

    out = []
    while len(out) < n:
        ln = int(np.clip(rng.normal(250, 30), 170, 400))
        s = int(rng.integers(0, len(tx) - ln + 1))
        if junction is not None:
            reads = [(s, s + READ), (s + ln - READ, s + ln)]
            cross = [a < junction < b for a, b in reads]
            good = [a <= junction - ANCHOR and b >= junction + ANCHOR for a, b in reads]
            if any(c and not g for c, g in zip(cross, good)):
                continue
            is_split = any(cross)
            is_span = not is_split and reads[0][1] <= junction <= reads[1][0]
            if kind == "split" and not is_split or kind == "spanning" and not is_span:
                continue
            if kind == "body" and (is_split or is_span):
                continue
        out.append((s, ln))
    return out


def write_pairs(rng, frags, prefix, r1, r2):
    """Reverse-stranded pairs: read 1 = revcomp of the fragment's 3' end, read 2 = its 5' end."""
    for i, (tx, s, ln) in enumerate(frags):
        f = tx[s : s + ln]
        name = f"{prefix}{i}"
        r1.write(f"@{name}/1\n{revcomp(f[-READ:])}\n+\n{'I' * READ}\n")
        r2.write(f"@{name}/2\n{f[:READ]}\n+\n{'I' * READ}\n")


# fusion: (5' gene, its exons), (3' gene, its exons), split, spanning and body fragments
EVENTS = {
    "RRBP1::ALK": (("RRBP1", [1, 2, 3]), ("ALK", [3, 4, 5, 6]), 30, 20, 300),
    "GENED::RRBP1": (("GENED", [1, 2]), ("RRBP1", [4, 5]), 25, 15, 60),
    "GENEC::GENED": (("GENEC", [1, 2, 3]), ("GENED", [2, 3, 4, 5]), 20, 10, 40),
}


def simulate(rng, genes, tumour: bool, out: Path):
    """FASTQ pair for one sample; returns the truth of simulated fusion evidence."""
    frags, truth = [], {}
    normal = {"GENEC": 350, "GENED": 350, "RRBP1": 350, "ALK": 0 if tumour else 350}
    for name, n in normal.items():
        tx = transcript(genes, name)
        frags += [(tx, s, ln) for s, ln in fragments(rng, tx, n)]
    for fusion, ((g5, e5), (g3, e3), n_split, n_span, n_body) in EVENTS.items():
        if not tumour:
            break
        part5 = transcript(genes, g5, e5)
        tx = part5 + transcript(genes, g3, e3)
        j = len(part5)
        for kind, n in (("split", n_split), ("spanning", n_span), ("body", n_body)):
            frags += [(tx, s, ln) for s, ln in fragments(rng, tx, n, j, kind)]
        truth[fusion] = {"split_reads": n_split, "spanning_pairs": n_span}
    order = rng.permutation(len(frags))
    with open(out / "R1.fq", "w") as r1, open(out / "R2.fq", "w") as r2:
        write_pairs(rng, [frags[i] for i in order], "frag", r1, r2)
    return truth


def star(args, cwd):
    subprocess.run(["STAR", *map(str, args)], cwd=cwd, check=True, capture_output=True)


def build_world(root: Path, edit_genome=None):
    """Genome, GTF, STAR index and two aligned samples under ``root`` (built once per session,
    shared by the fusion, kinase-imbalance and gene-count tests); ``edit_genome(contigs, genes)``
    changes them before anything is written (the reads stay the same)."""
    import numpy as np

    if (root / "done").exists():
        return _world(root)
    root.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    contigs, genes = build_genome(rng)
    if edit_genome:
        edit_genome(contigs, genes)
    (root / "genome.fa").write_text("".join(f">{c}\n{s}\n" for c, s in contigs.items()))
    subprocess.run(["samtools", "faidx", root / "genome.fa"], check=True)
    write_gtf(root / "genes.gtf", genes)
    index = root / "star_index"
    index.mkdir()
    genome = ["--genomeDir", index, "--genomeFastaFiles", root / "genome.fa"]
    annotation = ["--sjdbGTFfile", root / "genes.gtf", "--sjdbOverhang", READ - 1]
    star(
        ["--runMode", "genomeGenerate", "--runThreadN", 2, *genome, *annotation]
        + ["--genomeSAindexNbases", 8],
        cwd=root,
    )
    truth = {}
    for sample in ("normal", "tumour"):
        d = root / sample
        d.mkdir()
        truth[sample] = simulate(rng, genes, sample == "tumour", d)
        reads = ["--readFilesIn", d / "R1.fq", d / "R2.fq"]
        prefix = ["--outFileNamePrefix", f"{d}/{sample}."]
        star(["--runThreadN", 2, "--genomeDir", index, *reads, *prefix, *STAR_OPTIONS], cwd=d)
        bam = d / f"{sample}.bam"
        (d / f"{sample}.Aligned.sortedByCoord.out.bam").rename(bam)
        subprocess.run(["samtools", "index", bam], check=True)
    (root / "truth.json").write_text(json.dumps(truth))
    (root / "done").touch()
    return _world(root)


def _world(root):
    samples = ("normal", "tumour")
    return SimpleNamespace(
        root=root,
        gtf=root / "genes.gtf",
        fasta=root / "genome.fa",
        truth=json.loads((root / "truth.json").read_text()),
        bam={s: root / s / f"{s}.bam" for s in samples},
        junctions={s: root / s / f"{s}.Chimeric.out.junction" for s in samples},
        gene_counts={s: root / s / f"{s}.ReadsPerGene.out.tab" for s in samples},
    )


class Inputs(dict):
    """Stand-in for Snakemake's named input/output/params lists (attributes, index, .get)."""

    __getattr__ = dict.__getitem__

    def __getitem__(self, key):
        return list(self.values())[key] if isinstance(key, int) else dict.__getitem__(self, key)


def run_entry(name, **snakemake):
    """Run the rule entry scripts/<name>.py as Snakemake's script directive does, with a
    stand-in ``snakemake`` object (input, output, params, log, ...)."""
    script = REPO / "scripts" / f"{name}.py"
    runpy.run_path(str(script), init_globals={"snakemake": Inputs(snakemake)})


# --- the demo cohort read back from its files (tests/unit/resources) ---------------------------
def read_tsv(path: Path) -> list[dict]:
    with open(path) as fh:
        return list(csv.DictReader((ln for ln in fh if not ln.startswith("#")), delimiter="\t"))


def read_fasta(path: Path) -> dict[str, str]:
    records = (r.split("\n", 1) for r in open(path).read().split(">")[1:])
    return {head.split()[0]: seq.replace("\n", "") for head, seq in records}


def gff3_transcripts(path: Path) -> dict[str, dict]:
    """Per gene name: strand, contig, exons and CDS pieces (transcript order) from a GFF3."""
    tx, name_of = {}, {}
    for line in open(path):
        if line.startswith("#"):
            continue
        f = line.rstrip("\n").split("\t")
        attrs = dict(kv.split("=", 1) for kv in f[8].split(";"))
        if f[2] == "mRNA":
            name = name_of[attrs["ID"]] = attrs["Name"].rsplit("-", 1)[0]
            canonical = "Ensembl_canonical" in attrs.get("tag", "")
            tx[name] = dict(contig=f[0], strand=f[6], exons=[], cds=[], canonical=canonical)
        elif f[2] in ("exon", "CDS"):
            piece = (int(f[3]) - 1, int(f[4]), attrs.get("rank"))
            tx[name_of[attrs["Parent"]]]["exons" if f[2] == "exon" else "cds"].append(piece)
    for t in tx.values():
        for key in ("exons", "cds"):
            t[key].sort(reverse=t["strand"] == "-")
    return tx


def spliced(genome: dict[str, str], t: dict, pieces) -> str:
    """A transcript's pieces (exons or CDS) joined, in transcript orientation."""
    s = "".join(genome[t["contig"]][a:b] for a, b, _ in sorted(pieces))
    return revcomp(s) if t["strand"] == "-" else s
