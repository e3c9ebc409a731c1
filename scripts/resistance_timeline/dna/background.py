"""A site's error background from a panel of normals, and a sample's alt reads tested against it.

At 1,000x a plasma variant at 0.3% VAF has 3 alt reads, as many as sequencing and PCR errors
leave at some sites. The panel of normals (dna.panel_of_normals) records, at every site where
its normals show an alt allele, each normal's alt and depth. Here each candidate gets:

- its **background VAF** ``mu``: the panel's pooled alt fraction at the site, shrunk towards
  ``floor_vaf`` with the weight of ``prior_depth`` reads,
  ``mu = max(floor_vaf, (A + floor_vaf * prior_depth) / (D + prior_depth))`` (A alt reads
  in D reads of the usable normals). A site the panel never saw with this alt allele, or no
  panel at all, has ``mu = floor_vaf``: so a single error read in a small panel does not
  raise a site's background to 1/depth;
- its **dispersion** ``rho``: error counts vary more between libraries than a binomial allows
  (PCR, capture, oxidation), so the normals' alt counts are modelled as beta-binomial with
  mean ``mu`` and intra-class correlation ``rho`` (alpha = mu (1 - rho) / rho, beta = (1 - mu)
  (1 - rho) / rho). One site's few normals cannot pin ``rho``, so it is fitted by maximum
  likelihood over the site and its panel neighbours within ``window_bp`` (each with its own
  pooled alt fraction as its mean), on a fixed grid (RHO_GRID; 0 is the binomial), kept only
  when it beats the binomial by a likelihood-ratio test; a site without usable alt reads is
  binomial at the floor;
- per sample, **background_p**: P(X >= alt) for X ~ BetaBinomial(depth, mu, rho), the chance
  that the background alone gives as many alt reads. ``detected`` needs it below ``max_p``;
  the detection limit is the VAF detected with 95% probability at the alt count that beats
  both the background and the material's thresholds (genotype_stats.summarize);
- **recurrence**: the site is a panel artefact when at least ``min_normals`` usable normals
  show the alt allele and the panel's pooled VAF is at least ``min_vaf``.

Usable normals: the patient's own normals are left out (their reads are the patient's, and a
variant in them is germline or clonal haematopoiesis, judged by the genotyper itself), and so
are normals carrying the allele at germline level (VAF >= ``germline_min_normal_vaf``: a common
SNP is not an error).

Written here, not taken from a library: iDES' background polishing and TEMPEST's per-site
models have no installable implementation, and scipy.stats.betabinom computes the upper tail as
1 - CDF, which loses the small tails this test is about (and importing scipy.stats costs ~1 s per
job). The tail here is summed from its far end in log space; tests compare it with
scipy.stats.betabinom where both are exact.
"""

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.special import betaln, gammaln

# intra-class correlations tried for the dispersion: 0 (binomial), then 1e-5 .. 0.3 on a log grid
RHO_GRID = (0.0, *np.geomspace(1e-5, 0.3, 24).tolist())
LR_GAIN = 3.841458820694124 / 2  # log-likelihood gain of rho > 0 needed: chi-square(1), 5%


@dataclass(frozen=True, slots=True)
class Background:
    """One site's background: ``vaf`` (mu) and ``rho`` of the beta-binomial; the panel's
    usable ``normals``, how many show the alt (``carriers``), their pooled ``alt`` and
    ``depth``; ``recurrent`` when the site is a panel artefact."""

    vaf: float
    rho: float = 0.0
    normals: int = 0
    carriers: int = 0
    alt: int = 0
    depth: int = 0
    recurrent: bool = False

    def reason(self):
        """VCF-safe evidence of a panel artefact: ``panel_normals:3/40|panel_vaf:0.004``."""
        vaf = self.alt / self.depth if self.depth else 0.0
        return f"panel_normals:{self.carriers}/{self.normals}|panel_vaf:{vaf:.3g}"


def floor_background(thr):
    """The background of a site the panel never saw (or of a patient without a panel)."""
    return Background(vaf=float(thr["background"]["floor_vaf"]))


def usable_counts(row, n_normals, exclude, germline_vaf):
    """(alts, depths) arrays of the usable normals at one panel row.

    ``row``: a panel_of_normals.PanelRow (pooled ``depth`` and the sparse ``carriers``
    {normal index: (alt, depth)}); ``exclude``: indices of the patient's own normals. Normals
    without alt reads are stored only through the pooled depth: each gets an equal share of it."""
    carriers = row.carriers
    rest = [i for i in range(n_normals) if i not in carriers]
    rest_depth = max(0, row.depth - sum(d for _, d in carriers.values()))
    share = round(rest_depth / len(rest)) if rest else 0
    alts, depths = [], []
    for i in range(n_normals):
        if i in exclude:
            continue
        alt, depth = carriers.get(i, (0, share))
        if depth and alt / depth >= germline_vaf:
            continue  # carries the allele in its germline: not an error rate
        alts.append(alt)
        depths.append(depth)
    return np.asarray(alts, dtype=np.int64), np.asarray(depths, dtype=np.int64)


def shrunk_vaf(alt, depth, bg_thr):
    """The background VAF of pooled ``alt`` in ``depth`` reads (see the module docstring)."""
    floor, prior = float(bg_thr["floor_vaf"]), float(bg_thr["prior_depth"])
    return max(floor, (alt + floor * prior) / (depth + prior))


def log_pmf(k, n, mu, rho):
    """log P(X = k), X ~ BetaBinomial(n, mu, rho) (Binomial(n, mu) when rho is 0); arrays."""
    k, n = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    log_choose = gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)
    if rho <= 0:
        return log_choose + k * np.log(mu) + (n - k) * np.log1p(-mu)
    a, b = mu * (1 - rho) / rho, (1 - mu) * (1 - rho) / rho
    return log_choose + betaln(k + a, n - k + b) - betaln(a, b)


def fit_rho(groups):
    """Maximum-likelihood rho on RHO_GRID for ``groups`` of (alts, depths, mu) (the site and
    its neighbours); 0 when no group has an alt read (nothing to fit) or when the best rho
    does not beat the binomial by a likelihood-ratio test at 5% (log-likelihood gain above
    half of chi-square(1)'s 3.84): one sporadic error read must not make a site overdispersed."""
    groups = [(a, d, mu) for a, d, mu in groups if len(a) and a.sum()]
    if not groups:
        return 0.0
    lls = [sum(float(log_pmf(a, d, mu, rho).sum()) for a, d, mu in groups) for rho in RHO_GRID]
    best = int(np.argmax(lls))
    return RHO_GRID[best] if lls[best] - lls[0] > LR_GAIN else 0.0


def site_background(row, neighbours, n_normals, exclude, thr):
    """Background of one candidate: ``row`` its panel row (None when the panel has no row for
    this allele), ``neighbours`` the panel rows within ``window_bp`` (any allele, the site's own
    row excluded); ``thr`` the complete ``genotyping`` settings."""
    bg_thr, art_thr = thr["background"], thr["panel_artefact"]
    germline = thr["germline_min_normal_vaf"]
    if row is None:
        usable = n_normals - len(exclude)
        return Background(vaf=float(bg_thr["floor_vaf"]), normals=max(usable, 0))
    alts, depths = usable_counts(row, n_normals, exclude, germline)
    alt, depth = int(alts.sum()), int(depths.sum())
    mu = shrunk_vaf(alt, depth, bg_thr)
    groups = [(alts, depths)]
    groups += [usable_counts(other, n_normals, exclude, germline) for other in neighbours]
    floor = float(bg_thr["floor_vaf"])
    # the dispersion around each row's own pooled rate (its maximum-likelihood mean), not around
    # the shrunk mean: shrinkage is about how much one panel's rate says of the site, while
    # rho is about how much libraries differ from each other
    groups = [(a, d, max(floor, a.sum() / d.sum() if d.sum() else 0.0)) for a, d in groups]
    # a site without usable alt reads is at the floor, binomial: no rate of its own to spread
    rho = fit_rho(groups) if alt else 0.0
    carriers = int((alts > 0).sum())
    recurrent = (
        carriers >= art_thr["min_normals"] and depth > 0 and alt / depth >= art_thr["min_vaf"]
    )
    return Background(mu, rho, len(alts), carriers, alt, depth, recurrent)


@lru_cache(maxsize=8192)
def _tail(n, mu, rho):
    """P(X >= j) for j = 0..n, summed from the far end (exact for small tails)."""
    pmf = np.exp(log_pmf(np.arange(n + 1), n, mu, rho))
    tail = np.cumsum(pmf[::-1])[::-1]
    return np.minimum(tail / tail[0], 1.0)  # tail[0] is 1 up to rounding


def background_p(alt, depth, bg):
    """P(X >= alt) under the site's background at this depth (1.0 without reads)."""
    if depth <= 0 or alt <= 0:
        return 1.0
    return float(_tail(int(depth), bg.vaf, bg.rho)[alt])


def critical_alt(depth, bg, max_p, min_alt_reads):
    """Smallest alt count >= ``min_alt_reads`` whose background_p is below ``max_p`` at this
    depth; None when no count up to the depth beats the background."""
    if depth <= 0:
        return None
    tail = _tail(int(depth), bg.vaf, bg.rho)
    start = max(int(min_alt_reads), 1)
    beats = np.nonzero(tail[start:] < max_p)[0]
    return int(start + beats[0]) if len(beats) else None


def panel_backgrounds(panel, sites, own_normals, thr):
    """{site.idx: Background} for the genotyper's ``sites`` from a panel_of_normals.Panel
    (None: every site at the floor); ``own_normals``: the patient's normal sample ids, left
    out of its background."""
    if panel is None:
        return {s.idx: floor_background(thr) for s in sites}
    exclude = {i for i, name in enumerate(panel.normals) if name in set(own_normals)}
    window = int(thr["background"]["window_bp"])
    found = {}
    by_contig = {}
    for s in sites:
        by_contig.setdefault(s.contig, []).append(s)
    for contig, group in by_contig.items():
        group.sort(key=lambda s: s.pos)
        runs = []  # [start, end) 0-based windows, merged when they overlap
        for s in group:
            start, end = s.pos - 1 - window, s.pos + len(s.ref) + window
            if runs and start <= runs[-1][1]:
                runs[-1][1] = max(runs[-1][1], end)
            else:
                runs.append([start, end])
        rows = [r for start, end in runs for r in panel.rows(contig, start, end)]
        positions = [r.pos for r in rows]
        for s in group:
            lo = bisect_left(positions, s.pos - window)
            hi = bisect_right(positions, s.pos + len(s.ref) - 1 + window)
            near = rows[lo:hi]
            own = next((r for r in near if (r.pos, r.ref, r.alt) == (s.pos, s.ref, s.alt)), None)
            others = [r for r in near if r is not own]
            found[s.idx] = site_background(own, others, len(panel.normals), exclude, thr)
    return found
