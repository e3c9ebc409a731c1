"""The compact gene model: the GTF parsed once (rule build_gene_model) into a small TSV that
every later RNA rule reads instead of the GTF (fusion calling and tracking, kinase imbalance,
gene counting of imported BAMs, the count matrix's gene names).

It holds exactly what io/annotation.py's GtfGenes holds, so reading it gives the same answers
as parsing the GTF: per gene, in GTF order, a ``gene`` row (id, name, contig, strand, span,
canonical transcript id), the canonical transcript's ``exon`` rows (transcript order, value =
exon number) and ``cds`` rows (value = GTF phase), and the ``union`` rows (merged exons of all
its transcripts, for counting). A gene without exons has only its gene row. A TSV, not
Parquet: no extra dependency, readable with ``grep``, and its plain split is about ten times
faster than parsing GTF attributes (bench/annotation.py).

``load_annotation`` and ``load_genes`` read either (the model by its suffix, else the GTF):
the RNA arm and the fusion frames load genes through this module, io/annotation.py (the GTF
and GFF3 parsers, the canonical-transcript rule, the gene index) imports nothing of it.
"""

from resistance_timeline.io.annotation import CDS, Exon, Gene, GtfGenes, parse_gtf

MODEL_SUFFIX = ".model.tsv"
FORMAT = "#resistance-timeline gene model v1"
COLUMNS = (
    "feature",
    "gene_id",
    "gene_name",
    "contig",
    "strand",
    "start",
    "end",
    "value",
    "transcript_id",
)


def is_model(path) -> bool:
    """Whether ``path`` names a gene model (by its suffix) rather than a GTF."""
    return str(path).endswith(MODEL_SUFFIX)


def write_model(annotation: GtfGenes, path, source=""):
    """Write GtfGenes as the gene model TSV; ``source`` is recorded in the header."""
    with open(path, "w") as out:
        out.write(f"{FORMAT} from {source}\n" + "\t".join(COLUMNS) + "\n")
        for gid in annotation.order:
            name = annotation.names.get(gid, gid)
            gene = annotation.genes.get(gid)
            union = annotation.unions.get(gid)
            if gene is not None:
                contig, strand, start, end = gene.contig, gene.strand, gene.start, gene.end
                tid = gene.transcript_id
            elif union is not None:
                contig, strand = union[0], union[1]
                start, end, tid = union[2][0][0], union[2][-1][1], ""
            else:
                contig = strand = tid = ""
                start = end = 0
            out.write(f"gene\t{gid}\t{name}\t{contig}\t{strand}\t{start}\t{end}\t.\t{tid}\n")
            for e in gene.exons if gene else ():
                out.write(f"exon\t{gid}\t\t\t\t{e.start}\t{e.end}\t{e.number}\t\n")
            for c in gene.cds if gene else ():
                out.write(f"cds\t{gid}\t\t\t\t{c.start}\t{c.end}\t{c.phase}\t\n")
            for a, b in union[2] if union else ():
                out.write(f"union\t{gid}\t\t\t\t{a}\t{b}\t.\t\n")


def build_model(gtf_path, path):
    """Parse the GTF once and write its gene model; returns the GtfGenes."""
    annotation = parse_gtf(gtf_path)
    write_model(annotation, path, source=str(gtf_path))
    return annotation


def read_model(path, parts=("genes", "unions")) -> GtfGenes:
    """The GtfGenes stored in a gene model TSV; ``parts`` says which of the transcript
    models (``genes``) and merged exons (``unions``) to read (gene ids and names always):
    counting needs only the unions, the count matrix neither."""
    want_genes, want_unions = "genes" in parts, "unions" in parts
    order, names, genes, unions = [], {}, {}, {}
    current = None  # (gene id, row fields) of the gene being read
    exons, cds, union = [], [], []

    def close():
        if current is None:
            return
        gid, f = current
        if exons:
            genes[gid] = Gene(gid, f[2], f[3], f[4], int(f[5]), int(f[6]), f[8], exons, cds)
        if union:
            unions[gid] = (f[3], f[4], union)

    with open(path) as handle:
        first = handle.readline()
        if not first.startswith(FORMAT):
            raise ValueError(f"{path}: not a gene model ({FORMAT!r} expected on line 1)")
        handle.readline()  # column names
        for line in handle:
            f = line.rstrip("\n").split("\t")
            kind = f[0]
            if kind == "gene":
                close()
                current, exons, cds, union = (f[1], f), [], [], []
                order.append(f[1])
                names[f[1]] = f[2]
            elif kind == "exon":
                if want_genes:
                    exons.append(Exon(int(f[5]), int(f[6]), int(f[7])))
            elif kind == "cds":
                if want_genes:
                    cds.append(CDS(int(f[5]), int(f[6]), int(f[7])))
            elif want_unions:
                union.append((int(f[5]), int(f[6])))
    close()
    return GtfGenes(order, names, genes, unions)


def load_annotation(path, parts=("genes", "unions")) -> GtfGenes:
    """GtfGenes of a GTF, or of the compact gene model written by rule build_gene_model
    (read much faster, and only the ``parts`` asked for)."""
    return read_model(path, parts) if is_model(path) else parse_gtf(path)


def load_genes(path) -> dict[str, Gene]:
    """{gene_id: Gene} holding each gene's canonical transcript, from a GTF or the gene model.

    Genes without any exon row are dropped; a gene's span is taken from its ``gene`` row,
    else from its exons.
    """
    return load_annotation(path, ("genes",)).genes
