"""Merge per-sample gene counts (STAR ReadsPerGene.out.tab format) into the cohort matrix
results/expression/counts.tsv (gene_id, gene_name, one column per RNA sample), and a summary
of unassigned reads per sample with its strandedness (inferred from the reads, used, and any
warning; rna/strandedness.py)."""

from resistance_timeline.io.gene_model import load_annotation
from resistance_timeline.io.tables import write_rows
from resistance_timeline.rna.gene_counts import SUMMARY_ROWS

# ReadsPerGene.out.tab columns after gene_id: unstranded, read 1 sense, read 1 antisense
STRAND_COLUMN = {"unstranded": 1, "forward": 2, "reverse": 3}


def gene_names(annotation_path):
    """gene_id → gene_name from a GTF or the gene model (the id itself when a gene has no
    name), in file order."""
    return load_annotation(annotation_path, ()).names


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


def build(count_paths, samples, gtf_path, verdicts):
    """The count matrix rows, the summary rows and warnings, from per-sample tables; each
    sample's column is the one of its ``used`` strandedness (``verdicts``: its
    rna/strandedness.py row, samples order)."""
    names = gene_names(gtf_path)
    matrix, summary, warnings = {}, [], []
    gene_order = None
    for sample, path, verdict in zip(samples, count_paths, verdicts):
        column = STRAND_COLUMN[verdict["used"]]
        unassigned, genes = read_gene_counts(path)
        if gene_order is None:
            gene_order = list(genes)
        elif list(genes) != gene_order:
            raise ValueError(f"{path}: genes differ from the first sample's table")
        matrix[sample] = {g: v[column - 1] for g, v in genes.items()}
        if verdict["warning"]:
            warnings.append(f"{sample}: {verdict['warning']}")
        assigned = sum(matrix[sample].values())
        summary.append(
            [sample, assigned]
            + [unassigned.get(k, [0, 0, 0])[column - 1] for k in SUMMARY_ROWS]
            + [verdict[k] for k in ("read1_sense", "read1_antisense", "inferred", "used")]
            + [verdict["warning"]]
        )
    rows = [[g, names.get(g, g)] + [matrix[s][g] for s in samples] for g in (gene_order or [])]
    return rows, summary, warnings


def write_matrix(rows, samples, path):
    """The count matrix: gene_id, gene_name, one column per sample."""
    write_rows(rows, path, ["gene_id", "gene_name", *samples])


def write_summary(summary, path):
    """Assigned and unassigned reads per sample, both strand columns, the strandedness
    inferred and used, and the warning."""
    header = ["sample_id", "assigned", *SUMMARY_ROWS, "read1_sense", "read1_antisense"]
    header += ["strandedness_inferred", "strandedness_used"]
    write_rows(summary, path, [*header, "warning"])
