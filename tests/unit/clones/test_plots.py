"""The fish plot's tree and bands, and the figure files (clones/plots.py)."""

import numpy as np

from resistance_timeline.clones.plots import band_curves, cluster_series, plot_clones

TF_ROWS = [
    {
        "sample_id": s,
        "day": d,
        "material": m,
        "tumour_fraction": tf,
        "tf_low": lo,
        "tf_high": hi,
        "tumour_detected": det,
        "pooled_detection_limit": lim,
    }
    for s, d, m, tf, lo, hi, det, lim in (
        ("T0", "0", "tumor", "0.6", "0.55", "0.65", "true", "0.002"),
        ("P1", "200", "cfdna", "0.0001", "0", "0.001", "false", "0.0031"),
        ("P2", "400", "cfdna", "0.3", "0.27", "0.33", "true", "0.001"),
    )
]


def cluster_rows(ccf):
    """Rows of clusters.tsv from {cluster: [ccf per sample]} (first: truncal)."""
    rows = []
    for k, (name, values) in enumerate(ccf.items()):
        for r, value in zip(TF_ROWS, values):
            rows.append(
                {
                    "cluster": name,
                    "truncal": "true" if k == 0 else "false",
                    "members": f"{name} variants",
                    "day": r["day"],
                    "ccf": "" if value is None else str(value),
                    "variants": "1" if name == "C3" else "5",
                    "note": "few_variants" if name == "C3" else "",
                }
            )
    return rows


def test_bands_nest_each_clone_in_its_parent_of_the_tree():
    series = cluster_series(
        cluster_rows(
            {
                "C1": [1, None, 1],
                "A": [0.6, None, 0.7],
                "B": [0.5, None, 0.5],
                "D": [0.2, None, 0.0],
            }
        )
    )
    parent = {"C1": None, "A": "C1", "B": "A", "D": "C1"}  # as tree.py would nest them
    grid = np.linspace(0, 400, 50)
    curves = band_curves(series, grid, parent)
    for child, p in parent.items():
        if p is None:
            continue
        lo, hi = curves[child]
        plo, phi = curves[p]
        assert (lo >= plo - 1e-9).all() and (hi <= phi + 1e-9).all()
    lo, hi = curves["C1"]
    assert np.allclose(hi - lo, 1.0)
    lo, hi = curves["B"]  # B fills 0.5 of the tumour inside A
    assert np.isclose((hi - lo)[-1], 0.5)


def test_figure_files(tmp_path):
    rows = cluster_rows({"C1": [1, None, 1], "C2": [0.5, None, 0.0], "C3": [0.0, None, 0.8]})
    treatments = [
        {"line": 1, "drug": "lorlatinib", "start_day": 100, "end_day": 495, "best_response": "CR"}
    ]
    out = [tmp_path / "p.png", tmp_path / "p.svg"]
    tree = [
        {"cluster": c, "parent": p, "tree_ambiguous": "true", "sum_rule": "holds"}
        for c, p in (("C1", ""), ("C2", "C1"), ("C3", "C1"))
    ]
    plot_clones(TF_ROWS, rows, tree, treatments, "P", out)
    assert out[0].read_bytes()[:4] == b"\x89PNG" and out[0].stat().st_size > 20_000
    svg = out[1].read_text()
    assert "not detected, &lt; 0.31%" in svg and "C2: C2 variants" in svg and "lorlatinib" in svg
    assert "several clone trees fit the fractions" in svg
    assert "C3 (1 variant(s), uncertain): C3 variants" in svg  # few variants: not read as known
