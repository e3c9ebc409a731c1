"""Merge per-sample gene counts (STAR ReadsPerGene.out.tab format) into the cohort matrix
results/expression/counts.tsv (gene_id, gene_name, one column per RNA sample), and a summary
of unassigned reads per sample with a check of the configured strandedness."""

from resistance_timeline.io.annotation import gtf_rows
from resistance_timeline.io.tables import write_rows
from resistance_timeline.rna.gene_counts import SUMMARY_ROWS

# ReadsPerGene.out.tab columns after gene_id: unstranded, read 1 sense, read 1 antisense
STRAND_COLUMN = {"unstranded": 1, "forward": 2, "reverse": 3}


def gene_names(gtf_path):
    """gene_id → gene_name from a GTF (the id itself when a gene has no name), in file order."""
    names = {}
    for _, attrs in gtf_rows(gtf_path):
        if "gene_id" in attrs:
            gene = attrs["gene_id"][0]
            names.setdefault(gene, attrs.get("gene_name", [gene])[0])
    return names


def read_gene_counts(path):
    """(summary rows, gene rows) of a ReadsPerGene table: {name: [unstr, fwd, rev]}."""
    summary, genes = {}, {}
    with open(path) as handle:
        for line in handle:
            fields = line.rstrip("\n").split("\t")
            if len(fields) != 4:
                raise ValueError(f"{path}: expected 4 columns, got {len(fields)}: {line!r}")
            target = summary if fields[0] in SUMMARY_ROWS else genes
            target[fields[0]] = [int(x) for x in fields[1:]]
    return summary, genes


def strandedness_check(genes, chosen):
    """Assigned reads in the chosen column vs the opposite one; a warning text when the
    library looks stranded the other way (or unstranded while set as stranded)."""
    forward = sum(v[1] for v in genes.values())
    reverse = sum(v[2] for v in genes.values())
    if chosen == "unstranded" or forward + reverse == 0:
        return forward, reverse, ""
    mine, other = (forward, reverse) if chosen == "forward" else (reverse, forward)
    if other > mine:
        return (
            forward,
            reverse,
            (
                f"more reads count as {'reverse' if chosen == 'forward' else 'forward'} than as "
                f"{chosen} ({other} vs {mine}): check rna: strandedness in config.yaml"
            ),
        )
    if mine < 3 * other:
        return (
            forward,
            reverse,
            (
                f"the library looks unstranded ({mine} {chosen} vs {other} opposite): "
                "check rna: strandedness in config.yaml"
            ),
        )
    return forward, reverse, ""


def build(count_paths, samples, gtf_path, strandedness):
    """The count matrix rows, the summary rows and warnings, from per-sample tables."""
    names = gene_names(gtf_path)
    column = STRAND_COLUMN[strandedness]
    matrix, summary, warnings = {}, [], []
    gene_order = None
    for sample, path in zip(samples, count_paths):
        unassigned, genes = read_gene_counts(path)
        if gene_order is None:
            gene_order = list(genes)
        elif list(genes) != gene_order:
            raise ValueError(f"{path}: genes differ from the first sample's table")
        matrix[sample] = {g: v[column - 1] for g, v in genes.items()}
        forward, reverse, warning = strandedness_check(genes, strandedness)
        if warning:
            warnings.append(f"{sample}: {warning}")
        assigned = sum(matrix[sample].values())
        summary.append(
            [sample, assigned]
            + [unassigned.get(k, [0, 0, 0])[column - 1] for k in SUMMARY_ROWS]
            + [forward, reverse, warning]
        )
    rows = [[g, names.get(g, g)] + [matrix[s][g] for s in samples] for g in (gene_order or [])]
    return rows, summary, warnings


def write_matrix(rows, samples, path):
    """The count matrix: gene_id, gene_name, one column per sample."""
    write_rows(rows, path, ["gene_id", "gene_name", *samples])


def write_summary(summary, path):
    """Assigned and unassigned reads per sample, both strand columns, and the warning."""
    header = ["sample_id", "assigned", *SUMMARY_ROWS, "read1_sense", "read1_antisense"]
    write_rows(summary, path, [*header, "warning"])
