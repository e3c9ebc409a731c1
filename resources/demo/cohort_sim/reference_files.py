"""Writers of the reference files: FASTA (+ .fai), GFF3, GTF and the capture-target BED."""

from __future__ import annotations

import numpy as np

from .genome import Gene


def write_fasta(path, contigs: dict[str, np.ndarray], width: int = 60) -> None:
    """FASTA with fixed line width."""
    with open(path, "w") as fh:
        for name, seq in contigs.items():
            s = seq.tobytes().decode()
            fh.write(f">{name}\n")
            fh.write("\n".join(s[i : i + width] for i in range(0, len(s), width)) + "\n")


def write_fai(path, contigs: dict[str, np.ndarray], width: int = 60) -> None:
    """samtools-compatible .fai for write_fasta output."""
    off = 0
    with open(path, "w") as fh:
        for name, seq in contigs.items():
            off += len(name) + 2
            n = len(seq)
            fh.write(f"{name}\t{n}\t{off}\t{width}\t{width + 1}\n")
            off += n + (n + width - 1) // width


def _attrs(pairs) -> str:
    return ";".join(f"{k}={v}" for k, v in pairs)


def _row(g: Gene, kind: str, a: int, b: int, phase: str, attrs: str) -> str:
    """One GFF3/GTF feature row of gene g; [a, b) 0-based half-open."""
    return "\t".join([g.contig, "demo", kind, str(a + 1), str(b), ".", g.strand, phase, attrs])


def _exon_id(g: Gene, k: int) -> str:
    return f"ENSERT{int(g.gene_id[6:]):07d}{k:04d}"


def write_gff3(path, contigs, genes: dict[str, Gene]) -> None:
    """Ensembl-style GFF3 (gene / mRNA / exon / CDS / UTR rows) accepted by bcftools csq."""
    lines = ["##gff-version 3"]
    lines += [f"##sequence-region   {c} 1 {len(s)}" for c, s in contigs.items()]
    for g in sorted(genes.values(), key=lambda g: (list(contigs).index(g.contig), g.start)):
        gene_attrs = [
            ("ID", f"gene:{g.gene_id}"),
            ("Name", g.name),
            ("biotype", "protein_coding"),
            ("description", f"{g.name} (synthetic sequence)"),
            ("gene_id", g.gene_id),
            ("version", 1),
        ]
        tx_attrs = [
            ("ID", f"transcript:{g.tx_id}"),
            ("Parent", f"gene:{g.gene_id}"),
            ("Name", f"{g.name}-201"),
            ("biotype", "protein_coding"),
            ("tag", "basic,Ensembl_canonical"),
            ("transcript_id", g.tx_id),
            ("version", 1),
        ]
        lines.append(_row(g, "gene", g.start, g.end, ".", _attrs(gene_attrs)))
        lines.append(_row(g, "mRNA", g.start, g.end, ".", _attrs(tx_attrs)))
        parent = ("Parent", f"transcript:{g.tx_id}")
        rows = []
        for k, (a, b) in enumerate(g.exons, 1):
            exon_attrs = [
                parent,
                ("Name", _exon_id(g, k)),
                ("exon_id", _exon_id(g, k)),
                ("exon_number", k),
                ("rank", k),
                ("version", 1),
            ]
            rows.append((a, 0, "exon", a, b, ".", _attrs(exon_attrs)))
        cds_attrs = _attrs([("ID", f"CDS:{g.protein_id}"), parent, ("protein_id", g.protein_id)])
        done = 0
        for a, b, _ in g.segments(g.cds_start, g.cds_end):
            phase = (3 - done % 3) % 3
            done += b - a
            rows.append((a, 1, "CDS", a, b, str(phase), cds_attrs))
        tx_len = sum(g.exon_lens)
        for kind, (t0, t1) in (
            ("five_prime_UTR", (0, g.cds_start)),
            ("three_prime_UTR", (g.cds_end, tx_len)),
        ):
            for a, b, _ in g.segments(t0, t1):
                rows.append((a, 2, kind, a, b, ".", _attrs([parent])))
        for _, _, kind, a, b, phase, attrs in sorted(rows):
            lines.append(_row(g, kind, a, b, phase, attrs))
        lines.append("###")
    with open(path, "w") as fh:
        fh.write("\n".join(lines) + "\n")


def write_gtf(path, contigs, genes: dict[str, Gene]) -> None:
    """Ensembl-style GTF for STAR/featureCounts (CDS rows exclude the stop codon, as Ensembl
    does)."""
    lines = []
    for g in sorted(genes.values(), key=lambda g: (list(contigs).index(g.contig), g.start)):
        base = f'gene_id "{g.gene_id}"; gene_name "{g.name}"; gene_biotype "protein_coding";'
        txa = (
            f'{base} transcript_id "{g.tx_id}"; transcript_name "{g.name}-201";'
            ' transcript_biotype "protein_coding"; tag "Ensembl_canonical";'
        )
        lines.append(_row(g, "gene", g.start, g.end, ".", base))
        lines.append(_row(g, "transcript", g.start, g.end, ".", txa))
        for k, (a, b) in enumerate(g.exons, 1):
            exon = f'{txa} exon_number "{k}"; exon_id "{_exon_id(g, k)}";'
            lines.append(_row(g, "exon", a, b, ".", exon))
        done = 0
        for a, b, k in g.segments(g.cds_start, g.cds_end - 3):
            cds = f'{txa} exon_number "{k}"; protein_id "{g.protein_id}";'
            lines.append(_row(g, "CDS", a, b, str((3 - done % 3) % 3), cds))
            done += b - a
        for kind, (t0, t1) in (
            ("start_codon", (g.cds_start, g.cds_start + 3)),
            ("stop_codon", (g.cds_end - 3, g.cds_end)),
        ):
            for a, b, k in g.segments(t0, t1):
                lines.append(_row(g, kind, a, b, ".", f'{txa} exon_number "{k}";'))
    with open(path, "w") as fh:
        fh.write("\n".join(lines) + "\n")


def write_bed(path, targets) -> None:
    """0-based BED4 of capture targets."""
    with open(path, "w") as fh:
        fh.writelines(f"{c}\t{a}\t{b}\t{n}\n" for c, a, b, n in targets)
