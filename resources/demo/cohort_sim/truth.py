"""Truth tables written next to the reads (truth/*.tsv)."""

from __future__ import annotations

import math
from pathlib import Path

from . import design as D
from . import variants as V
from .genome import CONTIG_LAYOUT, FUSION_3P_EXON

HOTSPOT_EVENTS = {"p.L1196Q", "p.F1174L", "p.Q61K"}


def _write(path: Path, header: list[str], rows) -> None:
    with open(path, "w") as fh:
        fh.write("\t".join(header) + "\n")
        for r in rows:
            fh.write("\t".join("" if x is None else str(x) for x in r) + "\n")


def _wes(design, patient):
    return [s for s in design.samples if s.patient == patient and s.assay == "wes"]


def write_variants(design, path: Path) -> None:
    """One row per variant x WES sample of its patient."""
    order = list(CONTIG_LAYOUT)
    rows = []
    for v in sorted(design.variants, key=lambda v: (v.patient, order.index(v.contig), v.pos)):
        pos, ref, alt = V.vcf_record(v, design.contigs)
        for s in _wes(design, v.patient):
            rows.append(
                (
                    v.patient,
                    s.sample,
                    v.contig,
                    pos,
                    ref,
                    alt,
                    v.gene,
                    v.protein,
                    v.origin,
                    V.true_vaf(v, s, design.genes),
                )
            )
    _write(
        path,
        [
            "patient_id",
            "sample_id",
            "contig",
            "pos",
            "ref",
            "alt",
            "gene",
            "protein",
            "origin",
            "true_vaf",
        ],
        rows,
    )


def write_cnv(design, path: Path) -> None:
    """Genes of every designed copy change x WES samples of its patient (neutral ones included)."""
    rows = []
    for ch in D.COPY_CHANGES:
        contig, start, end = D.segment(ch, design.genes)
        for gene in ch.genes:
            for s in _wes(design, ch.patient):
                copies = D.copy_state(gene, s)
                ratio = D.copy_ratio(copies, s.purity)
                rows.append(
                    (
                        ch.patient,
                        s.sample,
                        gene,
                        sum(copies),
                        s.purity,
                        round(ratio, 4),
                        round(math.log2(ratio), 4),
                        min(copies),
                        "true" if min(copies) == 0 else "false",
                        f"{contig}:{start + 1}-{end}",
                    )
                )
    _write(
        path,
        [
            "patient_id",
            "sample_id",
            "gene",
            "tumour_copy_number",
            "tumour_fraction",
            "expected_copy_ratio",
            "expected_log2",
            "minor_copy_number",
            "loh",
            "segment",
        ],
        rows,
    )


def fusion_breakpoints(design, fu: D.Fusion) -> tuple[str, str]:
    """('contig:pos' of the last base of the 5' exon, of the first base of ALK exon 20), 1-based."""
    g5, alk = design.genes[fu.gene5], design.genes["ALK"]
    b5 = g5.tx_to_genome(fu.junction - 1) + 1
    b3 = alk.tx_to_genome(int(alk.tx_starts[FUSION_3P_EXON - 1])) + 1
    return f"{g5.contig}:{b5}", f"{alk.contig}:{b3}"


def partner_copy(design, fu: D.Fusion) -> str:
    """Where the 5' partner's processed copy lies (cohort_sim/pseudogene.py), or ''."""
    pg = design.pseudogene
    return f"{pg.region} (exons {pg.exons[0]}-{pg.exons[1]})" if pg.parent == fu.gene5 else ""


def write_fusions(design, results: dict, path: Path) -> None:
    rows = []
    for fu in design.fusions:
        bp5, bp3 = fusion_breakpoints(design, fu)
        for s in design.samples:
            if s.patient == fu.patient and s.assay == "rna":
                ev = results[s.sample]["fusion"]
                rows.append(
                    (
                        fu.patient,
                        s.sample,
                        f"{fu.gene5}::ALK",
                        fu.gene5,
                        "ALK",
                        fu.exon5,
                        FUSION_3P_EXON,
                        bp5,
                        bp3,
                        ev["split_reads"],
                        ev["spanning_pairs"],
                        "true",
                        partner_copy(design, fu),
                    )
                )
    _write(
        path,
        [
            "patient_id",
            "sample_id",
            "fusion",
            "gene5",
            "gene3",
            "exon5",
            "exon3",
            "breakpoint5",
            "breakpoint3",
            "split_reads",
            "spanning_pairs",
            "in_frame",
            "partner_copy",
        ],
        rows,
    )


def write_expression(design, results: dict, levels_path: Path, contrast_path: Path) -> None:
    rows = []
    for s in design.samples:
        if s.assay != "rna":
            continue
        res = results[s.sample]
        for gene, mu in design.expression[s.sample].items():
            rows.append((s.sample, gene, round(mu, 3), res["counts"][gene]))
        if res["fusion"]:
            rows.append((s.sample, res["fusion"]["fusion"], "", res["fusion"]["fragments"]))
    _write(levels_path, ["sample_id", "gene", "true_mean_count", "simulated_count"], rows)
    _write(
        contrast_path,
        ["patient_id", "gene", "pre_sample", "post_sample", "true_log2fc"],
        D.expression_contrasts(design.expression, design.samples),
    )


def write_events(design, path: Path) -> None:
    """The alterations each patient's timeline must show, per sample."""
    rows = []
    for v in design.variants:
        interesting = v.protein in HOTSPOT_EVENTS or (
            v.origin == "somatic" and len(set(v.ccf.values())) > 1 and v.gene not in ("ALK", "NRAS")
        )
        if v.origin != "somatic" or not interesting:
            continue
        for s in _wes(design, v.patient):
            if s.material == "normal":
                continue
            vaf = V.true_vaf(v, s, design.genes)
            earlier = [
                V.true_vaf(v, x, design.genes)
                for x in _wes(design, v.patient)
                if x.material != "normal" and x.day < s.day
            ]
            expected = (
                "present" if vaf > 0 else ("lost" if any(e > 0 for e in earlier) else "absent")
            )
            note = "hotspot" if v.protein in HOTSPOT_EVENTS else "subclonal passenger"
            rows.append(
                (
                    v.patient,
                    s.sample,
                    s.day,
                    v.kind,
                    v.gene,
                    v.protein,
                    expected,
                    f"{note}; true VAF {vaf}",
                )
            )
    changed = {"amplification": "gained", "loss": "lost"}
    for ch in D.COPY_CHANGES:
        for gene in ch.genes:
            for s in _wes(design, ch.patient):
                if s.material == "normal":
                    continue
                copies = D.copy_state(gene, s)
                note = f"tumour copy number {sum(copies)}"
                if min(copies) == 0:
                    note += ", minor copy number 0 (LOH)"
                rows.append(
                    (
                        ch.patient,
                        s.sample,
                        s.day,
                        ch.kind,
                        gene,
                        ch.kind,
                        changed[ch.kind] if copies != (1, 1) else "absent",
                        note,
                    )
                )
    for fu in design.fusions:
        for s in design.samples:
            if s.patient == fu.patient and s.assay == "rna":
                rows.append(
                    (
                        s.patient,
                        s.sample,
                        s.day,
                        "fusion",
                        "ALK",
                        f"{fu.gene5}::ALK",
                        "present",
                        f"{fu.gene5} exon {fu.exon5} :: ALK exon {FUSION_3P_EXON}, in frame",
                    )
                )
    for pre, post, lfc in [
        (c[2], c[3], c[4])
        for c in D.expression_contrasts(design.expression, design.samples)
        if c[1] == "PTCH1" and c[0].startswith("IMT")
    ]:
        s = design.sample(post)
        rows.append(
            (
                s.patient,
                post,
                s.day,
                "expression",
                "PTCH1",
                "down-regulation",
                "down",
                f"true log2FC {lfc} vs {pre}",
            )
        )
    order = {s.sample: i for i, s in enumerate(design.samples)}
    rows.sort(key=lambda r: (order[r[1]], r[3], r[4]))
    _write(
        path,
        ["patient_id", "sample_id", "day", "kind", "gene", "alteration", "expected", "note"],
        rows,
    )
