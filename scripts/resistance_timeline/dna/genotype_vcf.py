"""The genotyper's VCF (resistance_timeline.dna.genotyper): its header lines and one record
per candidate with the origin, the site's background VAF and every sample's FORMAT values."""

from collections import Counter

import pysam

from resistance_timeline.dna.background import floor_background
from resistance_timeline.dna.clonal_hematopoiesis import in_intervals
from resistance_timeline.dna.genotype_stats import classify_origin, summarize
from resistance_timeline.io.versions import running_version

# (section, ID, Number, Type, Description) of the header lines the genotyper adds
HEADER_FIELDS = (
    ("INFO", "END", "1", "Integer", "End position (symbolic alleles only)"),
    (
        *("INFO", "ORIGIN", "1", "String"),
        "Origin across samples: germline, somatic, artefact, panel_artefact, "
        "clonal_hematopoiesis or possible_clonal_hematopoiesis",
    ),
    ("INFO", "ORIGIN_REASON", "1", "String", "Evidence for ORIGIN: key:value items joined by |"),
    (
        "INFO",
        "BGVAF",
        "1",
        "Float",
        "Background VAF of the site in the panel of normals (its floor where the panel has none)",
    ),
    (
        "FORMAT",
        "GT",
        "1",
        "String",
        "./. not covered, 0/0 not detected, 0/1 detected, 1/1 detected at VAF >= hom_alt_min_vaf",
    ),
    (
        "FORMAT",
        "AD",
        "R",
        "Integer",
        "Fragments supporting ref and alt (overlapping mates counted once)",
    ),
    ("FORMAT", "DP", "1", "Integer", "Depth: ref + alt fragments"),
    ("FORMAT", "OA", "1", "Integer", "Fragments supporting another allele (not in DP)"),
    ("FORMAT", "AF", "A", "Float", "VAF: alt / (ref + alt)"),
    ("FORMAT", "AFLO", "A", "Float", "Lower bound of the 95% Wilson score interval of AF"),
    ("FORMAT", "AFHI", "A", "Float", "Upper bound of the 95% Wilson score interval of AF"),
    (
        "FORMAT",
        "DL",
        "1",
        "Float",
        "Detection limit: smallest VAF detected with 95% probability at this depth",
    ),
    (
        "FORMAT",
        "BP",
        "1",
        "Float",
        "P of at least this many alt reads from the site's background alone (beta-binomial)",
    ),
    ("FORMAT", "SB", "4", "Integer", "Strand counts: ref_fwd, ref_rev, alt_fwd, alt_rev"),
    (
        "FORMAT",
        "FL",
        "2",
        "Integer",
        "Median fragment length (bp) of the alt, then the ref fragments",
    ),
    ("FORMAT", "ST", "1", "String", "Status: detected, not_detected or not_covered"),
)
HEADER_LINES = "".join(
    f'##{section}=<ID={key},Number={number},Type={kind},Description="{text}">\n'
    for section, key, number, kind, text in HEADER_FIELDS
)


def make_header(fasta_path, samples, panel=""):
    """VCF header: the workflow's version, the panel of normals (``panel``: what it is), contigs
    of the reference, INFO ORIGIN* and BGVAF, the FORMAT fields, samples."""
    h = pysam.VariantHeader()
    h.add_line("##source=resistance-timeline/genotype_timepoints.py")
    h.add_line(f"##resistance-timelineVersion={running_version()}")
    h.add_line(f"##resistance-timelinePanelOfNormals={panel or 'none'}")
    with pysam.FastaFile(fasta_path) as fa:
        for name, length in zip(fa.references, fa.lengths, strict=True):
            h.contigs.add(name, length=length)
    for line in HEADER_LINES.splitlines():
        h.add_line(line)
    for s in samples:
        h.add_sample(s["sample_id"])
    return h


def write_vcf(path, header, sites, per_sample, samples, thr, ch_spans=None, backgrounds=None):
    """Write one record per site (input order) with ORIGIN and per-sample FORMAT values;
    return the number of variants per origin. ``ch_spans``: the targets of genes of clonal
    haematopoiesis (dna.clonal_hematopoiesis.ch_intervals); ``backgrounds``: {site.idx:
    dna.background.Background} (the floor for a site without one)."""
    backgrounds = backgrounds or {}
    tally = Counter()
    with pysam.VariantFile(path, "wz", header=header) as out:
        for site in sites:
            rec = out.new_record(
                contig=site.contig,
                start=site.pos - 1,
                stop=site.pos - 1 + len(site.ref),
                alleles=(site.ref, site.alt),
                id=site.id,
            )
            if site.kind == "unsupported":
                rec.info["ORIGIN_REASON"] = "unsupported_allele"
                for s in samples:
                    rec.samples[s["sample_id"]]["GT"] = (None, None)
                out.write(rec)
                continue
            bg = backgrounds.get(site.idx) or floor_background(thr)
            summ = [
                summarize(per_sample[k][site.idx], s["material"], thr, bg)
                for k, s in enumerate(samples)
            ]
            for m, s in zip(summ, samples, strict=True):
                m["source"] = s.get("normal_source") or "blood"
            in_ch = in_intervals(ch_spans or {}, site.contig, site.pos)
            origin, reason = classify_origin(summ, thr, in_ch, bg)
            rec.info["ORIGIN"], rec.info["ORIGIN_REASON"] = origin, reason
            rec.info["BGVAF"] = bg.vaf
            tally[origin] += 1
            for s, m in zip(samples, summ, strict=True):
                f = rec.samples[s["sample_id"]]
                f["GT"] = m["gt"]
                f["AD"] = (m["ref"], m["alt"])
                f["DP"] = m["depth"]
                f["OA"] = m["other"]
                if m["vaf"] is not None:
                    f["AF"], f["AFLO"], f["AFHI"] = m["vaf"], m["vaf_low"], m["vaf_high"]
                if m["background_p"] is not None:
                    f["BP"] = m["background_p"]
                if m["dl"] is not None:
                    f["DL"] = m["dl"]
                f["SB"] = (m["ref_fwd"], m["ref_rev"], m["alt_fwd"], m["alt_rev"])
                f["FL"] = (m["alt_fragment"], m["ref_fragment"])
                f["ST"] = m["status"]
            out.write(rec)
    return tally
