"""UMI libraries: duplicates marked by position and unique molecular identifier.

At 1,000x in plasma, distinct cfDNA fragments often share both ends, so marking duplicates by
position alone throws real molecules away; a UMI tells them apart. A unit's read structure
(units.tsv ``umi``: ``read1:8``, ``read2:6+1``, ``per_read:5``) becomes fastp's UMI options
(the UMI leaves the read and joins its name as ``:UMI_<bases>``), and ``samtools markdup``
then marks a read pair a duplicate only when its position *and* its UMI match another's
(``--barcode-rgx``). For every UMI sample the rate by position alone is measured too
(``samtools markdup`` again, its output discarded), so the QC table shows what the UMIs saved.

Consensus reads (single-strand or duplex) are not built here: fgbio, which builds them
(CallMolecularConsensusReads, CallDuplexConsensusReads), is Java from bioconda, not in Debian
or PyPI; UMI-tools (PyPI) groups and deduplicates by UMI but builds no consensus, which is what
samtools markdup does here already. A lab that builds consensus reads enters the consensus BAM
as a BAM unit (README, "UMI libraries").
"""

from resistance_timeline.io.tables import write_tsv

UMI_PREFIX = "UMI"
# the UMI in a read name as fastp writes it ("frag1:UMI_ACGTACGT", per_read "UMI_ACGT_TTGA")
MARKDUP_BARCODE = f"--barcode-rgx ':{UMI_PREFIX}_([ACGTN_]+)'"
COLUMNS = ["sample_id", "material", "umi", "reads_examined", "duplicate_fraction"]
COLUMNS += ["duplicate_fraction_by_position"]


def fastp_options(structure):
    """fastp's options for a read structure (``read1:8+2`` -> 8 UMI bases then 2 skipped at
    the start of read 1); '' for none."""
    if not structure:
        return ""
    where, _, size = structure.partition(":")
    length, _, skip = size.partition("+")
    options = f"--umi --umi_loc {where} --umi_len {int(length)} --umi_prefix {UMI_PREFIX}"
    return options + (f" --umi_skip {int(skip)}" if skip else "")


def read_markdup(path):
    """The counts of a ``samtools markdup -f`` statistics file, by name."""
    counts = {}
    with open(path) as handle:
        for line in handle:
            name, sep, value = line.partition(":")
            if sep and value.strip().isdigit():
                counts[name.strip()] = int(value)
    return counts


def duplicate_fraction(counts):
    """Duplicate reads over examined reads (None when none was examined)."""
    examined = counts.get("EXAMINED", 0)
    return round(counts.get("DUPLICATE TOTAL", 0) / examined, 6) if examined else None


def duplicate_rows(samples, stats, by_position):
    """One row per WES sample (dicts with sample_id, material, umi): the duplicate fraction as
    marked (by position and UMI for a UMI library) and by position alone. ``stats``: sample id
    -> markdup statistics path; ``by_position``: the same for the UMI samples' second pass."""
    rows = []
    for s in samples:
        marked = read_markdup(stats[s["sample_id"]])
        alone = by_position.get(s["sample_id"])
        rows.append(
            {
                "sample_id": s["sample_id"],
                "material": s["material"],
                "umi": s.get("umi") or "",
                "reads_examined": marked.get("EXAMINED", 0),
                "duplicate_fraction": duplicate_fraction(marked),
                "duplicate_fraction_by_position": duplicate_fraction(
                    read_markdup(alone) if alone else marked
                ),
            }
        )
    return rows


def write_duplicates(rows, path):
    write_tsv(rows, path, COLUMNS)
