"""Scattered candidate calling (calling.scatter) gives the unscattered run's results: the DNA
variant rules of the smallest demo patient, run on the demo run's BAMs with 1 and 3 chunks of
the targets, give the same candidates (freebayes' QUAL aside, see ``records``), genotypes and
variant table; a chunk left without targets (more chunks than targets) is empty and changes
nothing."""

import gzip
import re

import pytest

from helpers import REPO, read_tsv, run_snakemake

PATIENT = "IMT01"  # four WES samples, the fastest freebayes run of the demo
VARIANT_RULES = (
    "prepare_targets",
    "split_targets",
    "call_candidates",
    "normalize_candidates",
    "pileup_panel_of_normals",
    "build_panel_of_normals",
    "genotype_timepoints",
    "annotate_variants",
    "tabulate_variants",
)
# two targets: ALK exon with L1196Q (somatic, IMT01-T2) and BG21 with an in-frame deletion
TWO_TARGETS = "chr2\t24494\t24680\tALK\nchr8\t3050\t3250\tBG21\n"


def link_demo_inputs(root, demo_results):
    """The demo run's reference, the patient's BAMs and the other normals' (the panel of
    normals piles up every normal of the cohort), linked into ``root``'s results/."""
    ref = root / "results" / "reference"
    ref.mkdir(parents=True)
    for name in ("genome.fa", "genome.fa.fai", "targets.bed"):
        (ref / name).symlink_to(demo_results / "reference" / name)
    for folder in sorted((demo_results / "align").iterdir()):
        bams = root / "results" / "align" / folder.name
        bams.mkdir(parents=True)
        for path in sorted(folder.iterdir()):
            if folder.name == PATIENT or path.name.split(".")[0].endswith("-N"):
                (bams / path.name).symlink_to(path)


def write_config(root, scatter, targets):
    cohort = REPO / "resources" / "demo" / "cohort" / "reference"
    demo = REPO / "config" / "demo"
    (root / "config.yaml").write_text(
        f"samples: {demo / 'samples.tsv'}\n"
        f"units: {demo / 'units.tsv'}\n"
        f"treatments: {demo / 'treatments.tsv'}\n"
        "reference:\n"
        f"  fasta: {cohort / 'genome.fa'}\n"
        f"  gff3: {cohort / 'annotation.gff3'}\n"
        f"  gtf: {cohort / 'annotation.gtf'}\n"
        f"  targets: {targets}\n"
        f"calling:\n  scatter: {scatter}\n"
    )


def run_variants(root):
    result = run_snakemake(
        "--configfile",
        str(root / "config.yaml"),
        "--cores",
        "2",
        "--allowed-rules",
        *VARIANT_RULES,
        "--",
        f"results/variants/{PATIENT}.variants.tsv",
        cwd=root,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-5000:]
    return root / "results" / "variants"


def records(path, mask_quality=False):
    """A VCF's records (header left out: it names the run's files and date). ``mask_quality``
    blanks freebayes' QUAL and INFO/ODDS: they shift with the targets that came before in the
    same freebayes run (freebayes issues #88, #507; a constant 4.55 at the demo's heterozygous
    sites after a chunk boundary), while the sites, alleles and counts do not. Nothing
    downstream reads them: the genotyper decides from its own read counts."""
    with gzip.open(path, "rt") as handle:
        lines = [line.rstrip("\n").split("\t") for line in handle if not line.startswith("#")]
    if mask_quality:
        for fields in lines:
            fields[5] = "."
            fields[7] = re.sub(r"(^|;)ODDS=[^;]*", r"\1ODDS=.", fields[7])
    return lines


@pytest.fixture(scope="module")
def runs(tmp_path_factory, demo_results, demo_cohort):
    """Variant outputs with scatter 1 and 3 over the demo targets, and with 3 chunks over two
    targets (so one chunk is empty)."""
    out = {}
    targets = demo_cohort / "reference" / "targets.bed"
    for name, scatter in (("one", 1), ("three", 3)):
        root = tmp_path_factory.mktemp(f"scatter_{name}")
        link_demo_inputs(root, demo_results)
        write_config(root, scatter, targets)
        out[name] = run_variants(root)
    root = tmp_path_factory.mktemp("scatter_spare")
    link_demo_inputs(root, demo_results)
    (root / "results" / "reference" / "targets.bed").unlink()  # made from the two targets
    (root / "two.bed").write_text(TWO_TARGETS)
    write_config(root, 3, root / "two.bed")
    out["spare"] = run_variants(root)
    return out


def test_three_chunks_cover_the_targets_in_order(runs):
    chunks = runs["three"].parent / "reference" / "chunks"
    texts = [(chunks / f"chunk_{i}.bed").read_text() for i in range(3)]
    assert all(texts)
    assert "".join(texts) == (runs["three"].parent / "reference" / "targets.bed").read_text()
    bases = [sum(int(e) - int(s) for _, s, e, *_ in map(str.split, t.splitlines())) for t in texts]
    assert max(bases) - min(bases) <= 1_000  # ~20 kb each on the demo's 59 kb of targets


def test_scattered_candidates_and_genotypes_equal_one_run(runs):
    one, three = runs["one"] / PATIENT, runs["three"] / PATIENT
    assert len(records(one / "candidates.vcf.gz")) > 50
    candidates = records(one / "candidates.vcf.gz", mask_quality=True)
    assert records(three / "candidates.vcf.gz", mask_quality=True) == candidates
    assert records(three / "genotypes.vcf.gz") == records(one / "genotypes.vcf.gz")
    # the panel of normals, piled up per chunk, merges into the same table
    panels = [
        r.parent / "reference" / "panel_of_normals.tsv.gz" for r in (runs["one"], runs["three"])
    ]
    one_panel, three_panel = (gzip.open(p, "rt").read() for p in panels)
    assert three_panel == one_panel and len(one_panel.splitlines()) > 100


def test_scattered_variant_table_equals_one_run(runs):
    one = (runs["one"] / f"{PATIENT}.variants.tsv").read_text()
    assert (runs["three"] / f"{PATIENT}.variants.tsv").read_text() == one
    rows = read_tsv(runs["three"] / f"{PATIENT}.variants.tsv")
    alk = [r for r in rows if r["protein"] == "p.L1196Q" and r["sample_id"] == "IMT01-T2"]
    assert len(alk) == 1 and alk[0]["status"] == "detected"
    assert abs(float(alk[0]["vaf"]) - 0.3) < 0.1  # truth: 0.3


def test_spare_chunk_is_empty_and_changes_nothing(runs):
    chunks = runs["spare"].parent / "reference" / "chunks"
    assert [len((chunks / f"chunk_{i}.bed").read_text().splitlines()) for i in range(3)] == [
        1,
        1,
        0,
    ]
    spare = read_tsv(runs["spare"] / f"{PATIENT}.variants.tsv")
    full = {tuple(r.items()) for r in read_tsv(runs["one"] / f"{PATIENT}.variants.tsv")}
    assert {r["protein"] for r in spare} >= {"p.L1196Q", "p.A5del"}
    assert {tuple(r.items()) for r in spare} <= full  # the same rows as over all targets
