"""Statistics and classification for the genotyper (resistance_timeline.dna.genotyper).

Everything here works on plain read counts, so it is tested without BAMs:
VAF with a Wilson interval, the detection limit backing "not detected",
per-sample status, and the per-variant origin (germline / somatic / artefact / clonal
haematopoiesis, dna.clonal_hematopoiesis).

``thr`` everywhere is the complete ``genotyping`` section of the configuration (its defaults
live in config/schemas/config.schema.yaml only); tests take ``schema_defaults("genotyping")``.
"""

import math
from functools import lru_cache

from scipy.special import betaincinv

from resistance_timeline.dna.background import background_p, critical_alt, floor_background
from resistance_timeline.dna.clonal_hematopoiesis import ch_origin

MATERIALS = ("normal", "tumor", "cfdna")
# Count columns per site and sample (the genotyper fills them, summarize reads them): fragments
# supporting ref / alt on each strand of the read as aligned, another allele, and the sum of
# the MAPQs of the alt fragments, and the median fragment length of the alt and of the ref
# fragments (bp, the lower middle one; 0 when none was measured). REF_FWD + 2 * allele +
# reverse is a strand column.
REF_FWD, REF_REV, ALT_FWD, ALT_REV, OTHER, ALT_MAPQ_SUM, ALT_FRAGMENT, REF_FRAGMENT = range(8)
N_COLS = 8

Z95 = 1.959963984540054  # two-sided 95% normal quantile


def validate_samples(samples, bams):
    """Check params.samples against input.bams; raise ValueError with the problem."""
    if len(samples) != len(bams):
        raise ValueError(f"{len(samples)} samples in params.samples but {len(bams)} BAMs")
    ids = [s["sample_id"] for s in samples]
    if len(set(ids)) != len(ids):
        raise ValueError(f"duplicate sample_id in params.samples: {ids}")
    for s in samples:
        if s["material"] not in MATERIALS:
            raise ValueError(
                f"sample {s['sample_id']}: material {s['material']!r} not in {MATERIALS}"
            )


def wilson_interval(alt, depth, z=Z95):
    """Wilson score interval for alt/depth; (None, None) when depth is 0.

    Chosen over the Wald interval because it stays inside [0, 1] and is not
    degenerate at 0 or depth alt reads, which is where detection limits live.
    """
    if depth <= 0:
        return None, None
    p = alt / depth
    z2 = z * z
    denom = 1.0 + z2 / depth
    centre = (p + z2 / (2 * depth)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / depth + z2 / (4 * depth * depth))
    # exact bounds where the rounding of centre - half leaves 1e-18 (no alt reads) or 1 - 1e-16
    low = 0.0 if alt <= 0 else max(0.0, centre - half)
    high = 1.0 if alt >= depth else min(1.0, centre + half)
    return low, high


@lru_cache(maxsize=65536)
def detection_limit(depth, min_alt_reads, min_vaf=0.0, power=0.95):
    """Smallest VAF detected with probability >= ``power`` at this depth.

    Solves P(Binomial(depth, f) >= min_alt_reads) = power for f, then returns
    max(f, min_vaf). The binomial tail equals the regularized incomplete beta
    I_f(k, n - k + 1), so f = betaincinv(k, n - k + 1, power) exactly (no
    root finding). None when depth < min_alt_reads (undetectable at any VAF).
    """
    if depth < max(min_alt_reads, 1):
        return None
    if min_alt_reads <= 0:
        return float(min_vaf)
    f = float(betaincinv(min_alt_reads, depth - min_alt_reads + 1, power))
    return max(f, float(min_vaf))


def sample_status(alt, depth, material, thr, p_background=0.0):
    """``not_covered`` (depth < min_depth), ``detected`` or ``not_detected``. Detected needs
    the material's alt reads and VAF and, with ``p_background`` (dna.background.background_p),
    alt reads the site's background alone would give with probability below
    ``background.max_p``."""
    if depth < thr["min_depth"]:
        return "not_covered"
    mat = thr[material]
    if (
        alt >= mat["min_alt_reads"]
        and alt / depth >= mat["min_vaf"]
        and p_background < thr["background"]["max_p"]
    ):
        return "detected"
    return "not_detected"


def genotype(status, vaf, thr):
    """GT tuple: ./. not covered, 0/0 not detected, 0/1 detected, 1/1 detected at high VAF."""
    if status == "not_covered":
        return (None, None)
    if status == "not_detected":
        return (0, 0)
    return (1, 1) if vaf >= thr["hom_alt_min_vaf"] else (0, 1)


def _log_choose(n, k):
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def strand_bias_p(ref_fwd, ref_rev, alt_fwd, alt_rev):
    """Two-sided Fisher exact p of the 2x2 strand table (1.0 without alt reads).

    Same definition as scipy.stats.fisher_exact (sum over tables with the observed margins
    that are at most as likely as the observed one), written out because importing
    scipy.stats costs ~1 s per job, more than counting a small patient.
    """
    if alt_fwd + alt_rev == 0:
        return 1.0
    row, col, n = ref_fwd + ref_rev, ref_fwd + alt_fwd, ref_fwd + ref_rev + alt_fwd + alt_rev
    denom = _log_choose(n, col)

    def log_p(x):  # x = ref_fwd of a table with the same margins
        return _log_choose(row, x) + _log_choose(n - row, col - x) - denom

    observed = log_p(ref_fwd) + 1e-7  # relative tolerance, as scipy
    xs = range(max(0, col - (n - row)), min(row, col) + 1)
    return min(1.0, sum(math.exp(lp) for lp in map(log_p, xs) if lp <= observed))


def _fmt(x):
    return f"{x:.3g}"


def classify_origin(samples, thr, in_ch_gene=False, background=None):
    """Origin of one variant across all samples of a patient.

    ``samples``: list of dicts with keys material, status, ref, alt, ref_fwd,
    ref_rev, alt_fwd, alt_rev, alt_mapq_sum (and ``source`` blood|tissue for a normal);
    ``in_ch_gene``: the variant lies in a gene of clonal haematopoiesis; ``background``: the
    site's dna.background.Background. Returns (origin, reason) where origin is germline |
    somatic | artefact | panel_artefact | clonal_hematopoiesis | possible_clonal_hematopoiesis
    and reason is a short VCF-safe
    string (``key:value`` items joined by ``|``; VCF 4.2 forbids ``=`` in INFO values).

    Order of the rules (first match wins):
      0. panel_artefact: the site is recurrent in the panel of normals (Background.recurrent),
         unless the patient's own normal is germline for it or its blood normal, detected
         (so beating the site's background), makes it clonal haematopoiesis (rules 2 and 5
         say what the patient's reads say).
      1. artefact ``not_detected``: detected in no sample.
      2. germline: a normal is detected with VAF >= germline_min_normal_vaf
         (counts of several normals are pooled).
      3. artefact ``strand_bias``: pooled over detected samples, Fisher p <
         strand_bias_min_p and the alt forward fraction outside
         [strand_bias_max_fraction, 1 - strand_bias_max_fraction].
      4. artefact ``low_alt_mapq``: mean MAPQ of alt reads in detected samples.
      5. clonal haematopoiesis (dna.clonal_hematopoiesis.ch_origin), when the patient has
         a normal: a plasma variant a blood normal carries, or one seen only in plasma in a
         CH gene.
      5b. artefact ``normal_vaf``: normal alt >= normal min_alt_reads and normal
         VAF > tumor_in_normal x the highest tumour/cfDNA VAF (below germline level).
      6. Tumour-only heuristic (no normal sample at all): germline when every
         detected tumour/cfDNA VAF lies in tumor_only_germline_het_vaf (a
         heterozygous germline site stays near 0.5 across timepoints) or every
         one is >= tumor_only_germline_hom_vaf. A clonal somatic variant in a
         pure tumour with LOH can look the same: this is a heuristic only. Otherwise a
         variant seen only in plasma is possible clonal haematopoiesis (no normal to tell).
      7. somatic: detected in at least one tumour/cfDNA sample.
      8. otherwise (detected only in the normal, below germline level): artefact.
    """
    detected = [s for s in samples if s["status"] == "detected"]
    normals = [s for s in samples if s["material"] == "normal"]
    n_ref = sum(s["ref"] for s in normals)
    n_alt = sum(s["alt"] for s in normals)
    normal_vaf = n_alt / (n_ref + n_alt) if n_ref + n_alt else None
    normal_detected = any(s["status"] == "detected" for s in normals)
    germline = normal_detected and normal_vaf >= thr["germline_min_normal_vaf"]
    if background is not None and background.recurrent and not germline:
        # clonal haematopoiesis is the patient's own: its blood normal must beat the background
        # the other normals share (a sticky error shows in the patient's normal too)
        found = ch_origin(samples, thr, in_ch_gene) if normal_detected else None
        if not found or found[0] != "clonal_hematopoiesis":
            return "panel_artefact", background.reason()

    if not detected:
        return "artefact", "not_detected"
    if germline:
        return "germline", f"normal_vaf:{_fmt(normal_vaf)}"

    table = [sum(s[k] for s in detected) for k in ("ref_fwd", "ref_rev", "alt_fwd", "alt_rev")]
    alt_total = table[2] + table[3]
    fwd_frac = table[2] / alt_total
    lim = thr["strand_bias_max_fraction"]
    if fwd_frac < lim or fwd_frac > 1 - lim:
        p = strand_bias_p(*table)
        if p < thr["strand_bias_min_p"]:
            return "artefact", f"strand_bias_p:{p:.2g}"

    mean_mapq = sum(s["alt_mapq_sum"] for s in detected) / alt_total
    if mean_mapq < thr["min_mean_alt_mapq"]:
        return "artefact", f"low_alt_mapq:{mean_mapq:.1f}"

    if normals and (found := ch_origin(samples, thr, in_ch_gene)):
        return found

    tumours = [s for s in samples if s["material"] != "normal"]
    tumour_vafs = [s["alt"] / (s["ref"] + s["alt"]) for s in tumours if s["ref"] + s["alt"]]
    max_tumour_vaf = max(tumour_vafs, default=0.0)
    if (
        normal_vaf is not None
        and n_alt >= thr["normal"]["min_alt_reads"]
        and normal_vaf > thr["tumor_in_normal"] * max_tumour_vaf
    ):
        return "artefact", f"normal_vaf:{_fmt(normal_vaf)}|max_tumor_vaf:{_fmt(max_tumour_vaf)}"

    det_tumours = [s for s in detected if s["material"] != "normal"]
    if not det_tumours:
        return "artefact", f"normal_only_vaf:{_fmt(normal_vaf)}"
    det_vafs = [s["alt"] / (s["ref"] + s["alt"]) for s in det_tumours]
    if not normals:
        lo, hi = thr["tumor_only_germline_het_vaf"]
        n = len(det_vafs)
        if all(lo <= v <= hi for v in det_vafs):
            return "germline", f"tumor_only_het_vafs:{'/'.join(map(_fmt, det_vafs))}|n:{n}"
        if all(v >= thr["tumor_only_germline_hom_vaf"] for v in det_vafs):
            return "germline", f"tumor_only_hom_vafs:{'/'.join(map(_fmt, det_vafs))}|n:{n}"
        if found := ch_origin(samples, thr, in_ch_gene):
            return found
        return "somatic", f"tumor_only_max_vaf:{_fmt(max(det_vafs))}"
    normal_txt = _fmt(normal_vaf) if normal_vaf is not None else "NA"
    return "somatic", f"normal_vaf:{normal_txt}|max_tumor_vaf:{_fmt(max(det_vafs))}"


def background_detection_limit(depth, mat, thr, bg):
    """Detection limit against the site's background: the VAF detected with 95% probability at
    the smallest alt count that meets the material's thresholds and beats the background
    (dna.background.critical_alt); None when no count at this depth does."""
    needed = critical_alt(depth, bg, thr["background"]["max_p"], mat["min_alt_reads"])
    if needed is None:
        return None
    return detection_limit(depth, needed, mat["min_vaf"])


def summarize(row, material, thr, bg=None):
    """Per-sample record (counts, VAF, Wilson bounds, background p, detection limit, status,
    GT). ``bg``: the site's dna.background.Background (the floor when None)."""
    rf, rr, af, ar = int(row[REF_FWD]), int(row[REF_REV]), int(row[ALT_FWD]), int(row[ALT_REV])
    other, mq = int(row[OTHER]), int(row[ALT_MAPQ_SUM])
    ref, alt = rf + rr, af + ar
    depth = ref + alt
    bg = bg or floor_background(thr)
    p_bg = background_p(alt, depth, bg)
    status = sample_status(alt, depth, material, thr, p_bg)
    vaf = alt / depth if depth else None
    lo, hi = wilson_interval(alt, depth)
    mat = thr[material]
    dl = None
    if status != "not_covered":
        dl = background_detection_limit(depth, mat, thr, bg)
    return {
        "material": material,
        "status": status,
        "ref": ref,
        "alt": alt,
        "depth": depth,
        "ref_fwd": rf,
        "ref_rev": rr,
        "alt_fwd": af,
        "alt_rev": ar,
        "other": other,
        "alt_mapq_sum": mq,
        "alt_fragment": int(row[ALT_FRAGMENT]) or None,
        "ref_fragment": int(row[REF_FRAGMENT]) or None,
        "vaf": vaf,
        "vaf_low": lo,
        "vaf_high": hi,
        "background_p": p_bg if depth else None,
        "dl": dl,
        "gt": genotype(status, vaf, thr),
    }
