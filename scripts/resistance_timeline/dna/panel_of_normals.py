"""The panel of normals: a per-site table of the alt reads normal samples show, for the
background model (dna.background).

Built by rule build_panel_of_normals from the pileup of every panel normal (``bcftools
mpileup`` per target chunk, split to one record per alt allele and normalized against the
reference, so its alleles are written as the candidates are), streamed record by record: memory
does not grow with the targets or the number of normals.

The table (bgzipped, tabix-indexed; ``results/reference/panel_of_normals.tsv.gz``)::

    ##resistance-timeline panel of normals
    ##normals=<sample ids, comma-separated: the panel's normals, in this order>
    ##min_mapq=20   ##min_baseq=20   ##min_alt_reads=2   ##targets=<BED name>
    #contig  pos  ref  alt  depth  alt_reads  alt_fwd  alt_rev  carriers

One row per site and alt allele whose pooled alt reads reach ``min_alt_reads`` (a single error
read in the whole panel says no more than the background's floor, and writing every such row
would make the table as large as the targets times the alleles). ``depth`` and ``alt_reads``
are pooled over all normals (ref + alt reads, as the genotyper's depth); ``carriers`` lists the
normals with alt reads as ``index:alt:depth`` (index into ``##normals``), so a patient's own
normal can be left out of its background exactly when it shows the allele, and approximately
(an equal share of the remaining depth) when it does not.
"""

import heapq
import os
from dataclasses import dataclass

import pysam

from resistance_timeline.dna.chunks import read_targets
from resistance_timeline.io.versions import file_sha256

MAGIC = "##resistance-timeline panel of normals"
COLUMNS = ("contig", "pos", "ref", "alt", "depth", "alt_reads", "alt_fwd", "alt_rev", "carriers")


@dataclass(frozen=True, slots=True)
class PanelRow:
    """One panel row: pooled ``depth`` and ``alt`` reads, alt reads per strand, and the
    normals with alt reads, {index: (alt, depth)}."""

    contig: str
    pos: int
    ref: str
    alt: str
    depth: int
    alt_reads: int
    alt_fwd: int
    alt_rev: int
    carriers: dict


def _pair(values, j):
    """The ``j``-th value of a FORMAT tuple as an int (0 when missing)."""
    if not values or j >= len(values) or values[j] is None:
        return 0
    return int(values[j])


def record_row(rec, index, min_alt_reads):
    """The panel row of one split, normalized mpileup record (None below ``min_alt_reads``);
    ``index``: the record's sample names -> their index in the panel's normals."""
    depth = alt = fwd = rev = 0
    carriers = {}
    for name, call in rec.samples.items():
        ad = call.get("AD")
        a, r = _pair(ad, 1), _pair(ad, 0)
        depth += a + r
        alt += a
        if a:
            carriers[index[name]] = (a, a + r)
            fwd += _pair(call.get("ADF"), 1)
            rev += _pair(call.get("ADR"), 1)
    if alt < min_alt_reads:
        return None
    return PanelRow(rec.chrom, rec.pos, rec.ref, rec.alts[0], depth, alt, fwd, rev, carriers)


def format_row(row):
    carriers = ",".join(f"{i}:{a}:{d}" for i, (a, d) in sorted(row.carriers.items()))
    values = (row.contig, row.pos, row.ref, row.alt, row.depth, row.alt_reads)
    return "\t".join(map(str, (*values, row.alt_fwd, row.alt_rev, carriers))) + "\n"


def parse_row(line):
    f = line.rstrip("\n").split("\t")
    carriers = {}
    for item in f[8].split(",") if len(f) > 8 and f[8] else ():
        i, a, d = item.split(":")
        carriers[int(i)] = (int(a), int(d))
    return PanelRow(f[0], int(f[1]), f[2], f[3], *map(int, f[4:8]), carriers)


def chunk_rows(path, normals, min_alt_reads, contig_order):
    """Panel rows of one chunk's pileup BCF, as (contig rank, pos, ref, alt, row) for merging;
    ``contig_order``: contig -> rank."""
    index = {name: i for i, name in enumerate(normals)}
    if os.path.getsize(path) == 0:  # a chunk without targets
        return
    with pysam.VariantFile(path) as bcf:
        unknown = [s for s in bcf.header.samples if s not in index]
        if unknown:
            raise ValueError(f"{path}: samples {unknown} are not panel normals {normals}")
        for rec in bcf:
            if not rec.alts or rec.alts[0] == "<*>":
                continue
            row = record_row(rec, index, min_alt_reads)
            if row is not None:
                yield contig_order[row.contig], row.pos, row.ref, row.alt, row


def write_panel(pileups, out_path, normals, settings, targets):
    """Merge the chunks' pileups into the bgzipped table ``out_path`` and its tabix index;
    returns the number of rows.

    The chunks are consecutive pieces of the targets BED and mpileup walks each in the BED's
    order, so rows are merged by (the contig's first appearance in the BED, position): each
    contig's rows then form one block, as tabix needs, whatever the BED's contig order.
    ``settings``: {min_mapq, min_baseq, min_alt_reads}; ``targets``: the targets BED, named
    in the header with its checksum."""
    order = {}
    for target in read_targets(targets):
        order.setdefault(target.contig, len(order))
    streams = [chunk_rows(p, normals, settings["min_alt_reads"], order) for p in pileups]
    header = [MAGIC, f"##normals={','.join(normals)}"]
    header += [f"##{k}={settings[k]}" for k in ("min_mapq", "min_baseq", "min_alt_reads")]
    header += [f"##targets={os.path.basename(targets)} sha256:{file_sha256(targets)[:16]}"]
    header += ["#" + "\t".join(COLUMNS)]
    n = 0
    tmp = out_path + ".part"
    last, here = None, set()  # the last (contig rank, pos) and the alleles written there
    with pysam.BGZFile(tmp, "wb") as out:
        out.write(("\n".join(header) + "\n").encode())
        for rank, pos, ref, alt, row in heapq.merge(*streams, key=lambda item: item[:2]):
            if last is not None and (rank, pos) < last:
                raise ValueError(
                    f"pileup rows out of order at {row.contig}:{pos} (after {last[1]} of "
                    f"contig #{last[0]}): the chunks must follow the targets BED"
                )
            if (rank, pos) != last:
                last, here = (rank, pos), set()
            if (ref, alt) in here:  # overlapping regions of a chunk give a record twice
                continue
            here.add((ref, alt))
            out.write(format_row(row).encode())
            n += 1
    os.replace(tmp, out_path)
    pysam.tabix_index(out_path, seq_col=0, start_col=1, end_col=1, meta_char="#", force=True)
    return n


def read_header(path):
    """{normals: [...], and the ``##key=value`` settings} of a panel table; ValueError when the
    file is not one."""
    meta = {}
    with pysam.BGZFile(path, "rb") as fh:
        first = True
        for raw in fh:
            line = raw.decode().rstrip("\n")
            if first and line != MAGIC:
                raise ValueError(f"{path}: not a panel of normals (first line not {MAGIC!r})")
            first = False
            if not line.startswith("##"):
                break
            key, _, value = line[2:].partition("=")
            if value:
                meta[key] = value
    if "normals" not in meta:
        raise ValueError(f"{path}: no ##normals= line")
    meta["normals"] = [n for n in meta["normals"].split(",") if n]
    return meta


class Panel:
    """Reads a panel table region by region (tabix)."""

    def __init__(self, path):
        self.path = path
        self.normals = read_header(path)["normals"]
        self._tabix = pysam.TabixFile(path)
        self._contigs = set(self._tabix.contigs)

    def rows(self, contig, start, end):
        """Rows with start <= pos - 1 < end (0-based half-open), in file order."""
        if contig not in self._contigs:
            return []
        return [parse_row(line) for line in self._tabix.fetch(contig, max(start, 0), end)]

    def close(self):
        self._tabix.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
