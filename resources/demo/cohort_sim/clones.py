"""Clones of the demo: extra passengers that travel with the designed subclones, more truncal
variants for NB01's minimal-residual-disease sample, and the truth tables of tumour fraction
and clone membership.

A clone is the set of a patient's somatic variants that share one cellular-fraction trajectory
over the patient's tumour and cfDNA samples (``Variant.ccf``); ``truncal`` is the one carried by
every tumour cell of every sample. The passengers designed here come from a stream of their
own and are appended to the variant list, so every earlier variant keeps its position and truth.
"""

from __future__ import annotations

from pathlib import Path

from .design import COPY_CHANGES, Sample
from .genome import CONTIG_LAYOUT, SEED_GENES
from .variants import Variant, _Picker, _snv_alt, _variant, true_vaf

TRUNCAL = "truncal"
STREAM = "clone_variants"  # their random stream, in the design and in the RNA simulation
# patient, new SNVs, cellular fraction per sample (samples not named: 0); None = truncal
CLONE_PASSENGERS = (
    # NB01's remission cfDNA holds 0.5% tumour DNA: pooling needs more than its 8 truncal
    # variants at 300x to reach p < 0.01 while no single variant reaches 4 alt reads
    ("NB01", 8, None),
    ("IMT01", 2, {"IMT01-T2": 1.0}),  # with ALK p.L1196Q: the alectinib-resistant clone
    ("IMT02", 3, {"IMT02-T0": 0.48, "IMT02-T1": 0.16}),  # with BG01 p.R70K, lost on alectinib
    ("NB01", 2, {"NB01-P2": 0.8}),  # with NRAS p.Q61K
    ("NB01", 2, {"NB01-P2": 0.25}),  # with BG26 p.C40Y
    # 6-8 truncal variants at ~120x measure a tumour fraction to about +/-0.06 (95%); 8 more
    # bring it within +/-0.05 (appended last, so the draws above are unchanged)
    ("IMT01", 8, None),
    ("IMT02", 8, None),
)


def _tumours(samples: list[Sample], patient: str) -> list[Sample]:
    return [
        s for s in samples if s.patient == patient and s.assay == "wes" and s.material != "normal"
    ]


def design_clone_variants(rng, contigs, genes, samples, variants: list[Variant]) -> list[Variant]:
    """The CLONE_PASSENGERS SNVs, in background genes outside the patient's copy changes
    (their VAF then follows the diploid rule exactly)."""
    picker = _Picker(rng, contigs, genes)
    out: list[Variant] = []
    for patient, n, ccf in CLONE_PASSENGERS:
        changed = {g for ch in COPY_CHANGES if ch.patient == patient for g in ch.genes}
        bg = [g for g in genes if g not in SEED_GENES and g not in changed]
        used = [(v.contig, v.pos) for v in variants + out if v.patient == patient]
        tumours = [s.sample for s in _tumours(samples, patient)]
        fractions = {s: 1.0 if ccf is None else ccf.get(s, 0.0) for s in tumours}
        for _ in range(n):
            g, pos = picker.pick(bg, used)
            ref = chr(contigs[g.contig][pos])
            alt = _snv_alt(rng, ref)
            v = _variant(patient, g, pos, ref, alt, "somatic", ccf=dict(fractions))
            v.stream = STREAM
            out.append(v)
    return out


def clone_of(design) -> dict[int, str]:
    """Clone name of every somatic variant (index into design.variants): ``truncal``, else the
    seed-gene variant of its trajectory (``NRAS p.Q61K``), else its first variant."""
    groups: dict[tuple, list[int]] = {}
    for k, v in enumerate(design.variants):
        if v.origin == "somatic":
            key = (v.patient, *sorted(v.ccf.items()))
            groups.setdefault(key, []).append(k)
    out = {}
    for key, members in groups.items():
        ccf = dict(key[1:])
        if all(f == 1.0 for f in ccf.values()):
            name = TRUNCAL
        else:
            vs = [design.variants[k] for k in members]
            lead = next((v for v in vs if v.gene in SEED_GENES), vs[0])
            name = f"{lead.gene} {lead.protein}"
        out.update({k: name for k in members})
    return out


def write_clone_truth(design, truthdir: Path, write) -> None:
    """tumour_fraction.tsv, clones.tsv and clone_fractions.tsv (``write``: truth._write)."""
    from .variants import vcf_record

    clones = clone_of(design)
    rows = []
    for s in design.samples:
        if s.assay != "wes" or s.material == "normal":
            continue
        present = sum(
            1
            for k in clones
            if design.variants[k].patient == s.patient
            and true_vaf(design.variants[k], s, design.genes) > 0
        )
        rows.append((s.patient, s.sample, s.day, s.material, s.purity, present))
    write(
        truthdir / "tumour_fraction.tsv",
        ["patient_id", "sample_id", "day", "material", "tumour_fraction", "somatic_variants"],
        rows,
    )
    order = list(CONTIG_LAYOUT)
    members = sorted(
        clones,
        key=lambda k: (
            design.variants[k].patient,
            order.index(design.variants[k].contig),
            design.variants[k].pos,
        ),
    )
    rows = []
    for k in members:
        v = design.variants[k]
        pos, ref, alt = vcf_record(v, design.contigs)
        rows.append((v.patient, v.contig, pos, ref, alt, v.gene, v.protein, clones[k]))
    write(
        truthdir / "clones.tsv",
        ["patient_id", "contig", "pos", "ref", "alt", "gene", "protein", "clone"],
        rows,
    )
    seen, rows = set(), []
    for k in members:
        v = design.variants[k]
        if (v.patient, clones[k]) in seen:
            continue
        seen.add((v.patient, clones[k]))
        for s in _tumours(design.samples, v.patient):
            rows.append((v.patient, clones[k], s.sample, s.day, v.ccf.get(s.sample, 0.0)))
    write(
        truthdir / "clone_fractions.tsv",
        ["patient_id", "clone", "sample_id", "day", "ccf"],
        rows,
    )
