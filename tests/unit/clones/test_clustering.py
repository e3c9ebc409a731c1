"""The binomial mixture over samples (clones/clustering.py): simulated clones with known
membership and prevalence, determinism, BIC's choice, and the adjusted Rand index against
scikit-learn's documented values."""

import numpy as np
import pytest

from resistance_timeline.clones.clustering import (
    adjusted_rand_index,
    beta_binomial_loglik,
    cluster_variants,
)
from resistance_timeline.clones.tumour_fraction import alt_probability

# truncal at TF 0.6, 0.5, 0.4; a subclone 0.5 -> 0.15 -> 0 of the tumour; one that appears
PHI = np.array([[0.6, 0.5, 0.4], [0.3, 0.075, 0.0], [0.0, 0.0, 0.4]])
SIZES = (10, 4, 3)
EPS = np.array([1e-3, 1e-3, 2e-3])


def simulate(seed, depth=150):
    rng = np.random.default_rng(seed)
    truth = np.repeat(np.arange(len(SIZES)), SIZES)
    d = rng.poisson(depth, (len(truth), 3)).astype(float)
    alt = rng.binomial(d.astype(int), alt_probability(PHI[truth], 0.5, EPS)).astype(float)
    return alt, d, truth


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_recovers_simulated_clones(seed):
    alt, depth, truth = simulate(seed)
    fit = cluster_variants(alt, depth, np.full(alt.shape, 0.5), EPS, 6, 5, 11)
    assert len(fit.weights) == 3, fit.bic_by_k
    assert adjusted_rand_index(truth, fit.labels) == 1.0
    for t in range(len(SIZES)):  # each true clone's fitted prevalence (3-10 variants)
        (k,) = set(fit.labels[truth == t])
        assert np.abs(fit.phi[k] - PHI[t]).max() < 0.1
    assert (fit.labels[: SIZES[0]] == 0).all()  # truncal first: the largest prevalence
    assert fit.probability.min() > 0.9


def test_same_seed_same_answer_and_one_cluster_for_one_clone():
    alt, depth, _ = simulate(4)
    a = cluster_variants(alt, depth, np.full(alt.shape, 0.5), EPS, 6, 5, 11)
    b = cluster_variants(alt, depth, np.full(alt.shape, 0.5), EPS, 6, 5, 11)
    assert np.array_equal(a.labels, b.labels) and np.allclose(a.phi, b.phi)
    truncal = slice(0, SIZES[0])
    one = cluster_variants(alt[truncal], depth[truncal], np.full((10, 3), 0.5), EPS, 6, 5, 11)
    assert len(one.weights) == 1


def test_copy_ratio_enters_the_expected_vaf():
    # the same clone in a gained segment (r = 1.5) reads lower VAFs but one prevalence
    rng = np.random.default_rng(5)
    scale = np.where(np.arange(12)[:, None] < 6, 0.5, 1 / 3.0) * np.ones((12, 2))
    depth = np.full((12, 2), 400.0)
    alt = rng.binomial(400, alt_probability(np.array([0.6, 0.3]), scale, 0.0)).astype(float)
    fit = cluster_variants(alt, depth, scale, np.zeros(2), 4, 5, 1)
    assert len(fit.weights) == 1 and np.allclose(fit.phi[0], [0.6, 0.3], atol=0.05)


@pytest.mark.parametrize(
    "a,b,expected",
    [
        ([0, 0, 1, 1], [0, 0, 1, 1], 1.0),
        ([0, 0, 1, 1], [1, 1, 0, 0], 1.0),
        ([0, 0, 1, 2], [0, 0, 1, 1], 0.5714285714),
        ([0, 0, 1, 1], [0, 1, 0, 1], -0.5),
        ([0, 0, 0, 0], [0, 1, 2, 3], 0.0),
    ],
)
def test_adjusted_rand_index_matches_scikit_learn_examples(a, b, expected):
    assert adjusted_rand_index(a, b) == pytest.approx(expected)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_an_overdispersed_clone_stays_one_cluster(seed):
    # one clone, VAFs beta-distributed around 0.3 (precision 100) at depth 300: the scatter of
    # capture and PCR, not clones; a binomial score splits it into 3-4 clusters
    rng = np.random.default_rng(seed)
    vaf = rng.beta(30, 70, (40, 3))
    depth = rng.poisson(300, (40, 3)).astype(float)
    alt = rng.binomial(depth.astype(int), vaf).astype(float)
    fit = cluster_variants(alt, depth, np.full((40, 3), 0.5), np.full(3, 1e-3), 6, 5, 11)
    assert len(fit.weights) == 1, fit.bic_by_k
    assert fit.precision is not None and 30 <= fit.precision <= 300


def test_overdispersed_clones_apart_by_more_than_their_scatter_stay_apart():
    rng = np.random.default_rng(5)
    means = np.repeat([[0.3, 0.3], [0.1, 0.25]], 15, axis=0)  # two clones, 15 variants each
    vaf = rng.beta(means * 150, (1 - means) * 150)
    depth = rng.poisson(400, (30, 2)).astype(float)
    alt = rng.binomial(depth.astype(int), vaf).astype(float)
    fit = cluster_variants(alt, depth, np.full((30, 2), 0.5), np.full(2, 1e-3), 6, 5, 11)
    assert adjusted_rand_index(np.repeat([0, 1], 15), fit.labels) == 1.0, fit.bic_by_k


def test_beta_binomial_likelihood_tends_to_the_binomial():
    alt, depth, _ = simulate(1)
    fit = cluster_variants(alt, depth, np.full(alt.shape, 0.5), EPS, 6, 5, 11)
    scale = np.full(alt.shape, 0.5)
    binomial = beta_binomial_loglik(fit, alt, depth, scale, EPS, None)
    assert abs(beta_binomial_loglik(fit, alt, depth, scale, EPS, 1e7) - binomial) < 0.05
    assert beta_binomial_loglik(fit, alt, depth, scale, EPS, 10) < binomial  # binomial data
    assert fit.precision is None or fit.precision >= 1000


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_subclones_seen_in_one_sample_of_four_stand_apart(seed):
    # NB01's shape: a truncal clone (16 variants) in a biopsy and three plasma samples, two
    # relapse subclones of 3 and 4 variants in the last plasma sample only (allele fractions
    # about 0.085 and 0.027). Every prevalence counted in BIC (K x S) merged them at seed 0
    # (and in the demo); with absent-sample prevalences free they stand apart
    rng = np.random.default_rng(seed)
    phi = np.array([[0.7, 0.0, 0.006, 0.2], [0.0, 0.0, 0.0, 0.17], [0.0, 0.0, 0.0, 0.055]])
    truth = np.repeat([0, 1, 2], [16, 3, 4])
    depth = rng.poisson([150, 85, 150, 330], (len(truth), 4)).astype(float)
    p = alt_probability(phi[truth], 0.5, np.full(4, 1e-4))
    alt = rng.binomial(depth.astype(int), p).astype(float)
    fit = cluster_variants(alt, depth, np.full(alt.shape, 0.5), np.full(4, 1e-4), 6, 10, 11)
    assert adjusted_rand_index(truth, fit.labels) == 1.0, fit.bic_by_k
