"""Contig naming: whether names a file uses differ from the reference's only by a 'chr'
prefix (chr2 against 2), the commonest reason a lab's file names contigs the FASTA lacks."""

CHR_HINT = " (the names differ by a 'chr' prefix)"


def differ_by_chr_prefix(names, known) -> bool:
    """Whether some of ``names``, with 'chr' added or removed, are among ``known``."""
    flipped = {n[3:] if n.startswith("chr") else "chr" + n for n in names}
    return bool(flipped & set(known))
