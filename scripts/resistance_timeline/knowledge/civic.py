"""Converter of a CIViC clinical-evidence release (``*-ClinicalEvidenceSummaries.tsv``, CC0) into
knowledge-base rows: gene, alteration, drug, effect, evidence, evidence_level, disease, source,
molecular_profile.

Kept: evidence_type Predictive, evidence_status accepted (when the column exists), evidence
direction Supports ("Does Not Support" rows are dropped, not inverted: a failed attempt to show
resistance is not evidence of sensitivity).

Significance -> effect: Sensitivity/Response, Sensitivity, Response -> sensitivity; Resistance,
Resistance or Non-Response and Reduced Sensitivity -> resistance (a reduced drug effect is what a
resistance timeline tracks); Adverse Response, N/A and everything else are dropped.

Drugs: the therapies (older releases: drugs) cell is a comma list. With interaction type
Combination or Sequential the drugs were given together, so the row keeps one drug "a + b";
otherwise (Substitutes or blank) each drug gets its own row. Names are lower-cased and a trailing
salt word is removed ("Imatinib Mesylate" -> imatinib).

Molecular profiles (2023+ releases, "GENE VARIANT" joined by AND): a profile with OR, NOT or
brackets is dropped; an AND profile gives one row per component, without the fusion components
when another component is not a fusion ("ABL1 BCR::ABL1 AND ABL1 T315I" -> ABL1 T315I), and the
molecular_profile column keeps the whole expression (such a row holds only when every component is
present). Older releases have separate gene and variant columns; their "EML4-ALK L1196M" is read
as "ALK EML4-ALK AND ALK L1196M".

Alterations: protein changes as written (T790M); a one-word class of CLASS_WORDS is lower-cased
(AMPLIFICATION -> amplification, Fusion -> fusion); fusions "EML4-ALK" / "EML4::ALK" -> EML4::ALK;
other texts (EXON 19 DELETION, EGFRvIII) are kept as written.

Evidence: PMID:<id> for PubMed sources, DOI:<doi> when the citation is a DOI, ASCO:<abstract>
or ASH:<abstract> for meeting abstracts. Source: "CIViC <release date> EID<evidence id>".

Usage (from the scripts/ folder, or with it on PYTHONPATH): python -m
resistance_timeline.knowledge.civic input.tsv[.gz] output.tsv [--release-date YYYY-MM-DD]
[--readme README.md] (the date is read from a "01-Aug-2024-..." file name when not given;
``--readme`` appends the import's command, checksums and counts to that file). A lab's refresh:
resources/knowledge/README.md, "Updating CIViC".
"""

import argparse
import csv
import gzip
import re
import sys
from datetime import datetime
from pathlib import Path

from resistance_timeline.io.versions import file_sha256

OUTPUT_COLUMNS = [
    "gene",
    "alteration",
    "drug",
    "effect",
    "evidence",
    "evidence_level",
    "disease",
    "source",
    "molecular_profile",
]

# each needed field and the column names it has had across CIViC releases, newest first
COLUMN_VARIANTS = {
    "evidence_id": ("evidence_id",),
    "disease": ("disease",),
    "therapies": ("therapies", "drugs"),
    "evidence_type": ("evidence_type",),
    "evidence_direction": ("evidence_direction",),
    "evidence_level": ("evidence_level",),
    "significance": ("significance", "clinical_significance"),
    "citation_id": ("citation_id", "pubmed_id"),
}
OPTIONAL_VARIANTS = {
    "interaction": ("therapy_interaction_type", "drug_interaction_type"),
    "evidence_status": ("evidence_status",),
    "source_type": ("source_type",),
    "asco_abstract_id": ("asco_abstract_id",),
}

EFFECTS = {
    "sensitivity/response": "sensitivity",
    "sensitivity": "sensitivity",
    "response": "sensitivity",
    "resistance": "resistance",
    "resistance or non-response": "resistance",
    "reduced sensitivity": "resistance",
}
JOINED_INTERACTIONS = {"combination", "sequential"}
SALTS = {
    "mesylate",
    "dimesylate",
    "bismesylate",
    "hydrochloride",
    "dihydrochloride",
    "hcl",
    "tosylate",
    "ditosylate",
    "maleate",
    "malate",
    "citrate",
    "sulfate",
    "phosphate",
    "besylate",
}
# one-word variant classes written in lower case (AMPLIFICATION -> amplification)
CLASS_WORDS = {
    "amplification",
    "deletion",
    "expression",
    "overexpression",
    "underexpression",
    "fusion",
    "loss",
    "mutation",
    "wildtype",
    "truncation",
    "hypermethylation",
    "methylation",
    "phosphorylation",
}
FUSION = re.compile(r"^([A-Za-z0-9.]+)(?:::|-)([A-Za-z0-9.]+)$")
# a gene symbol (for "A-B" fusions), not a protein change such as T790M
GENE = re.compile(r"(?![A-Z]\d+[A-Z]?$)[A-Z][A-Z0-9]+")
RELEASE_IN_NAME = re.compile(r"(\d{2}-[A-Z][a-z]{2}-\d{4})")


class CivicFormatError(ValueError):
    """The input is not a CIViC clinical-evidence table this converter understands."""


def _open(path):
    path = Path(path)
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8", newline="")
    return open(path, encoding="utf-8", newline="")


def resolve_columns(header) -> dict[str, str]:
    """Field -> column name of this release; CivicFormatError naming every missing column."""
    present = set(header)
    columns, missing = {}, []
    for field, names in COLUMN_VARIANTS.items():
        found = next((n for n in names if n in present), None)
        if found is None:
            missing.append(" or ".join(names))
        columns[field] = found
    if "molecular_profile" in present:
        columns["molecular_profile"] = "molecular_profile"
    elif {"gene", "variant"} <= present:
        columns["gene"], columns["variant"] = "gene", "variant"
    else:
        missing.append("molecular_profile or gene + variant")
    if missing:
        raise CivicFormatError("CIViC table lacks column(s): " + "; ".join(missing))
    for field, names in OPTIONAL_VARIANTS.items():
        columns[field] = next((n for n in names if n in present), None)
    return columns


def release_date_from_name(path) -> str | None:
    """'01-Aug-2024-ClinicalEvidenceSummaries.tsv' -> '2024-08-01'; None without a date."""
    match = RELEASE_IN_NAME.search(Path(path).name)
    if not match:
        return None
    return datetime.strptime(match.group(1), "%d-%b-%Y").date().isoformat()


def normalize_alteration(variant: str) -> str:
    """CIViC variant name -> knowledge-base alteration (see the module docstring)."""
    text = " ".join(variant.split())
    fusion = FUSION.match(text)
    if fusion and ("::" in text or all(GENE.fullmatch(part) for part in fusion.groups())):
        return f"{fusion.group(1).upper()}::{fusion.group(2).upper()}"
    if text.lower() in CLASS_WORDS:
        return text.lower()
    return text


def normalize_drug(name: str) -> str:
    """'Imatinib Mesylate' -> 'imatinib': lower case, a trailing salt word removed."""
    words = name.strip().lower().split()
    if len(words) > 1 and words[-1] in SALTS:
        words = words[:-1]
    return " ".join(words)


def split_drugs(therapies: str, interaction: str) -> list[str]:
    """Drug entries of one row: 'a + b' for a combination, one entry per drug otherwise."""
    drugs = [normalize_drug(d) for d in therapies.split(",") if d.strip()]
    drugs = list(dict.fromkeys(drugs))
    if interaction.strip().lower() in JOINED_INTERACTIONS and len(drugs) > 1:
        return [" + ".join(drugs)]
    return drugs


def profile_components(profile: str) -> list[tuple[str, str]] | None:
    """(gene, variant) pairs of a molecular profile; None for OR / NOT / bracketed ones."""
    text = " ".join(profile.split())
    if re.search(r"\bOR\b|\bNOT\b|[()]", text):
        return None
    parts = []
    for part in text.split(" AND "):
        gene, _, variant = part.partition(" ")
        if not gene or not variant:
            return None
        parts.append((gene, variant))
    if len(parts) > 1:
        plain = [p for p in parts if "::" not in normalize_alteration(p[1])]
        if plain:
            parts = plain
    return parts


def legacy_profile(gene: str, variant: str) -> str:
    """Gene + variant of an older release as a profile: 'EML4-ALK L1196M' is a fusion carrying a
    second alteration, written 'ALK EML4-ALK AND ALK L1196M' as newer releases do."""
    gene, words = gene.strip(), variant.split()
    if len(words) > 1 and "::" in normalize_alteration(words[0]):
        return f"{gene} {words[0]} AND {gene} {' '.join(words[1:])}"
    return f"{gene} {' '.join(words)}"


def citation(row, columns) -> str:
    """PMID:<id>, DOI:<doi>, or ASCO:/ASH:<abstract id> of one evidence row."""
    cited = (row.get(columns["citation_id"]) or "").strip()
    kind = (row.get(columns["source_type"]) or "PubMed").strip() if columns["source_type"] else ""
    if cited.lower().startswith("10.") or cited.lower().startswith("doi:"):
        return "DOI:" + re.sub(r"^doi:", "", cited, flags=re.I)
    if kind and kind.lower() != "pubmed":
        abstract = (
            (row.get(columns["asco_abstract_id"]) or "").strip()
            if columns["asco_abstract_id"]
            else ""
        )
        return f"{kind.upper()}:{abstract or cited}"
    return f"PMID:{cited}" if cited else ""


def convert_rows(rows, columns, release_date: str, counts: dict | None = None) -> list[dict]:
    """Knowledge-base rows of CIViC evidence rows; counts (when given) gets the tallies."""
    counts = counts if counts is not None else {}
    for key in ("input", "predictive", "kept", "output"):
        counts.setdefault(key, 0)
    out = []
    for row in rows:
        counts["input"] += 1
        status = (
            row.get(columns["evidence_status"], "accepted") if columns["evidence_status"] else ""
        )
        if row[columns["evidence_type"]].strip().lower() != "predictive":
            continue
        if columns["evidence_status"] and status.strip().lower() != "accepted":
            continue
        counts["predictive"] += 1
        effect = EFFECTS.get(row[columns["significance"]].strip().lower())
        if effect is None or row[columns["evidence_direction"]].strip().lower() != "supports":
            continue
        if "molecular_profile" in columns:
            profile = " ".join(row[columns["molecular_profile"]].split())
        else:
            profile = legacy_profile(row[columns["gene"]], row[columns["variant"]])
        components = profile_components(profile)
        interaction = row.get(columns["interaction"], "") if columns["interaction"] else ""
        drugs = split_drugs(row[columns["therapies"]], interaction or "")
        if not components or not drugs:
            continue
        counts["kept"] += 1
        eid = row[columns["evidence_id"]].strip()
        for gene, variant in components:
            for drug in drugs:
                out.append(
                    {
                        "gene": gene.upper(),
                        "alteration": normalize_alteration(variant),
                        "drug": drug,
                        "effect": effect,
                        "evidence": citation(row, columns),
                        "evidence_level": row[columns["evidence_level"]].strip(),
                        "disease": row[columns["disease"]].strip(),
                        "source": f"CIViC {release_date} EID{eid}",
                        "molecular_profile": profile,
                    }
                )
    counts["output"] = len(out)
    return out


def read_civic(path, release_date: str, counts: dict | None = None) -> list[dict]:
    """Converted rows of a CIViC ClinicalEvidenceSummaries TSV (plain or gzip)."""
    with _open(path) as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        columns = resolve_columns(reader.fieldnames or [])
        return convert_rows(reader, columns, release_date, counts)


def write_knowledge(rows, path, source: str, release_date: str, counts: dict) -> None:
    """The converted table with a '#' comment header (source, release date, counts)."""
    genes = len({r["gene"] for r in rows})
    header = [
        "civic_predictive.tsv -- predictive, accepted, supporting CIViC evidence converted by",
        "scripts/resistance_timeline/knowledge/civic.py (mapping rules in its docstring).",
        f"Source: {source} (CIViC, CC0 public domain)",
        f"CIViC release date: {release_date}",
        f"version: CIViC {release_date}",
        f"Counts: {counts['input']} evidence rows read, {counts['predictive']} predictive and "
        f"accepted, {counts['kept']} with a mapped effect, Supports direction and a simple "
        f"profile, {len(rows)} output rows over {genes} genes",
    ]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.writelines(f"# {line}\n" for line in header)
        writer = csv.DictWriter(
            handle, fieldnames=OUTPUT_COLUMNS, delimiter="\t", lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(rows)


def import_record(args, rows, counts, release_date) -> str:
    """The README section of one import: the command, both files' checksums and the counts."""
    effects = {e: sum(r["effect"] == e for r in rows) for e in ("resistance", "sensitivity")}
    return "\n".join(
        [
            f"## Import of the CIViC release of {release_date}",
            "",
            f"    python -m resistance_timeline.knowledge.civic {args.input} {args.output} \\",
            f"        --release-date {release_date} --readme {args.readme}",
            "",
            f"- input `{Path(args.input).name}`: sha256 `{file_sha256(args.input)}`",
            f"- output `{Path(args.output).name}`: sha256 `{file_sha256(args.output)}`",
            f"- {counts['input']} evidence rows read, {counts['predictive']} predictive and "
            f"accepted, {counts['kept']} with a mapped effect, the Supports direction and a "
            "simple profile",
            f"- {len(rows)} output rows over {len({r['gene'] for r in rows})} genes: "
            f"{effects['resistance']} resistance, {effects['sensitivity']} sensitivity",
            "",
        ]
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input", help="CIViC *-ClinicalEvidenceSummaries.tsv (or .tsv.gz)")
    parser.add_argument("output", help="knowledge-base TSV to write")
    parser.add_argument("--release-date", help="CIViC release date, YYYY-MM-DD")
    parser.add_argument("--source", help="provenance text of the header (default: input name)")
    parser.add_argument(
        "--readme", help="Markdown file the import's checksums and counts are appended to"
    )
    args = parser.parse_args(argv)
    release_date = args.release_date or release_date_from_name(args.input)
    if not release_date:
        parser.error("no --release-date given and none in the input file name")
    counts: dict = {}
    try:
        rows = read_civic(args.input, release_date, counts)
    except CivicFormatError as err:
        print(f"error: {args.input}: {err}", file=sys.stderr)
        return 1
    write_knowledge(rows, args.output, args.source or Path(args.input).name, release_date, counts)
    print(f"{args.output}: {len(rows)} rows ({counts['predictive']} predictive evidence rows)")
    if args.readme:
        with open(args.readme, "a", encoding="utf-8") as handle:
            handle.write(import_record(args, rows, counts, release_date))
        print(f"{args.readme}: import recorded (checksums, counts)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
