"""Cancer cell fractions: of every somatic variant in every sample, and of every cluster, from
the prevalence (tumour_fraction.py) divided by the sample's tumour fraction.

- Variant: CCF = phi / TF with phi from its own VAF (phi = (VAF − eps) / ((1 − 2 eps) · scale),
  scale = m / (2r)); the interval carries the VAF's Wilson interval through the same formula.
- Cluster: CCF = phi[k, s] / TF with the profile-likelihood interval of phi[k, s] over the
  cluster's variants (quasi-binomial dispersion included). The tumour fraction's own
  uncertainty is not propagated (it is reported beside it).
- Both are clipped to [0, 1] (a cell carries a variant or not) and blank where the tumour is
  not detected in the sample: a fraction of no tumour cells is not measured.
- Multiplicity: 1, except in a segment with a called copy change, where the variant's copies
  m are chosen from 1..round(C) (C the tumour copy number the copy ratio and TF imply) as the
  m that brings its CCF nearest to 1 or below it, in the sample with the highest TF.
"""

import numpy as np

from resistance_timeline.clones.tumour_fraction import dispersion, profile_interval


def prevalence_from_vaf(vaf, scale, eps):
    """Cellular prevalence implied by a VAF (None stays None), clipped to [0, 1]."""
    if vaf is None:
        return None
    return float(np.clip((vaf - eps) / ((1 - 2 * eps) * scale), 0.0, 1.0))


def ccf_of(phi, tf):
    """phi / TF clipped to [0, 1]; None when either is missing or TF is 0."""
    if phi is None or tf is None or tf <= 0:
        return None
    return float(min(1.0, max(0.0, phi / tf)))


def tumour_copy_number(ratio, tf):
    """Tumour copy number from a copy ratio r and tumour fraction p: r = ((1 − p)·2 + p·C)/2."""
    return max(0.0, (2 * ratio - 2 * (1 - tf)) / tf)


def multiplicity(phi_best, tf_best, ratio_best):
    """A variant's copies in its tumour cells (see the module docstring): 1 in copy-neutral
    segments or without a tumour fraction; otherwise the m in 1..round(C) whose CCF
    phi·m'/... is closest to 1 without exceeding it by more than 10%."""
    if ratio_best == 1.0 or not tf_best or phi_best is None:
        return 1
    top = max(1, int(round(tumour_copy_number(ratio_best, tf_best))))
    # phi was computed with m = 1; with m copies the prevalence is phi / m
    candidates = [m for m in range(1, top + 1) if phi_best / m / tf_best <= 1.1]
    if not candidates:
        return top
    return min(candidates, key=lambda m: abs(1 - phi_best / m / tf_best))


def cluster_ccf(alt, depth, scale, eps, phi_hat, tf):
    """(ccf, low, high, prevalence) of one cluster in one sample from its variants' counts
    (1-D over the members); blanks when the tumour fraction is unknown or 0."""
    alt, depth = np.asarray(alt, float), np.asarray(depth, float)
    if not tf or tf <= 0 or depth.sum() == 0:
        return None, None, None, phi_hat
    d = dispersion(phi_hat, alt, depth, scale, eps)
    _, low, high = profile_interval(alt, depth, scale, eps, phi_hat=phi_hat, scale_chi2=d)
    return ccf_of(phi_hat, tf), ccf_of(low, tf), ccf_of(high, tf), phi_hat


def presence(ccf, low, high, min_ccf):
    """A cluster's status in a sample for the timeline: detected (CCF >= min_ccf and its
    interval above 0), not_detected (interval entirely below min_ccf) or not_covered."""
    if ccf is None:
        return "not_covered"
    if ccf >= min_ccf and low > 0:
        return "detected"
    if high < min_ccf:
        return "not_detected"
    return "not_covered"
