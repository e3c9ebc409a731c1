"""Statistics and origin rules of resistance_timeline.dna.genotype_stats (plain counts, no BAMs),
and the genotyping settings they take from the configuration schema."""

import pytest
from scipy.stats import binom, fisher_exact

from resistance_timeline.dna import genotype_stats as gs
from resistance_timeline.setup.config import ConfigError, schema_defaults, validate_config

THR = schema_defaults("genotyping")


def test_detection_limit():
    f = gs.detection_limit(150, 3)
    assert f == pytest.approx(0.0418, abs=1e-3)
    assert binom.sf(2, 150, f) == pytest.approx(0.95, abs=1e-6)
    assert gs.detection_limit(150, 3, min_vaf=0.05) == 0.05
    assert gs.detection_limit(2, 3) is None
    m = gs.summarize([0] * gs.N_COLS, "tumor", THR)
    assert m["status"] == "not_covered" and m["vaf"] is None and m["dl"] is None
    assert m["gt"] == (None, None)


def sample(material, ref, alt, ref_fwd=None, alt_fwd=None, mapq=60):
    """Summary dict for classify_origin; strands balanced unless given."""
    rf = ref // 2 if ref_fwd is None else ref_fwd
    af = alt // 2 if alt_fwd is None else alt_fwd
    row = [rf, ref - rf, af, alt - af, 0, alt * mapq]
    return gs.summarize(row, material, THR)


def test_origin_rules():
    origin = gs.classify_origin
    assert origin([sample("normal", 26, 24), sample("tumor", 30, 30)], THR) == (
        "germline",
        "normal_vaf:0.48",
    )
    o, reason = origin([sample("normal", 80, 0), sample("tumor", 70, 30)], THR)
    assert o == "somatic" and "max_tumor_vaf:0.3" in reason
    o, reason = origin(
        [sample("normal", 80, 0), sample("tumor", 80, 20, ref_fwd=40, alt_fwd=20)], THR
    )
    assert o == "artefact" and reason.startswith("strand_bias_p:")
    assert float(reason.split(":")[1]) < 1e-3
    o, reason = origin([sample("normal", 80, 0), sample("tumor", 80, 20, mapq=12)], THR)
    assert (o, reason) == ("artefact", "low_alt_mapq:12.0")
    o, reason = origin([sample("normal", 95, 5), sample("tumor", 70, 30)], THR)
    assert o == "artefact" and reason.startswith("normal_vaf:0.05")  # 0.05 > 0.05 * 0.3
    assert origin([sample("normal", 80, 0), sample("tumor", 99, 1)], THR) == (
        "artefact",
        "not_detected",
    )
    # tumour-only heuristics
    assert origin([sample("tumor", 50, 50), sample("cfdna", 260, 240)], THR)[0] == "germline"
    assert origin([sample("tumor", 1, 99), sample("tumor", 0, 60)], THR)[0] == "germline"
    assert origin([sample("tumor", 50, 50), sample("tumor", 90, 10)], THR)[0] == "somatic"


@pytest.mark.parametrize(
    "table", [(40, 40, 20, 0), (50, 50, 10, 12), (3, 0, 0, 3), (120, 80, 1, 30), (0, 0, 5, 0)]
)
def test_strand_bias_p_matches_scipy(table):
    a, b, c, d = table
    assert gs.strand_bias_p(a, b, c, d) == pytest.approx(
        fisher_exact([[a, b], [c, d]])[1], rel=1e-9
    )


def test_bad_inputs():
    # a typo in the genotyping settings fails when the config is parsed (the schema's
    # additionalProperties: false), so it cannot pass silently
    with pytest.raises(ConfigError, match="min_mapqq"):
        validate_config({"genotyping": {"min_mapqq": 20}}, "config.yaml")
    with pytest.raises(ValueError, match="duplicate sample_id"):
        gs.validate_samples([{"sample_id": "a", "material": "tumor"}] * 2, ["x", "y"])
