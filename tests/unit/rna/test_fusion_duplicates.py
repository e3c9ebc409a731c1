"""PCR duplicates in fusion support (rna/fusion_evidence.py): the STAR world's tumour BAM with
every RRBP1::ALK junction fragment copied twice more under new names, as PCR would; counted
once by position without duplicate marks, and skipped once marked by the samtools pipeline of
rule import_rna_bam."""

import subprocess
from collections import Counter

import pysam
import pytest

from helpers import build_world, needs_star
from resistance_timeline.io.annotation import GeneIndex
from resistance_timeline.io.gene_model import load_genes
from resistance_timeline.rna.fusion_evidence import collect_evidence, duplicate_handling
from resistance_timeline.rna.fusions import FusionSettings, call_fusions
from resistance_timeline.setup.config import schema_defaults

SETTINGS = FusionSettings.from_params(schema_defaults("fusions"))


@pytest.fixture(scope="session")
def world(tmp_path_factory):
    return build_world(tmp_path_factory.getbasetemp() / "fusion_world")  # as test_fusions's


def junction_fragments(world):
    """Names of the tumour fragments that support a fusion (split or spanning)."""
    index = GeneIndex(load_genes(world.gtf))
    with pysam.AlignmentFile(str(world.bam["tumour"])) as bam:
        chimeric = [r.query_name for r in bam if r.has_tag("ch") or r.has_tag("SA")]
    return set(chimeric), index


def with_duplicates(world, out, copies=2):
    """The tumour BAM plus ``copies`` renamed copies of every chimeric fragment (all records)."""
    names, _ = junction_fragments(world)
    with pysam.AlignmentFile(str(world.bam["tumour"])) as src:
        header = src.header.to_dict()
        header["PG"] = [pg for pg in header.get("PG", []) if "markdup" not in str(pg)]
        with pysam.AlignmentFile(str(out), "wb", header=header) as dst:
            for read in src:
                dst.write(read)
                if read.query_name in names:
                    for k in range(copies):
                        read.query_name = f"{read.query_name.split('~')[0]}~dup{k}"
                        dst.write(read)
    pysam.sort("-o", str(out), str(out))
    pysam.index(str(out))
    return out


def import_like_the_rule(bam, out, tmp):
    """import_rna_bam's samtools pipeline: collate, fixmate -m, sort, markdup."""
    pipeline = (
        f"samtools collate -O -u {bam} {tmp}/collate | samtools fixmate -m -u - - "
        f"| samtools sort -u -T {tmp}/sort - | samtools markdup -T {tmp}/md - {out} "
        f"&& samtools index {out}"
    )
    subprocess.run(pipeline, shell=True, check=True, capture_output=True)
    return out


def support(bam, world):
    rows = call_fusions(str(bam), str(world.gtf), "T", SETTINGS, "reverse")
    return {
        r["fusion"]: (r["split_reads"], r["spanning_pairs"], r["duplicates"])
        for r in rows
        if r["filter"] == "PASS"
    }


@needs_star
def test_duplicates_count_once_marked_or_not(world, tmp_path):
    original = support(world.bam["tumour"], world)
    duplicated = with_duplicates(world, tmp_path / "dup.bam")
    _, index = junction_fragments(world)
    with pysam.AlignmentFile(str(duplicated)) as bam:
        splits, _ = collect_evidence(bam.fetch(until_eof=True), index, "reverse")
    per_fragment = Counter(s.fragment for s in splits)
    # each chimeric fragment now read three times, under one identity (read-through splits,
    # not chimeric records, were not copied)
    assert sum(n == 3 for n in per_fragment.values()) >= 40
    by_position = support(duplicated, world)
    assert by_position == {f: (s, p, "by_position") for f, (s, p, _) in original.items()}
    marked = import_like_the_rule(duplicated, tmp_path / "marked.bam", tmp_path)
    with pysam.AlignmentFile(str(marked)) as bam:
        assert duplicate_handling(bam.header.to_dict()) == "marked"
        assert sum(r.is_duplicate for r in bam) >= 2 * 40
    assert support(marked, world) == {f: (s, p, "marked") for f, (s, p, _) in original.items()}
