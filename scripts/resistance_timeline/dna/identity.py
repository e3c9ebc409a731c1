"""Germline-SNP concordance between every pair of a patient's WES samples.

A sample swap or a mislabelled tube shows as low concordance at germline sites. Sites used:
candidates the genotyper classified germline (INFO/ORIGIN; clonal somatic variants would look
like heterozygous SNPs in the tumours and not in the normal), with at least ``min_depth`` reads
in both samples of a pair. A swapped normal still shows: its own SNPs are then missing from
every other sample. Each sample's genotype there is called from its
VAF (0 below ``absent_max``, 1 between het_min and hom_min, 2 from hom_min; in between:
ambiguous, skipped). Tumours with copy changes or LOH shift some heterozygous VAFs, so the
thresholds are loose and the warning level is below 1.
"""

import itertools

import pysam

from resistance_timeline.io.tables import write_tsv


def genotype_from_vaf(vaf, settings):
    """0/1/2 alt copies from a VAF, or None when the VAF is between the bands."""
    if vaf <= settings["absent_max"]:
        return 0
    if settings["het_min"] <= vaf < settings["hom_min"]:
        return 1
    if vaf >= settings["hom_min"]:
        return 2
    return None


def concordance(site_vafs, samples, settings):
    """Rows (sample_a, sample_b, sites, concordant, concordance, verdict) for every pair.

    ``site_vafs`` is a list of dicts sample_id → (alt_reads, depth) per candidate site.
    """
    rows = []
    for a, b in itertools.combinations(samples, 2):
        compared = agree = 0
        for site in site_vafs:
            (alt_a, dp_a), (alt_b, dp_b) = site.get(a, (0, 0)), site.get(b, (0, 0))
            if dp_a < settings["min_depth"] or dp_b < settings["min_depth"]:
                continue
            vaf_a, vaf_b = alt_a / dp_a, alt_b / dp_b
            if max(vaf_a, vaf_b) < settings["het_min"]:
                continue  # not a germline-looking site in either sample
            ga, gb = genotype_from_vaf(vaf_a, settings), genotype_from_vaf(vaf_b, settings)
            if ga is None or gb is None:
                continue
            compared += 1
            agree += ga == gb
        value = agree / compared if compared else None
        if compared < settings["min_sites"]:
            verdict = "too_few_sites"
        elif value < settings["warn_below"]:
            verdict = "LIKELY_SWAP"
        else:
            verdict = "same_individual"
        rows.append((a, b, compared, agree, value, verdict))
    return rows


def read_sites(vcf_path):
    """Sample ids and, per germline site, sample → (alt reads, depth) from the genotyped VCF."""
    sites = []
    with pysam.VariantFile(vcf_path) as vcf:
        samples = list(vcf.header.samples)
        for record in vcf:
            if record.info.get("ORIGIN") != "germline":
                continue
            site = {}
            for name in samples:
                ad = record.samples[name].get("AD")
                if ad and None not in ad:
                    site[name] = (ad[1], ad[0] + ad[1])
            sites.append(site)
    return samples, sites


IDENTITY_COLUMNS = ["sample_a", "sample_b", "sites", "concordant", "concordance", "verdict"]


def write_identity(rows, out_path):
    """Write the concordance rows as TSV (concordance with 3 decimals, blank when None)."""
    table = (
        {
            "sample_a": a,
            "sample_b": b,
            "sites": n,
            "concordant": k,
            "concordance": "" if value is None else f"{value:.3f}",
            "verdict": verdict,
        }
        for a, b, n, k, value, verdict in rows
    )
    write_tsv(table, out_path, IDENTITY_COLUMNS)


def swap_warnings(rows, settings):
    """One message per pair with verdict LIKELY_SWAP (a swap invalidates everything
    downstream, so the entry shows these on the console too)."""
    return [
        f"WARNING: {a} and {b} share only {value:.3f} of {n} germline genotypes "
        f"(below {settings['warn_below']}): likely a sample swap or mix-up"
        for a, b, n, _, value, verdict in rows
        if verdict == "LIKELY_SWAP"
    ]
