"""Clustering of a patient's somatic variants by their trajectories over its samples: a
mixture fitted jointly over all tumour and cfDNA samples by EM, the number of clusters chosen
by BIC under a beta-binomial read model, deterministic for a fixed seed.

Model: cluster k has a cellular prevalence phi[k, s] in each sample s (the fraction of all
cells of the sample carrying the cluster's variants: tumour fraction × cancer cell fraction)
and a weight pi[k]. A variant i of cluster k shows alt[i, s] of depth[i, s] fragments with
expected fraction p = eps[s] + (1 − 2 eps[s]) · scale[i, s] · phi[k, s], scale = m / (2r)
(tumour_fraction.py). EM with the binomial density: responsibilities from the per-variant
likelihoods summed over samples; phi[k, s] by weighted maximum likelihood (closed form when a
sample's scale is the same for every variant, bisection on the concave likelihood otherwise).
Starts: k-means++ on the variants' own prevalence estimates, ``restarts`` times per cluster
count from ``seed``, and the best fit with one cluster fewer plus, in turn, the variant each of
its clusters explains worst; the best likelihood wins. The number of clusters: each K's fit is
scored by its beta-binomial likelihood, Beta-Binomial(depth, p·ρ, (1 − p)·ρ), at the precision
ρ that maximises it (profiled over ``PRECISIONS``, the binomial included), and BIC,
−2 log L + (P + K) · ln(V), the precision counted as a parameter, picks K. P counts the
prevalences the fit left off the boundary (phi > 0), not K·S: a prevalence estimated at 0 (a
clone absent from a sample) is not a free parameter of that fit, as a lasso's degrees of
freedom are its non-zero coefficients (Zou, Hastie & Tibshirani 2007, Ann Stat 35:2173).
Counting every prevalence charges a clone seen in one sample of four for four, and merged the
demo's two relapse-only subclones of NB01 (allele fractions 0.085 and 0.027, 3-4 variants each,
in one plasma sample; adjusted Rand index 0.905); counted here they stand apart (1.0).
VAFs scatter more than binomial sampling (PCR duplicates that escape marking, capture and mapping
differences between alleles); a binomial score splits a clone on that scatter (one clone simulated
at precision 100 and depth 300: 3-4 clusters under the former quasi-binomial BIC, 1 here), while a
precision fitted to the data keeps apart clones whose fractions differ by more than it.

Like PyClone-VI (Gillis & Roth 2020, BMC Bioinformatics 21:571): variants are clustered jointly
over all samples of a patient with one prevalence per cluster and sample; the read model
(beta-binomial, copy number and multiplicity entering the expected VAF, an error term) is its
beta-binomial density; several random restarts and the best objective are kept.
Unlike PyClone-VI: maximum likelihood by EM instead of mean-field variational Bayes (no
Dirichlet prior over the weights, no posterior over the prevalence — intervals come from the
profile likelihood instead, ccf.py); the number of clusters from BIC rather than the weights a
truncated Dirichlet process leaves non-empty; the precision is fitted (one per patient,
profiled) where PyClone-VI fixes it (200 by default); the EM itself runs on the binomial
density (the beta-binomial's mean is the binomial's; its precision enters the choice of K);
the variant's multiplicity is fixed (1, or chosen once from the copy number) rather than
summed over genotypes with a prior; the tumour fraction is not an input but the prevalence of
the truncal cluster. PyClone-VI is not installable here (not on PyPI, needs Python >= 3.12),
so this is written for the project and tested on known mixtures, binomial and overdispersed.
"""

from dataclasses import dataclass, field

import numpy as np
from scipy.special import gammaln

from resistance_timeline.clones.tumour_fraction import (
    alt_probability,
    fit_prevalence,
    log_choose,
    log_likelihood,
)

# beta-binomial precisions the model choice profiles over (None: binomial); VAF scatter at
# depth 300 from 30x (precision 10) down to binomial
PRECISIONS = (10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, None)
TINY_P = 1e-9


@dataclass
class Clustering:
    """A fitted mixture: phi (K, S), weights (K,), responsibilities (V, K), log likelihood,
    BIC, and the BIC of every cluster count tried."""

    phi: np.ndarray
    weights: np.ndarray
    resp: np.ndarray
    loglik: float
    bic: float
    bic_by_k: dict = field(default_factory=dict)
    precision: float | None = None  # beta-binomial precision; None: binomial

    @property
    def labels(self):
        return self.resp.argmax(axis=1)

    @property
    def probability(self):
        return self.resp.max(axis=1)


def variant_prevalence(alt, depth, scale, eps):
    """Each variant's own prevalence estimate per sample (V, S), in [0, 1]; 0 where not
    covered."""
    with np.errstate(divide="ignore", invalid="ignore"):
        vaf = np.where(depth > 0, alt / np.maximum(depth, 1), 0.0)
        phi = (vaf - eps) / ((1 - 2 * eps) * scale)
    return np.clip(np.nan_to_num(phi), 0.0, 1.0)


def _component_loglik(phi, alt, depth, scale, eps, const):
    """(V, K) log likelihood of every variant under every cluster."""
    a = alt[:, None, :]
    return log_likelihood(phi[None, :, :], a, depth[:, None, :], scale[:, None, :], eps) + const


def _m_step(resp, alt, depth, scale, eps):
    """Weighted maximum-likelihood phi (K, S)."""
    w = resp.T[:, None, :]  # (K, 1, V)
    uniform = np.all(np.isclose(scale, scale[:1]), axis=0)  # per sample: one scale for all
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = (w * alt.T[None]).sum(-1) / (w * depth.T[None]).sum(-1)  # (K, S)
        closed = (np.nan_to_num(rate) - eps) / ((1 - 2 * eps) * scale[0])
    phi = np.clip(closed, 0.0, 1.0)
    if not uniform.all():
        cols = np.nonzero(~uniform)[0]
        phi[:, cols] = fit_prevalence(
            alt.T[None, cols], depth.T[None, cols], scale.T[None, cols], eps[None, cols, None], w
        )
    return phi


def _kmeans_pp(points, k, rng):
    """k-means++ seeding: k rows of ``points``."""
    centres = [points[rng.integers(len(points))]]
    for _ in range(1, k):
        d2 = np.min([((points - c) ** 2).sum(1) for c in centres], axis=0)
        total = d2.sum()
        pick = rng.integers(len(points)) if total == 0 else rng.choice(len(points), p=d2 / total)
        centres.append(points[pick])
    return np.array(centres)


def fit_mixture(alt, depth, scale, eps, k, rng, max_iter=300, tol=1e-7, start=None):
    """One EM run with k clusters from a k-means++ start (or the prevalences ``start``)."""
    const = log_choose(depth, alt).sum(axis=1)[:, None]
    if start is None:
        phi = _kmeans_pp(variant_prevalence(alt, depth, scale, eps), k, rng)
    else:
        phi = np.array(start, float)
    weights = np.full(k, 1.0 / k)
    previous = -np.inf
    for _ in range(max_iter):
        ll = _component_loglik(phi, alt, depth, scale, eps, const) + np.log(
            np.maximum(weights, 1e-300)
        )
        top = ll.max(axis=1, keepdims=True)
        total = top[:, 0] + np.log(np.exp(ll - top).sum(axis=1))
        resp = np.exp(ll - total[:, None])
        loglik = float(total.sum())
        weights = resp.mean(axis=0)
        phi = _m_step(resp, alt, depth, scale, eps)
        if loglik - previous < tol * max(1.0, abs(loglik)):
            break
        previous = loglik
    ll = _component_loglik(phi, alt, depth, scale, eps, const) + np.log(np.maximum(weights, 1e-300))
    top = ll.max(axis=1, keepdims=True)
    total = top[:, 0] + np.log(np.exp(ll - top).sum(axis=1))
    resp = np.exp(ll - total[:, None])
    return phi, weights, resp, float(total.sum())


def split_starts(fit, alt, depth, scale, eps):
    """Starts for one more cluster: the fit's prevalences plus the own prevalence of the
    variant a cluster explains worst (lowest log likelihood under it), one start per
    cluster."""
    const = log_choose(depth, alt).sum(axis=1)[:, None]
    ll = _component_loglik(fit.phi, alt, depth, scale, eps, const)
    own_ll = ll[np.arange(len(ll)), fit.labels]
    own = variant_prevalence(alt, depth, scale, eps)
    starts = []
    for k in range(len(fit.weights)):
        members = np.nonzero(fit.labels == k)[0]
        if len(members) > 1:
            worst = members[np.argmin(own_ll[members])]
            starts.append(np.vstack([fit.phi, own[worst]]))
    return starts


def _drop_empty(phi, weights, resp):
    """Clusters no variant belongs to (by maximum responsibility) are removed."""
    used = np.unique(resp.argmax(axis=1))
    resp = resp[:, used] / resp[:, used].sum(axis=1, keepdims=True)
    return phi[used], weights[used] / weights[used].sum(), resp


def beta_binomial_loglik(fit, alt, depth, scale, eps, precision):
    """Log likelihood of a fitted mixture when each variant's alt reads in a sample are
    beta-binomial around its cluster's expected VAF p: Beta-Binomial(depth, p·ρ, (1 − p)·ρ),
    precision ρ (``None``: binomial, ρ → ∞). Reads of one variant are not independent draws
    (duplicates that escape marking, capture and mapping differences between alleles): the
    VAFs of one clone scatter more than binomial sampling allows, by a factor
    (depth + ρ) / (1 + ρ) of the binomial variance."""
    p = np.clip(alt_probability(fit.phi[None], scale[:, None, :], eps), TINY_P, 1 - TINY_P)
    a, d = alt[:, None, :], depth[:, None, :]
    if precision is None:
        terms = a * np.log(p) + (d - a) * np.log1p(-p)
    else:
        al, be = p * precision, (1 - p) * precision
        terms = (
            gammaln(a + al)
            + gammaln(d - a + be)
            - gammaln(d + precision)
            - gammaln(al)
            - gammaln(be)
            + gammaln(precision)
        )
    ll = terms.sum(-1) + log_choose(depth, alt).sum(axis=1)[:, None]
    ll = ll + np.log(np.maximum(fit.weights, 1e-300))
    top = ll.max(axis=1, keepdims=True)
    return float((top[:, 0] + np.log(np.exp(ll - top).sum(axis=1))).sum())


def cluster_variants(alt, depth, scale, eps, max_clusters, restarts, seed):
    """Best mixture over 1..max_clusters clusters (at most one per variant) by BIC under the
    beta-binomial read model: each K's fit is scored by its beta-binomial log likelihood at
    the precision that maximises it (profiled over ``PRECISIONS``, the binomial included),
    counting the precision as one more parameter and, of the prevalences, those off the boundary (a
    clone absent from a sample costs nothing there). Overdispersed VAFs then widen the clusters
    instead of splitting a clone (a binomial score splits one clone simulated at precision 100 and
    depth 300 into 3-4 clusters; this keeps it whole), and a clone apart from another by more than
    the scatter still stands alone. Clusters are ordered by total prevalence over the samples,
    largest first (the truncal candidate). ``alt``, ``depth``, ``scale``: (V, S); ``eps``: (S,)."""
    alt, depth = np.asarray(alt, float), np.asarray(depth, float)
    scale, eps = np.asarray(scale, float), np.asarray(eps, float)
    n_var = alt.shape[0]
    fits, bic_by_k = {}, {}
    for k in range(1, min(max_clusters, n_var) + 1):
        runs = [
            fit_mixture(alt, depth, scale, eps, k, np.random.default_rng([seed, k, r]))
            for r in range(restarts if k > 1 else 1)
        ]
        previous = fits.get(k - 1)
        if previous is not None and len(previous.weights) == k - 1:  # split a cluster
            for start in split_starts(previous, alt, depth, scale, eps):
                runs.append(fit_mixture(alt, depth, scale, eps, k, None, start=start))
        phi, weights, resp, loglik = max(runs, key=lambda f: f[3])
        phi, weights, resp = _drop_empty(phi, weights, resp)
        fit = Clustering(phi, weights, resp, loglik, 0.0)
        scores = {r: beta_binomial_loglik(fit, alt, depth, scale, eps, r) for r in PRECISIONS}
        fit.precision = max(scores, key=lambda r: (scores[r], r is None))
        used = len(weights)
        # prevalences off the boundary, weights, the precision
        n_params = int((fit.phi > 0).sum()) + used - 1 + 1
        bic_by_k[k] = -2 * scores[fit.precision] + n_params * np.log(n_var)
        fits[k] = fit
    best_k = min(bic_by_k, key=lambda k: (round(bic_by_k[k], 9), k))
    best = fits[best_k]
    order = np.argsort(-best.phi.sum(axis=1), kind="stable")
    return Clustering(
        best.phi[order],
        best.weights[order],
        best.resp[:, order],
        best.loglik,
        float(bic_by_k[best_k]),
        {k: float(b) for k, b in bic_by_k.items()},
        best.precision,
    )


def adjusted_rand_index(a, b):
    """Adjusted Rand index of two labelings (Hubert & Arabie 1985), as
    sklearn.metrics.adjusted_rand_score."""
    a, b = np.asarray(a), np.asarray(b)
    _, ia = np.unique(a, return_inverse=True)
    _, ib = np.unique(b, return_inverse=True)
    table = np.zeros((ia.max() + 1, ib.max() + 1))
    np.add.at(table, (ia, ib), 1)

    def pairs(x):
        return (x * (x - 1) / 2).sum()

    index, rows, cols = pairs(table), pairs(table.sum(1)), pairs(table.sum(0))
    expected = rows * cols / pairs(np.array([len(a)]))
    maximum = (rows + cols) / 2
    return 1.0 if maximum == expected else float((index - expected) / (maximum - expected))
