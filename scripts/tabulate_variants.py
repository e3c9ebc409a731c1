"""Turn a patient's annotated multi-sample VCF into results/variants/{patient}.variants.tsv:
one row per variant × WES sample, with the canonical transcript's consequence and protein
change, the read counts and VAF interval, the detection limit, status, origin, and the
matching rows of the resistance knowledge base."""

import gzip
import re
import sys
from urllib.parse import unquote

from tables import read_tsv, write_tsv

COLUMNS = [
    "patient_id", "sample_id", "day", "material", "contig", "pos", "ref", "alt", "gene",
    "consequence", "protein", "transcript", "ref_reads", "alt_reads", "depth", "vaf",
    "vaf_low", "vaf_high", "detection_limit", "status", "origin", "resistance",
]  # fmt: skip

# bcftools csq writes amino-acid changes as "1196L>1196Q", "61Q>61*", "1196L" (synonymous)
_AA_CHANGE = re.compile(r"^(\d+)([A-Z*]+)(?:>(\d+)([A-Z*]+))?$")


def canonical_transcripts(gff3_path):
    """Transcript ids (without the 'transcript:' prefix) tagged canonical in an Ensembl GFF3
    (tag=Ensembl_canonical, or the older is_canonical=1)."""
    canonical = set()
    opener = gzip.open if gff3_path.endswith(".gz") else open
    with opener(gff3_path, "rt") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            fields = line.rstrip("\n").split("\t")
            if len(fields) < 9:
                continue
            attrs = dict(kv.split("=", 1) for kv in fields[8].split(";") if "=" in kv)
            tags = unquote(attrs.get("tag", "")).split(",")
            if "Ensembl_canonical" in tags or attrs.get("is_canonical") == "1":
                tid = attrs.get("transcript_id") or attrs.get("ID", "").split(":")[-1]
                canonical.add(tid)
    return canonical


def protein_hgvs(aa_change):
    """csq's amino-acid change as HGVS-style one-letter protein notation.

    "1196L>1196Q" → "p.L1196Q"; "61Q>61*" → "p.Q61*"; "1196L" → "p.L1196="; in-frame changes:
    "4SA>4S" → "p.A5del", "56VS>56VDS" → "p.V56_S57insD"; when csq gives only one residue
    beside an insertion, the equivalent delins: "56V>56VD" → "p.V56delinsVD",
    "47A>47QA" → "p.A47delinsQA";
    anything else (frameshifts, csq's other forms) keeps csq's notation behind "p.".
    """
    if not aa_change:
        return ""
    match = _AA_CHANGE.match(aa_change)
    if not match:
        return f"p.{aa_change}"
    pos, ref, alt_pos, alt = match.groups()
    pos = int(pos)
    if alt is None:
        return f"p.{ref}{pos}=" if len(ref) == 1 else f"p.{aa_change}"
    if int(alt_pos) != pos:
        return f"p.{aa_change}"
    if len(ref) == 1 and len(alt) == 1:
        return f"p.{ref}{pos}{alt}"
    return _inframe_hgvs(pos, ref, alt) or f"p.{aa_change}"


def _inframe_hgvs(pos, ref, alt):
    """HGVS for ref residues ``ref`` (from ``pos``) replaced by ``alt``: del, ins or delins."""
    k = 0
    while k < min(len(ref), len(alt)) and ref[k] == alt[k]:
        k += 1
    tail = 0
    while tail < min(len(ref), len(alt)) - k and ref[-1 - tail] == alt[-1 - tail]:
        tail += 1
    removed, added = ref[k : len(ref) - tail], alt[k : len(alt) - tail]
    start = pos + k

    def span(residues, first):
        last = first + len(residues) - 1
        return f"{residues[0]}{first}" + (f"_{residues[-1]}{last}" if last > first else "")

    if "*" in ref + alt:
        return None
    if removed and not added:
        return f"p.{span(removed, start)}del"
    if added and not removed:
        if k and tail:
            return f"p.{ref[k - 1]}{start - 1}_{ref[k]}{start}ins{added}"
        # csq gives only one flanking residue: an equivalent delins on it (valid HGVS)
        if k:
            return f"p.{ref[k - 1]}{start - 1}delins{ref[k - 1]}{added}"
        return f"p.{ref[k]}{start}delins{added}{ref[k]}"
    if removed and added:
        return f"p.{span(removed, start)}delins{added}"
    return None


def pick_consequence(bcsq, canonical):
    """From a BCSQ value (comma-separated csq records), the record of a canonical transcript,
    else the first one. Returns dict(consequence, gene, transcript, protein) or blanks."""
    records = [r.split("|") for r in (bcsq or "").split(",") if r and not r.startswith("@")]
    records = [r for r in records if len(r) >= 3]
    if not records:
        return {"consequence": "", "gene": "", "transcript": "", "protein": ""}
    chosen = next((r for r in records if r[2] in canonical), records[0])
    return {
        "consequence": chosen[0],
        "gene": chosen[1],
        "transcript": chosen[2],
        "protein": protein_hgvs(chosen[5]) if len(chosen) > 5 else "",
    }


def load_markers(path):
    """Knowledge-base rows keyed by (GENE, ALTERATION) in upper case."""
    markers = {}
    for row in read_tsv(path):
        key = (row["gene"].upper(), row["alteration"].upper())
        markers.setdefault(key, []).append(row)
    return markers


def resistance_text(markers, gene, protein):
    """'alectinib: resistance (DOI:…); ceritinib: response (…)' for a gene + protein change."""
    if not gene or not protein.startswith("p."):
        return ""
    rows = markers.get((gene.upper(), protein[2:].upper()), [])
    return "; ".join(f"{r['drug']}: {r['effect']} ({r['evidence']})" for r in rows)


def _fmt(value, digits=4):
    """A number for the TSV: blank when missing, rounded floats, plain ints."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return f"{value:.{digits}g}" if value < 1e-3 and value > 0 else f"{round(value, digits)}"
    return str(value)


def _sample_value(variant, field, i, j=0):
    """FORMAT ``field`` of sample ``i`` (its ``j``-th number), as a Python value; None when the
    VCF leaves it missing."""
    try:
        values = variant.format(field)
    except KeyError:
        return None
    if values is None:
        return None
    value = values[i][j] if values.ndim == 2 else values[i]
    if isinstance(value, (bytes, str)):
        return value.decode() if isinstance(value, bytes) else value
    value = value.item()
    missing_int = -2147483648  # cyvcf2's missing integer
    return None if value == missing_int or value != value else value


def tabulate(vcf_path, samples, patient, canonical, markers):
    """Yield one output row (dict) per variant × sample of the annotated VCF."""
    from cyvcf2 import VCF

    vcf = VCF(vcf_path)
    index = {name: i for i, name in enumerate(vcf.samples)}
    missing = [s["sample_id"] for s in samples if s["sample_id"] not in index]
    if missing:
        raise ValueError(f"{vcf_path} lacks samples {missing}")

    for variant in vcf:  # biallelic after bcftools norm -m -both
        csq = pick_consequence(variant.INFO.get("BCSQ"), canonical)
        origin = variant.INFO.get("ORIGIN") or ""
        resistance = resistance_text(markers, csq["gene"], csq["protein"])
        for sample in samples:
            i = index[sample["sample_id"]]
            yield {
                "patient_id": patient,
                "sample_id": sample["sample_id"],
                "day": sample["day"],
                "material": sample["material"],
                "contig": variant.CHROM,
                "pos": variant.POS,
                "ref": variant.REF,
                "alt": variant.ALT[0] if variant.ALT else "",
                **csq,
                "ref_reads": _sample_value(variant, "AD", i, 0),
                "alt_reads": _sample_value(variant, "AD", i, 1),
                "depth": _sample_value(variant, "DP", i),
                "vaf": _sample_value(variant, "AF", i),
                "vaf_low": _sample_value(variant, "AFLO", i),
                "vaf_high": _sample_value(variant, "AFHI", i),
                "detection_limit": _sample_value(variant, "DL", i),
                "status": _sample_value(variant, "ST", i) or "",
                "origin": origin,
                "resistance": resistance,
            }


def write_table(rows, out_path):
    """Write the rows as TSV with the public column order, numbers rounded for reading."""
    write_tsv(({k: _fmt(v) for k, v in row.items()} for row in rows), out_path, COLUMNS)


def main(snakemake):
    """Snakemake entry point: see rules/dna_variants.smk (rule tabulate_variants)."""
    with open(snakemake.log[0], "w") as log:
        sys.stderr = log
        canonical = canonical_transcripts(snakemake.input.gff3)
        markers = load_markers(snakemake.input.markers)
        rows = tabulate(
            snakemake.input.vcf,
            snakemake.params.samples,
            snakemake.params.patient,
            canonical,
            markers,
        )
        write_table(rows, snakemake.output[0])
        print(f"{len(canonical)} canonical transcripts, {len(markers)} marker keys", file=log)


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
