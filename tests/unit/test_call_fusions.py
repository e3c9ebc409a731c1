"""call_fusions on a tiny synthetic world aligned with the workflow's real STAR options.

Two random contigs carry four genes (GT-AG introns, CDS with known phases):
chrA: GENEC (+), GENED (+, right after GENEC), RRBP1 (-); chrB: ALK (-).
The tumour sample has an in-frame RRBP1 exons 1-3 :: ALK exons 3-6 fusion (wild-type ALK
silent), an out-of-frame GENED exons 1-2 :: RRBP1 exons 4-5 fusion, and a GENEC exons 1-3 ::
GENED exons 2-5 read-through; the normal sample has only normal transcripts.
Reads are 2x75 reverse-stranded (read 1 antisense), as in TruSeq stranded libraries.
"""

import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

STAR_OPTIONS = [
    "--outSAMtype", "BAM", "SortedByCoordinate", "--quantMode", "GeneCounts",
    "--chimSegmentMin", "12", "--chimJunctionOverhangMin", "8",
    "--chimOutType", "Junctions", "WithinBAM", "SoftClip", "--chimMultimapNmax", "0",
    "--alignSJstitchMismatchNmax", "5", "-1", "5", "5",
    "--outSAMattributes", "NH", "HI", "AS", "nM", "NM", "ch",
    "--outSAMstrandField", "intronMotif",
]  # fmt: skip
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
                if strand == "+":
                    seq[intron[0]:intron[0] + 2], seq[intron[1] - 2:intron[1]] = "GT", "AG"
                else:
                    seq[intron[0]:intron[0] + 2], seq[intron[1] - 2:intron[1]] = "CT", "AC"
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
        row = lambda kind, a, b, ph=".", ex="": lines.append(  # noqa: E731
            "\t".join([g["contig"], "test", kind, str(a), str(b), ".", g["strand"], ph, txa + ex])
        )
        lines.append("\t".join([g["contig"], "test", "gene", str(lo), str(hi), ".", g["strand"], ".", base]))
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
    'split' (a read crosses it with >= ANCHOR bases each side, the other read crosses it likewise
    or not at all), 'spanning' (read 2 wholly 5', read 1 wholly 3'), 'body' (no read or gap on it)."""
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
        f = tx[s:s + ln]
        name = f"{prefix}{i}"
        r1.write(f"@{name}/1\n{revcomp(f[-READ:])}\n+\n{'I' * READ}\n")
        r2.write(f"@{name}/2\n{f[:READ]}\n+\n{'I' * READ}\n")


def simulate(rng, genes, tumour: bool, out: Path):
    """FASTQ pair for one sample; returns the truth of simulated fusion evidence."""
    frags, truth = [], {}
    normal = {"GENEC": 350, "GENED": 350, "RRBP1": 350, "ALK": 0 if tumour else 350}
    for name, n in normal.items():
        tx = transcript(genes, name)
        frags += [(tx, s, ln) for s, ln in fragments(rng, tx, n)]
    if tumour:
        events = {
            "RRBP1::ALK": (("RRBP1", [1, 2, 3]), ("ALK", [3, 4, 5, 6]), 30, 20, 300),
            "GENED::RRBP1": (("GENED", [1, 2]), ("RRBP1", [4, 5]), 25, 15, 60),
            "GENEC::GENED": (("GENEC", [1, 2, 3]), ("GENED", [2, 3, 4, 5]), 20, 10, 40),
        }
        for fusion, ((g5, e5), (g3, e3), n_split, n_span, n_body) in events.items():
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


def build_world(root: Path):
    """Genome, GTF, STAR index and two aligned samples under ``root`` (built once per session,
    shared by the fusion and the kinase-imbalance tests)."""
    done = root / "done"
    if done.exists():
        return _world(root)
    root.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    contigs, genes = build_genome(rng)
    (root / "genome.fa").write_text("".join(f">{c}\n{s}\n" for c, s in contigs.items()))
    subprocess.run(["samtools", "faidx", root / "genome.fa"], check=True)
    write_gtf(root / "genes.gtf", genes)
    index = root / "star_index"
    index.mkdir()
    star(["--runMode", "genomeGenerate", "--runThreadN", 2, "--genomeDir", index,
          "--genomeFastaFiles", root / "genome.fa", "--sjdbGTFfile", root / "genes.gtf",
          "--sjdbOverhang", READ - 1, "--genomeSAindexNbases", 8], cwd=root)  # fmt: skip
    truth = {}
    for sample in ("normal", "tumour"):
        d = root / sample
        d.mkdir()
        truth[sample] = simulate(rng, genes, sample == "tumour", d)
        star(["--runThreadN", 2, "--genomeDir", index, "--readFilesIn", d / "R1.fq", d / "R2.fq",
              "--outFileNamePrefix", f"{d}/{sample}.", *STAR_OPTIONS], cwd=d)  # fmt: skip
        bam = d / f"{sample}.bam"
        (d / f"{sample}.Aligned.sortedByCoord.out.bam").rename(bam)
        subprocess.run(["samtools", "index", bam], check=True)
    import json

    (root / "truth.json").write_text(json.dumps(truth))
    done.touch()
    return _world(root)


def _world(root):
    import json

    return SimpleNamespace(root=root, gtf=root / "genes.gtf", fasta=root / "genome.fa",
                           truth=json.loads((root / "truth.json").read_text()),
                           bam={s: root / s / f"{s}.bam" for s in ("normal", "tumour")},
                           junctions={s: root / s / f"{s}.Chimeric.out.junction" for s in ("normal", "tumour")})  # fmt: skip


needs_star = pytest.mark.skipif(shutil.which("STAR") is None or shutil.which("samtools") is None,
                                reason="STAR and samtools are needed to align the synthetic reads")  # fmt: skip


@pytest.fixture(scope="session")
def world(tmp_path_factory):
    return build_world(tmp_path_factory.getbasetemp() / "fusion_world")


class Inputs(dict):
    """Stand-in for Snakemake's named input/output lists (attribute access and .get)."""

    __getattr__ = dict.__getitem__

    def __getitem__(self, key):
        return list(self.values())[key] if isinstance(key, int) else dict.__getitem__(self, key)


def run_main(tmp_path, bam, world, strandedness="reverse", settings=None, **extra):
    """Run call_fusions.main like Snakemake would; return (passing rows, candidate rows)."""
    import csv

    import call_fusions

    out = Inputs(fusions=str(tmp_path / "fusions.tsv"), candidates=str(tmp_path / "candidates.tsv"))
    smk = SimpleNamespace(
        input=Inputs(bam=str(bam), gtf=str(world.gtf), markers=str(MARKERS), **extra),
        output=out, log=[str(tmp_path / "log.txt")],
        params=SimpleNamespace(sample_id="S1", settings=settings or {}, strandedness=strandedness),
    )  # fmt: skip
    call_fusions.main(smk)
    read = lambda p: list(csv.DictReader(open(p), delimiter="\t"))  # noqa: E731
    return read(out.fusions), read(out.candidates), (tmp_path / "fusions.tsv").read_text().splitlines()[0]


MARKERS = Path(__file__).resolve().parents[2] / "resources" / "resistance_markers.tsv"


def exon_border(world, gene, exon, side):
    """'contig:pos' of the first ('start') or last ('end') base of an exon, transcript direction."""
    from annotation import load_genes

    g = {x.name: x for x in load_genes(world.gtf).values()}[gene]
    e = g.exons[exon - 1]
    first, last = (e.start, e.end) if g.strand == "+" else (e.end, e.start)
    return f"{g.contig}:{first if side == 'start' else last}"


@needs_star
def test_driver_fusion_called_once_in_frame(world, tmp_path):
    passing, candidates, header = run_main(tmp_path, world.bam["tumour"], world, fasta=str(world.fasta))
    assert header.split("\t") == ["sample_id", "fusion", "gene5", "gene3", "breakpoint5", "breakpoint3",
                                  "exon5", "exon3", "split_reads", "spanning_pairs", "in_frame", "known_driver"]  # fmt: skip
    rows = [r for r in passing if r["fusion"] == "RRBP1::ALK"]
    assert len(rows) == 1
    (row,) = rows
    truth = world.truth["tumour"]["RRBP1::ALK"]
    assert (row["exon5"], row["exon3"], row["in_frame"], row["known_driver"]) == ("3", "3", "true", "true")
    assert row["breakpoint5"] == exon_border(world, "RRBP1", 3, "end")
    assert row["breakpoint3"] == exon_border(world, "ALK", 3, "start")
    assert abs(int(row["split_reads"]) - truth["split_reads"]) <= 3
    assert abs(int(row["spanning_pairs"]) - truth["spanning_pairs"]) <= 3


@needs_star
def test_out_of_frame_fusion_and_read_through(world, tmp_path):
    passing, candidates, _ = run_main(tmp_path, world.bam["tumour"], world)
    by_fusion = {r["fusion"]: r for r in candidates}
    oof = by_fusion["GENED::RRBP1"]
    assert (oof["exon5"], oof["exon3"], oof["in_frame"], oof["known_driver"]) == ("2", "4", "false", "false")
    assert oof["filter"] == "PASS"
    assert abs(int(oof["split_reads"]) - world.truth["tumour"]["GENED::RRBP1"]["split_reads"]) <= 3
    rt = by_fusion["GENEC::GENED"]  # aligned by STAR as ordinary spliced reads, not chimeric
    assert rt["filter"].split(";") == ["read_through"]
    assert abs(int(rt["split_reads"]) - world.truth["tumour"]["GENEC::GENED"]["split_reads"]) <= 3
    assert "GENEC::GENED" not in {r["fusion"] for r in passing}
    assert sorted(r["fusion"] for r in passing) == ["GENED::RRBP1", "RRBP1::ALK"]


@needs_star
def test_normal_sample_has_no_candidates(world, tmp_path):
    passing, candidates, _ = run_main(tmp_path, world.bam["normal"], world)
    assert passing == [] and candidates == []


@needs_star
def test_unstranded_mode_and_junction_file_give_same_calls(world, tmp_path):
    passing, _, _ = run_main(tmp_path, world.bam["tumour"], world, "unstranded",
                             junctions=str(world.junctions["tumour"]))  # fmt: skip
    row = {r["fusion"]: r for r in passing}["RRBP1::ALK"]
    assert abs(int(row["split_reads"]) - 30) <= 3 and abs(int(row["spanning_pairs"]) - 20) <= 3
    assert "not used" in (tmp_path / "log.txt").read_text()


@needs_star
def test_stricter_settings_filter_low_support(world, tmp_path):
    passing, candidates, _ = run_main(tmp_path, world.bam["tumour"], world, settings={"min_total_support": 100})
    assert passing == []
    assert {r["filter"] for r in candidates} == {"low_support", "low_support;read_through"}


@needs_star
def test_support_at_given_fusion(world):
    from annotation import GeneIndex, load_genes
    from call_fusions import support_at

    index = GeneIndex(load_genes(world.gtf))
    bp5, bp3 = exon_border(world, "RRBP1", 3, "end"), exon_border(world, "ALK", 3, "start")
    tumour = support_at(str(world.bam["tumour"]), bp5, bp3, index, "reverse")
    assert abs(tumour["split_reads"] - 30) <= 3 and abs(tumour["spanning_pairs"] - 20) <= 3
    assert support_at(str(world.bam["normal"]), bp5, bp3, index, "reverse") == {"split_reads": 0, "spanning_pairs": 0}
    with pytest.raises(ValueError, match="no gene at breakpoint chrB:20000"):
        support_at(str(world.bam["normal"]), bp5, "chrB:20000", index, "reverse")


# ---- pure functions, no STAR needed ---------------------------------------------------------

GTF = """\
c1\tt\texon\t101\t200\t.\t+\t.\tgene_id "g1"; gene_name "AAA1"; transcript_id "t1"; exon_number "1";
c1\tt\tCDS\t151\t200\t.\t+\t0\tgene_id "g1"; gene_name "AAA1"; transcript_id "t1"; exon_number "1";
c1\tt\texon\t301\t400\t.\t+\t.\tgene_id "g1"; gene_name "AAA1"; transcript_id "t1"; exon_number "2";
c1\tt\tCDS\t301\t400\t.\t+\t1\tgene_id "g1"; gene_name "AAA1"; transcript_id "t1"; exon_number "2";
c1\tt\texon\t101\t400\t.\t+\t.\tgene_id "g1"; gene_name "AAA1"; transcript_id "t2"; tag "basic";
c1\tt\texon\t1001\t1100\t.\t+\t.\tgene_id "g2"; gene_name "AAA2"; transcript_id "t3";
c1\tt\texon\t5001\t5100\t.\t-\t.\tgene_id "g3"; gene_name "BBB"; transcript_id "t4";
c1\tt\texon\t9001\t9100\t.\t+\t.\tgene_id "g4"; gene_name "CCC"; transcript_id "t5";
c1\tt\texon\t9501\t9600\t.\t+\t.\tgene_id "g5"; gene_name "HLA-A"; transcript_id "t6";
c1\tt\texon\t9801\t9900\t.\t+\t.\tgene_id "g6"; gene_name "HLA-B"; transcript_id "t7";
"""


@pytest.fixture
def index(tmp_path):
    from annotation import GeneIndex, load_genes

    (tmp_path / "g.gtf").write_text(GTF)
    return GeneIndex(load_genes(tmp_path / "g.gtf"))


def test_annotation_canonical_exons_and_frame(index):
    g1 = index.by_name["AAA1"]
    assert g1.transcript_id == "t1"  # longest CDS when no transcript is tagged Ensembl_canonical
    assert g1.exon_ending_at(200) == 1 and g1.exon_starting_at(301) == 2
    assert g1.codon_position(151) == 0 and g1.codon_position(200) == 1  # 50th CDS base: codon base 2
    assert g1.codon_position(301) == 2  # phase 1: one base completes the open codon
    assert g1.codon_position(250) is None and g1.exon_ending_at(199) is None
    assert [g.name for g in index.at("c1", 150)] == ["AAA1"] and index.at("c1", 700) == []


def test_read_through_needs_adjacent_same_strand_genes_in_order(index):
    from annotation import is_read_through

    g = index.by_name
    assert is_read_through(g["AAA1"], g["AAA2"], index, 200000)
    assert not is_read_through(g["AAA2"], g["AAA1"], index, 200000)  # wrong transcription order
    assert not is_read_through(g["AAA1"], g["AAA2"], index, 500)  # too far
    assert not is_read_through(g["AAA2"], g["CCC"], index, 200000)  # BBB (minus strand) lies between
    assert not is_read_through(g["AAA1"], g["BBB"], index, 200000)  # different strands


def test_paralog_names_and_homology(index, tmp_path):
    from annotation import homologous, is_paralog_pair

    assert is_paralog_pair("HLA-A", "HLA-B", "family") and is_paralog_pair("FGFR1", "FGFR3", "family")
    assert not is_paralog_pair("RRBP1", "ALK", "family") and not is_paralog_pair("BG01", "BG02", "family")
    assert is_paralog_pair("KRT8", "CK18", [["KRT", "CK"]]) and not is_paralog_pair("HLA-A", "HLA-B", [])
    rng = np.random.default_rng(1)
    seq = list(rng.choice(list("ACGT"), 10000))
    seq[9500:9600] = seq[9800:9900]  # HLA-A exon duplicates HLA-B's
    (tmp_path / "g.fa").write_text(">c1\n" + "".join(seq) + "\n")
    import pysam

    subprocess.run(["samtools", "faidx", tmp_path / "g.fa"], check=True) if shutil.which("samtools") else pysam.faidx(
        str(tmp_path / "g.fa"))  # fmt: skip
    fa = pysam.FastaFile(str(tmp_path / "g.fa"))
    g = index.by_name
    assert homologous(fa, g["HLA-A"], g["HLA-B"], 9600, 9801)
    assert not homologous(fa, g["AAA1"], g["CCC"], 400, 9001)


def test_mapq_support_and_known_driver_rules(index):
    from call_fusions import Split, build_candidates, is_known_driver

    splits = [Split(f"f{i}", "g1", "g4", 400, 9001, 30, 0) for i in range(5)]
    (row,) = build_candidates(splits, [], index, {})
    assert row["filter"] == "low_mapq" and row["split_reads"] == 0 and row["fusion"] == "AAA1::CCC"
    (row,) = build_candidates(splits[:1], [], index, {"min_mapq": 0})
    assert row["filter"] == "low_support"
    (row,) = build_candidates([Split(f"f{i}", "g1", "g4", 400, 9001, 10, 255) for i in range(5)], [], index, {})
    assert row["filter"] == "low_support"  # anchors below min_anchor are not support
    assert is_known_driver("TNS1", "ALK", {"ALK"}, set())
    assert is_known_driver("X", "ALK", set(), {"*::ALK"}) and is_known_driver("EML4", "ALK", set(), {"EML4::ALK"})
    assert not is_known_driver("ALK", "EML4", {"ALK"}, {"EML4::ALK"})


def test_pieces_follow_the_read_as_sequenced():
    from call_fusions import pieces

    cigar = [("S", 10), ("M", 20), ("N", 50), ("M", 30), ("H", 15)]  # reverse strand, 75 bases
    p = pieces("c", 100, "-", cigar, 60)
    assert [(x.start, x.end, x.qstart, x.aligned) for x in p] == [(170, 199, 15, 30), (100, 119, 45, 20)]
