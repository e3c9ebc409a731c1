"""Builders of tiny alignments for the genotyper's and the panel of normals' tests: a 2 kb
random contig with hand-made indel contexts, and BAMs of hand-placed reads."""

import random

import pysam

READ_LEN = 100


def make_reference():
    """2 kb random contig with hand-made indel contexts (0-based starts in comments)."""
    rng = random.Random(7)
    seq = list("".join(rng.choice("ACGT") for _ in range(2000)))

    def put(at, text):
        seq[at : at + len(text)] = text

    put(300, "ACTGGATCCA")  # deletion of TGG at 302-304, anchor C at 301 (VCF 302 CTGG>C)
    put(400, "GATCGTACCA")  # insertion of TG after A401 (VCF 402 A>ATG)
    put(600, "GCAAAAAAGTC")  # homopolymer A602-607; 2-bp deletion VCF 602 CAA>C
    put(800, "GTCACACACAGG")  # CA repeat 802-809; insertion VCF 802 T>TCA
    put(500, "A")  # SNV site 500 (VCF 501 A>T)
    return "".join(seq)


REFSEQ = make_reference()


def write_fasta(tmp_path):
    fa = tmp_path / "ref.fa"
    fa.write_text(">chr1\n" + "\n".join(REFSEQ[i : i + 60] for i in range(0, 2000, 60)) + "\n")
    pysam.faidx(str(fa))
    return str(fa)


def aligned(start, length=READ_LEN, snv=None, dele=None, ins=None):
    """(seq, cigar) of a read from ``start`` carrying an SNV {pos: base}, a deletion
    (first deleted pos, n) or an insertion (pos after which, bases)."""
    if dele is not None:
        d, n = dele
        left = d - start
        seq = REFSEQ[start:d] + REFSEQ[d + n : d + n + length - left]
        return seq, [(0, left), (2, n), (0, length - left)]
    if ins is not None:
        p, bases = ins
        left = p + 1 - start
        seq = REFSEQ[start : p + 1] + bases + REFSEQ[p + 1 : p + 1 + length - left - len(bases)]
        return seq, [(0, left), (1, len(bases)), (0, length - left - len(bases))]
    seq = list(REFSEQ[start : start + length])
    for pos, base in (snv or {}).items():
        seq[pos - start] = base
    return "".join(seq), [(0, length)]


def rd(name, start, seq_cigar, flag=0, mapq=60, qual=30, low_q_at=None, tlen=0):
    """Read spec dict for write_bam; ``low_q_at`` = {query offset: quality}; ``tlen`` the
    template length (fragment length, signed as the aligner writes it)."""
    seq, cigar = seq_cigar
    quals = [qual] * len(seq)
    for off, q in (low_q_at or {}).items():
        quals[off] = q
    spec = dict(name=name, start=start, seq=seq, cigar=cigar, flag=flag, mapq=mapq, qual=quals)
    return spec | {"tlen": tlen}


def write_bam(tmp_path, name, reads):
    header = {"HD": {"VN": "1.6", "SO": "unsorted"}, "SQ": [{"SN": "chr1", "LN": 2000}]}
    unsorted = str(tmp_path / f"{name}.unsorted.bam")
    with pysam.AlignmentFile(unsorted, "wb", header=header) as out:
        for r in reads:
            a = pysam.AlignedSegment(out.header)
            a.query_name, a.flag, a.reference_id = r["name"], r["flag"], 0
            a.reference_start, a.mapping_quality = r["start"], r["mapq"]
            a.template_length = r.get("tlen", 0)
            a.cigartuples, a.query_sequence = r["cigar"], r["seq"]
            a.query_qualities = pysam.qualitystring_to_array(
                "".join(chr(q + 33) for q in r["qual"])
            )
            out.write(a)
    path = str(tmp_path / f"{name}.bam")
    pysam.sort("-o", path, unsorted)
    pysam.index(path)
    return path
