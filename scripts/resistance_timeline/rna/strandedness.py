"""Library strandedness of one RNA sample, inferred from its reads, and the value the RNA rules
use (rule infer_strandedness; read by call_fusions, track_fusions and build_count_matrix).

The evidence is the sample's gene counts (STAR's ReadsPerGene.out.tab, or the same table counted
from an imported BAM by rna/gene_counts.py): fragments assigned to a gene with read 1 on the
gene's strand (column 3, sense) against read 1 on the opposite strand (column 4, antisense),
summed over all genes. With s = sense / (sense + antisense), as RSeQC's infer_experiment.py
reasons from read strand over gene models:

- s >= 0.9: ``forward`` (read 1 sense); s <= 0.1: ``reverse`` (read 1 antisense, dUTP/TruSeq);
- 0.4 <= s <= 0.6: ``unstranded``;
- otherwise ``mixed``: part of the library stranded, part not (or two kits pooled), e.g. half
  reverse-stranded and half unstranded gives s = 0.25;
- fewer than MIN_FRAGMENTS assigned fragments: ``unknown``.

A warning is written (the log, the console and this table) when the library looks mixed, or
when the configured ``rna: strandedness`` is not ``auto`` and disagrees with the inferred value,
in every mode (``unstranded`` included). ``auto`` uses the inferred value, and ``unstranded``
when the library is mixed or unknown: reading every read on its gene's strand keeps all of a
mixed library's fusion reads, where a stranded setting would drop the part sequenced the other
way. A configured value other than ``auto`` is always used as given.
"""

from resistance_timeline.io.tables import read_tsv, write_tsv

FORWARD_MIN, REVERSE_MAX = 0.9, 0.1
UNSTRANDED_BAND = (0.4, 0.6)
MIN_FRAGMENTS = 100
COLUMNS = [
    "sample_id",
    "read1_sense",
    "read1_antisense",
    "sense_fraction",
    "inferred",
    "configured",
    "used",
    "warning",
]


def infer(sense: int, antisense: int) -> tuple[str, float | None]:
    """(inferred strandedness, sense fraction) from gene-assigned read-1 strand counts."""
    total = sense + antisense
    if total < MIN_FRAGMENTS:
        return "unknown", (sense / total if total else None)
    s = sense / total
    if s >= FORWARD_MIN:
        return "forward", s
    if s <= REVERSE_MAX:
        return "reverse", s
    if UNSTRANDED_BAND[0] <= s <= UNSTRANDED_BAND[1]:
        return "unstranded", s
    return "mixed", s


def verdict(sample_id, genes, configured) -> dict:
    """The table row of one sample: ``genes`` {gene: [unstranded, sense, antisense]} as read by
    count_matrix.read_gene_counts, ``configured`` the rna: strandedness setting."""
    sense = sum(v[1] for v in genes.values())
    antisense = sum(v[2] for v in genes.values())
    inferred, fraction = infer(sense, antisense)
    if configured != "auto":
        used = configured
    else:
        used = inferred if inferred in ("forward", "reverse", "unstranded") else "unstranded"
    shown = "n/a" if fraction is None else f"{fraction:.3f}"
    warnings = []
    if inferred == "mixed":
        warnings.append(
            f"the library looks mixed ({shown} of gene-assigned read 1 sense; stranded would be"
            f" <= {REVERSE_MAX} or >= {FORWARD_MIN}, unstranded about 0.5)"
        )
    elif configured != "auto" and inferred not in ("unknown", configured):
        warnings.append(f"rna: strandedness is {configured} but the reads look {inferred}")
    if inferred == "unknown":
        warnings.append(f"too few gene-assigned fragments ({sense + antisense}) to infer it")
    if warnings:
        warnings.append(f"using {used}; check rna: strandedness in the configuration")
    return {
        "sample_id": sample_id,
        "read1_sense": sense,
        "read1_antisense": antisense,
        "sense_fraction": "" if fraction is None else round(fraction, 4),
        "inferred": inferred,
        "configured": configured,
        "used": used,
        "warning": "; ".join(warnings),
    }


def write_verdict(row, path):
    """The one-row table of a sample (COLUMNS)."""
    write_tsv([row], path, COLUMNS)


def read_verdict(path) -> dict:
    """The row written by write_verdict."""
    (row,) = read_tsv(path)
    return row


def used_strandedness(configured, verdict_path=None) -> str:
    """The strandedness a rule reads the sample with: the configured value unless it is
    ``auto``, then the ``used`` value of the sample's verdict table."""
    if configured != "auto":
        return configured
    if not verdict_path:
        raise ValueError("rna: strandedness auto needs the sample's inferred strandedness table")
    return read_verdict(verdict_path)["used"]
