"""Cancer cell fractions, multiplicity and presence calls (clones/ccf.py)."""

import numpy as np
import pytest

from resistance_timeline.clones.ccf import (
    ccf_of,
    cluster_ccf,
    multiplicity,
    presence,
    prevalence_from_vaf,
    tumour_copy_number,
)


def test_ccf_from_vaf_tumour_fraction_and_copy_ratio():
    # subclone of 40% of tumour cells at TF 0.5, copy neutral: VAF 0.1
    assert ccf_of(prevalence_from_vaf(0.1, 0.5, 0.0), 0.5) == pytest.approx(0.4)
    assert ccf_of(0.3, 0.2) == 1.0 and ccf_of(0.1, None) is None and ccf_of(None, 0.3) is None
    assert prevalence_from_vaf(0.0005, 0.5, 0.001) == 0.0  # below the error rate


def test_multiplicity_from_the_copy_number():
    # CDK4-like amplicon: r 1.6 at TF 0.2 is 8 copies; a variant on 3 of them reads phi 0.6
    assert tumour_copy_number(1.6, 0.2) == pytest.approx(8)
    assert multiplicity(0.6, 0.2, 1.6) == 3
    assert multiplicity(0.2, 0.2, 1.6) == 1  # on one copy: CCF 1 already
    assert multiplicity(0.6, 0.2, 1.0) == 1  # copy neutral: always 1


def test_cluster_ccf_and_presence():
    depth = np.full(4, 200.0)
    alt = np.array([20.0, 18, 22, 20])  # VAF 0.1 at TF 0.5 -> CCF 0.4
    ccf, low, high, phi = cluster_ccf(alt, depth, 0.5, 0.0, 0.2, 0.5)
    assert ccf == pytest.approx(0.4) and low < 0.4 < high and phi == 0.2
    assert presence(ccf, low, high, 0.1) == "detected"
    zero = cluster_ccf(np.zeros(4), depth, 0.5, 0.0, 0.0, 0.5)
    assert zero[0] == 0 and presence(*zero[:3], 0.1) == "not_detected"
    assert cluster_ccf(alt, depth, 0.5, 0.0, 0.2, None)[:3] == (None, None, None)
    assert presence(0.3, 0.0, 0.9, 0.1) == "not_covered" and presence(None, None, None, 0.1) == (
        "not_covered"
    )
