"""Turn a patient's annotated multi-sample VCF into results/variants/{patient}.variants.tsv:
one row per variant × WES sample, with the canonical transcript's consequence and protein
change, the read counts and VAF interval, the detection limit, the site's background VAF and the
sample's background p (dna.background), status, origin, the
matching rows of the resistance knowledge base (``resistance``, every drug: the variant table
knows no treatment) and the knowledge base's version line (``knowledge_version``).

``canonical`` is the set of canonical transcript ids (the workflow's one rule:
resistance_timeline.io.annotation.canonical_transcripts_gff3); ``knowledge`` the knowledge
base as resistance_timeline.knowledge.tables.load_knowledge reads it."""

import re

import pysam

from resistance_timeline.io.tables import write_tsv
from resistance_timeline.knowledge.matching import knowledge_text, specific

COLUMNS = [
    "patient_id",
    "sample_id",
    "day",
    "material",
    "contig",
    "pos",
    "ref",
    "alt",
    "gene",
    "consequence",
    "protein",
    "transcript",
    "ref_reads",
    "alt_reads",
    "depth",
    "vaf",
    "vaf_low",
    "vaf_high",
    "detection_limit",
    "background_vaf",
    "background_p",
    "alt_median_fragment",
    "ref_median_fragment",
    "status",
    "origin",
    "resistance",
    "knowledge_version",
]

# bcftools csq writes amino-acid changes as "1196L>1196Q", "61Q>61*", "1196L" (synonymous)
_AA_CHANGE = re.compile(r"^(\d+)([A-Z*]+)(?:>(\d+)([A-Z*]+))?$")


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
    """From INFO/BCSQ (csq records, as pysam gives them: a tuple of strings, or None), the record
    of a canonical transcript, else the first one. Returns dict(consequence, gene, transcript,
    protein) or blanks."""
    records = [r.split("|") for r in bcsq or () if r and not r.startswith("@")]
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


def resistance_text(knowledge, gene, protein, present=(), origin="somatic"):
    """'alectinib: resistance (DOI:…); ceritinib: response (…)' for a gene + protein change
    (knowledge.matching.knowledge_text: matches other than exact carry a '[rule alteration]' tag).
    ``present``: the patient's variants as (event_type, gene, protein), for rows that need
    several (compound mutations, CIViC AND profiles, reversions). Gene-level rows ('EGFR
    mutation', 'RB1 loss-of-function') speak of a tumour's mutation: they reach somatic
    variants only (not a germline SNP, not an artefact)."""
    if not gene or not protein.startswith("p."):
        return ""
    matches = knowledge.match("snv", gene, protein, present)
    if origin != "somatic":
        matches = [m for m in matches if m.rule != "gene"]
    return knowledge_text(specific(matches))


def _sample_value(record, sample_id, field, j=0):
    """FORMAT ``field`` of a sample (its ``j``-th number), as a Python value; None when the
    record lacks the field or the VCF leaves the value missing. Floats are the VCF's float32
    values as Python floats."""
    value = record.samples[sample_id].get(field)
    if isinstance(value, tuple):
        value = value[j] if j < len(value) else None
    if isinstance(value, float) and value != value:  # NaN
        return None
    return value


def tabulate(vcf_path, samples, patient, canonical, knowledge):
    """Yield one output row (dict) per variant × sample of the annotated VCF."""
    with pysam.VariantFile(vcf_path) as vcf:
        in_vcf = set(vcf.header.samples)
        missing = [s["sample_id"] for s in samples if s["sample_id"] not in in_vcf]
        if missing:
            raise ValueError(f"{vcf_path} lacks samples {missing}")
        records = [(r, pick_consequence(r.info.get("BCSQ"), canonical)) for r in vcf]
        present = [("snv", c["gene"], c["protein"]) for _, c in records if c["protein"]]
        for record, csq in records:  # biallelic after bcftools norm -m -both
            origin = record.info.get("ORIGIN") or ""
            resistance = resistance_text(knowledge, csq["gene"], csq["protein"], present, origin)
            for sample in samples:
                sid = sample["sample_id"]
                yield {
                    "patient_id": patient,
                    "sample_id": sid,
                    "day": sample["day"],
                    "material": sample["material"],
                    "contig": record.chrom,
                    "pos": record.pos,
                    "ref": record.ref,
                    "alt": record.alts[0] if record.alts else "",
                    **csq,
                    "ref_reads": _sample_value(record, sid, "AD", 0),
                    "alt_reads": _sample_value(record, sid, "AD", 1),
                    "depth": _sample_value(record, sid, "DP"),
                    "vaf": _sample_value(record, sid, "AF"),
                    "vaf_low": _sample_value(record, sid, "AFLO"),
                    "vaf_high": _sample_value(record, sid, "AFHI"),
                    "detection_limit": _sample_value(record, sid, "DL"),
                    "background_vaf": record.info.get("BGVAF"),
                    "background_p": _sample_value(record, sid, "BP"),
                    "alt_median_fragment": _sample_value(record, sid, "FL", 0),
                    "ref_median_fragment": _sample_value(record, sid, "FL", 1),
                    "status": _sample_value(record, sid, "ST") or "",
                    "origin": origin,
                    "resistance": resistance,
                    "knowledge_version": knowledge.version,
                }


def write_table(rows, out_path):
    """Write the rows as TSV with the public column order (numbers formatted by write_tsv)."""
    write_tsv(rows, out_path, COLUMNS)
