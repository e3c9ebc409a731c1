"""The panel-of-normals background model (resistance_timeline.dna.background) and what the
genotyper's statistics make of it (status, detection limit, origin panel_artefact).

The beta-binomial is checked against scipy.stats (binom, betabinom) where scipy is exact, and
the far tail against the regularized incomplete beta, the binomial tail's closed form."""

import numpy as np
import pytest
from scipy import stats
from scipy.special import betainc

from resistance_timeline.dna import background as bgm
from resistance_timeline.dna import genotype_stats as gs
from resistance_timeline.dna.panel_of_normals import PanelRow
from resistance_timeline.setup.config import schema_defaults

THR = schema_defaults("genotyping")


def row(pos, carriers, depth, alt="T", contig="chr1", ref="A"):
    """A panel row with its pooled depth and carriers {index: (alt, depth)}."""
    alt_reads = sum(a for a, _ in carriers.values())
    return PanelRow(contig, pos, ref, alt, depth, alt_reads, alt_reads, 0, carriers)


@pytest.mark.parametrize("rho", [0.0, 0.001, 0.05, 0.3])
def test_log_pmf_matches_scipy(rho):
    k, n, mu = np.arange(0, 40), 300, 0.01
    if rho == 0:
        expected = stats.binom.logpmf(k, n, mu)
    else:
        a, b = mu * (1 - rho) / rho, (1 - mu) * (1 - rho) / rho
        expected = stats.betabinom.logpmf(k, n, a, b)
    assert bgm.log_pmf(k, n, mu, rho) == pytest.approx(expected, rel=1e-9, abs=1e-9)


def test_tail_matches_scipy_and_stays_exact_far_out():
    bg = bgm.Background(vaf=0.004, rho=0.01)
    a, b = 0.004 * 0.99 / 0.01, 0.996 * 0.99 / 0.01
    for alt in (1, 3, 8):
        assert bgm.background_p(alt, 1000, bg) == pytest.approx(
            stats.betabinom.sf(alt - 1, 1000, a, b), rel=1e-8
        )
    # binomial: P(X >= k) = I_mu(k, n - k + 1); 1 - CDF would give 0 here
    floor = bgm.Background(vaf=1e-4)
    exact = betainc(10, 1000 - 10 + 1, 1e-4)
    assert exact < 1e-16
    assert bgm.background_p(10, 1000, floor) == pytest.approx(exact, rel=1e-6)
    assert bgm.background_p(0, 1000, floor) == 1.0
    assert bgm.background_p(3, 0, floor) == 1.0


def test_shrunk_vaf_floor_and_pooled_rate():
    bg = THR["background"]
    assert bgm.shrunk_vaf(0, 0, bg) == bg["floor_vaf"]
    assert bgm.shrunk_vaf(0, 5000, bg) == bg["floor_vaf"]  # never below the floor
    prior = bg["prior_depth"]
    assert bgm.shrunk_vaf(16, 4000, bg) == pytest.approx(
        (16 + bg["floor_vaf"] * prior) / (4000 + prior)
    )
    # one error read in a small panel stays near the floor, far from 1 / depth
    assert bgm.shrunk_vaf(1, 160, bg) < 1e-3


def test_usable_counts_leave_out_own_and_germline_normals():
    # 4 normals: 0 carries 2/100, 1 is germline (40/80), 2 and 3 show nothing (pooled depth
    # 400 - 100 - 80 = 220, an equal share of 110 each)
    r = row(100, {0: (2, 100), 1: (40, 80)}, depth=400)
    alts, depths = bgm.usable_counts(r, 4, exclude=set(), germline_vaf=0.2)
    assert alts.tolist() == [2, 0, 0] and depths.tolist() == [100, 110, 110]
    alts, depths = bgm.usable_counts(r, 4, exclude={0}, germline_vaf=0.2)  # own carrier: exact
    assert alts.tolist() == [0, 0] and depths.tolist() == [110, 110]
    alts, depths = bgm.usable_counts(r, 4, exclude={3}, germline_vaf=0.2)  # own non-carrier
    assert alts.tolist() == [2, 0] and depths.tolist() == [100, 110]


def test_fit_rho_recovers_overdispersion_and_ignores_one_error():
    rng = np.random.default_rng(3)
    mu, rho = 0.005, 0.02
    a, b = mu * (1 - rho) / rho, (1 - mu) * (1 - rho) / rho
    groups = []
    for _ in range(30):  # 30 sites x 40 normals at 200x
        depths = np.full(40, 200)
        alts = rng.binomial(depths, rng.beta(a, b, size=40))
        groups.append((alts, depths, max(alts.sum() / depths.sum(), 1e-4)))
    assert 0.005 <= bgm.fit_rho(groups) <= 0.08
    binomial = []
    for _ in range(30):
        depths = np.full(40, 200)
        alts = rng.binomial(depths, mu)
        binomial.append((alts, depths, alts.sum() / depths.sum()))
    assert bgm.fit_rho(binomial) <= 0.002
    one_error = [(np.array([2, 0]), np.array([111, 127]), 2 / 238)]
    assert bgm.fit_rho(one_error) == 0.0
    assert bgm.fit_rho([(np.array([0, 0]), np.array([100, 100]), 1e-4)]) == 0.0


def test_site_background_recurrence_and_own_normal():
    thr = THR
    sticky = {i: (1, 250) for i in range(4)}  # 4 normals, 1 alt read each at 250x: 0.4%
    r = row(100, sticky, depth=1000)
    bg = bgm.site_background(r, [], 4, set(), thr)
    assert bg.recurrent and bg.carriers == 4 and bg.normals == 4
    assert bg.vaf == pytest.approx(
        (4 + thr["background"]["floor_vaf"] * thr["background"]["prior_depth"])
        / (1000 + thr["background"]["prior_depth"])
    )
    assert "panel_normals:4/4" in bg.reason()
    # the patient's own normal and one more left out: 2 carriers are below min_normals (3)
    bg = bgm.site_background(r, [], 4, {0, 1}, thr)
    assert not bg.recurrent and bg.carriers == 2
    assert bgm.site_background(None, [], 4, {0}, thr) == bgm.Background(
        vaf=thr["background"]["floor_vaf"], normals=3
    )


def test_a_sticky_site_needs_more_alt_reads_to_be_detected():
    thr = THR
    sticky = bgm.Background(vaf=0.004, carriers=20, normals=40)
    floor = bgm.floor_background(thr)
    row5 = [0, 0, 0, 0, 0, 0, 0, 0]
    row5[gs.REF_FWD], row5[gs.REF_REV], row5[gs.ALT_FWD], row5[gs.ALT_REV] = 498, 497, 3, 2
    clean = gs.summarize(row5, "cfdna", thr, floor)
    noisy = gs.summarize(row5, "cfdna", thr, sticky)
    assert clean["status"] == "detected" and clean["background_p"] < 1e-6
    assert noisy["status"] == "not_detected" and noisy["background_p"] > 0.1
    # the detection limit is the VAF that beats the background: higher at the sticky site
    assert noisy["dl"] > 2 * clean["dl"]
    needed = bgm.critical_alt(1000, sticky, thr["background"]["max_p"], 4)
    assert bgm.background_p(needed, 1000, sticky) < thr["background"]["max_p"]
    assert bgm.background_p(needed - 1, 1000, sticky) >= thr["background"]["max_p"]
    row20 = list(row5)
    row20[gs.ALT_FWD], row20[gs.ALT_REV] = 10, 10
    assert gs.summarize(row20, "cfdna", thr, sticky)["status"] == "detected"


def _sample(material, alt, depth, status, source="blood"):
    half = alt // 2
    return {
        "material": material,
        "status": status,
        "ref": depth - alt,
        "alt": alt,
        "ref_fwd": (depth - alt) // 2,
        "ref_rev": depth - alt - (depth - alt) // 2,
        "alt_fwd": half,
        "alt_rev": alt - half,
        "alt_mapq_sum": 60 * alt,
        "source": source,
    }


def test_recurrent_site_is_a_panel_artefact_unless_the_patient_says_otherwise():
    recurrent = bgm.Background(
        vaf=0.004, normals=30, carriers=12, alt=60, depth=15000, **{"recurrent": True}
    )
    somatic_like = [
        _sample("normal", 0, 100, "not_detected"),
        _sample("cfdna", 12, 1000, "detected"),
    ]
    origin, reason = gs.classify_origin(somatic_like, THR, False, recurrent)
    assert origin == "panel_artefact" and reason == "panel_normals:12/30|panel_vaf:0.004"
    # not detected anywhere: still named for what it is
    quiet = [_sample("normal", 0, 100, "not_detected"), _sample("cfdna", 3, 1000, "not_detected")]
    assert gs.classify_origin(quiet, THR, False, recurrent)[0] == "panel_artefact"
    assert gs.classify_origin(quiet, THR, False, None)[0] == "artefact"
    # the patient's own normal is germline for it
    germline = [_sample("normal", 45, 100, "detected"), _sample("cfdna", 480, 1000, "detected")]
    assert gs.classify_origin(germline, THR, False, recurrent)[0] == "germline"
    # its blood normal carries it at CH level, beyond the background: clonal haematopoiesis
    ch = [_sample("normal", 4, 100, "detected"), _sample("cfdna", 40, 1000, "detected")]
    assert gs.classify_origin(ch, THR, False, recurrent)[0] == "clonal_hematopoiesis"
    # the same reads within the background (the normal not detected): the sticky error again
    ch[0]["status"] = "not_detected"
    assert gs.classify_origin(ch, THR, False, recurrent)[0] == "panel_artefact"
    assert gs.classify_origin(ch, THR, False, None)[0] == "clonal_hematopoiesis"
    # the same variant at a site the panel does not know: somatic
    assert gs.classify_origin(somatic_like, THR, False, None)[0] == "somatic"


class FakePanel:
    normals = ["P1-N", "X-N", "Y-N", "Z-N"]

    def __init__(self, rows):
        self._rows = rows

    def rows(self, contig, start, end):
        return [r for r in self._rows if r.contig == contig and start <= r.pos - 1 < end]


class Site:
    def __init__(self, idx, pos, ref="A", alt="T", contig="chr1"):
        self.idx, self.pos, self.ref, self.alt, self.contig = idx, pos, ref, alt, contig


def test_panel_backgrounds_match_alleles_and_leave_out_the_patients_normal():
    sticky = {i: (2, 250) for i in range(4)}
    panel = FakePanel(
        [
            row(100, sticky, depth=1000),  # A>T: the candidate's allele
            row(100, {1: (3, 250)}, depth=1000, alt="G"),  # another allele, same position
            row(5000, {0: (5, 200)}, depth=800),  # only the patient's own normal shows it
        ]
    )
    sites = [Site(0, 100), Site(1, 100, alt="C"), Site(2, 5000), Site(3, 9000, contig="chr2")]
    found = bgm.panel_backgrounds(panel, sites, ["P1-N"], THR)
    floor = THR["background"]["floor_vaf"]
    assert found[0].recurrent and found[0].carriers == 3 and found[0].normals == 3
    assert found[0].vaf > 5 * floor
    assert found[1].vaf == floor and not found[1].recurrent  # C: no row of its own
    assert found[2].vaf == floor and found[2].carriers == 0  # own normal left out
    assert found[3] == bgm.Background(vaf=floor, normals=3)
    assert bgm.panel_backgrounds(None, sites, [], THR)[0] == bgm.floor_background(THR)
