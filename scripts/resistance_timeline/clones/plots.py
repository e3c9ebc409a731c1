"""The clones figure (rule plot_clones): a tumour-fraction track over a fish (Muller) plot of
the patient's clusters, on one day axis under its lines of therapy (PNG and SVG).

Drawn with matplotlib, not pyfish: pyfish (PyPI 1.2.0) needs a parent for every clone and
populations at each time; the tree is inferred here anyway, and a sample whose tumour is not
detected must be drawn as unknown (hatched), not as a clone of size 0 — which pyfish cannot
express — and the figure shares its day axis with the tumour-fraction track. No extra
dependency.

- Top: tumour fraction per sample (log axis) with its 95% interval; a sample where the pooled
  test finds no tumour is an open triangle at its pooled detection limit, labelled
  "not detected, < X%".
- Bottom: cancer cell fraction of every cluster over time (the truncal cluster is the whole
  tumour, height 1), each nested in its parent of the clone tree (tree.py:
  results/clones/{patient}.tree.tsv; where several trees fit, the drawn one is the most
  parsimonious and the title says the tree is ambiguous). Children are stacked side by side,
  centred in their parent. A cluster of fewer than ``clones.min_variants`` variants (note
  ``few_variants``) is drawn faded and dotted, "uncertain" in the legend. Between
  samples the fractions are interpolated smoothly; samples where the tumour is not detected
  are left out of the interpolation and hatched.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from resistance_timeline.timeline.therapy import number, ordered_lines  # noqa: E402

RC = {"svg.fonttype": "none", "font.size": 8, "legend.fontsize": 7}
COLOURS = ["#c6dbef", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf"]
THERAPY = ["#9ecae1", "#a1d99b", "#fdd0a2", "#bcbddc", "#fcbba1", "#c7e9c0"]


def cluster_series(cluster_rows):
    """{cluster: {"members", "truncal", "points": [(day, ccf or None)]}} in table order."""
    out = {}
    for r in cluster_rows:
        c = out.setdefault(
            r["cluster"],
            {
                "members": r["members"],
                "truncal": r["truncal"] == "true",
                "few": "few_variants" in r.get("note", ""),
                "variants": r.get("variants", ""),
                "points": [],
            },
        )
        c["points"].append((number(r["day"]), number(r["ccf"])))
    return out


def _smooth(days, values, grid):
    """Cosine interpolation of (day, value) points over ``grid`` (constant outside)."""
    days, values = np.asarray(days, float), np.asarray(values, float)
    out = np.interp(grid, days, values)
    for a, b, va, vb in zip(days[:-1], days[1:], values[:-1], values[1:]):
        inside = (grid >= a) & (grid <= b)
        if b > a:
            t = (1 - np.cos(np.pi * (grid[inside] - a) / (b - a))) / 2
            out[inside] = va + (vb - va) * t
    return out


def band_curves(series, grid, parent_of):
    """{cluster: (lower, upper)} curves of the fish plot over ``grid`` (days); ``parent_of``:
    each cluster's parent in the clone tree (None for the truncal cluster)."""
    root = next(name for name, parent in parent_of.items() if parent is None)
    height = {}
    for name, s in series.items():
        pts = [(d, c) for d, c in s["points"] if c is not None]
        if s["truncal"] or name == root:
            pts = [(d, 1.0) for d, _ in pts]
        height[name] = _smooth(*zip(*pts), grid) if pts else np.zeros_like(grid)
    curves = {root: (-height[root] / 2, height[root] / 2)}
    pending = [root]
    while pending:
        node = pending.pop(0)
        kids = [c for c, p in parent_of.items() if p == node and c in series]
        lo, hi = curves[node]
        total = sum((height[k] for k in kids), np.zeros_like(grid))
        total = np.minimum(total, hi - lo)
        start = (lo + hi) / 2 - total / 2
        for k in kids:
            h = np.minimum(height[k], hi - start)
            curves[k] = (start, start + h)
            start = start + h
            pending.append(k)
    return curves


def _therapy(ax, lines, right):
    for i, t in enumerate(lines):
        end = right if t["end_day"] is None else t["end_day"]
        ax.axvspan(t["start_day"], end, color=THERAPY[i % len(THERAPY)], alpha=0.25, lw=0)


def plot_clones(tf_rows, cluster_rows, tree_rows, treatments, patient, outputs):
    """Draw the figure into every path of ``outputs`` (format from the extension)."""
    lines = ordered_lines(treatments)
    days = [number(r["day"]) for r in tf_rows]
    left = min([0, *days])
    right = max([*days, *(t["end_day"] or t["start_day"] for t in lines)]) * 1.05 + 10
    with plt.rc_context(RC):
        fig, (top, fish) = plt.subplots(
            2, 1, sharex=True, figsize=(10, 6), height_ratios=[1, 1.6], layout="constrained"
        )
        for ax in (top, fish):
            _therapy(ax, lines, right)
        for t in lines:
            top.text(
                t["start_day"],
                1.02,
                f" {t['drug']} ({t.get('best_response', '')})",
                transform=top.get_xaxis_transform(),
                fontsize=7,
                va="bottom",
            )
        _tf_track(top, tf_rows)
        _fish(fish, tf_rows, cluster_rows, tree_rows)
        fish.set_xlim(left - 10, right)
        fish.set_xlabel("days from diagnosis")
        title = f"{patient}: tumour fraction and clones"
        if any(r["tree_ambiguous"] == "true" for r in tree_rows):
            title += " (several clone trees fit the fractions: the simplest is drawn)"
        if any(r["sum_rule"] == "violated" for r in tree_rows):
            title += " (no clone tree fits the fractions within their intervals)"
        fig.suptitle(title, fontsize=10)
        for path in outputs:
            fig.savefig(path, dpi=110)
        plt.close(fig)


def _short(label, width=70):
    """A legend label cut at a whole variant name, with an ellipsis."""
    if len(label) <= width:
        return label
    return label[: label.rfind(", ", 0, width)] + ", …"


def _tf_track(ax, tf_rows):
    ax.set_yscale("log")
    ax.set_ylabel("tumour fraction")
    for r in tf_rows:
        day, tf = number(r["day"]), number(r["tumour_fraction"])
        limit = number(r["pooled_detection_limit"])
        marker = "s" if r["material"] == "cfdna" else "o"
        if r["tumour_detected"] == "true" and tf:
            low, high = number(r["tf_low"]) or tf, number(r["tf_high"]) or tf
            ax.errorbar(
                day,
                tf,
                yerr=[[tf - max(low, 1e-4)], [high - tf]],
                fmt=marker,
                color="#08519c",
                capsize=3,
                ms=5,
            )
            ax.annotate(
                f"{100 * tf:.2g}%", (day, tf), textcoords="offset points", xytext=(5, 3), fontsize=7
            )
        elif limit:
            ax.plot(day, limit, "v", mfc="white", mec="#555555", ms=6)
            ax.annotate(
                f"not detected, < {100 * limit:.2g}%",
                (day, limit),
                textcoords="offset points",
                xytext=(5, -9),
                fontsize=7,
                color="#555555",
            )
        ax.text(
            day,
            0.98,
            r["sample_id"],
            transform=ax.get_xaxis_transform(),
            fontsize=6,
            ha="center",
            va="top",
            rotation=90,
            color="#444444",
        )
    ax.set_ylim(1e-3, 1.5)


def _fish(ax, tf_rows, cluster_rows, tree_rows):
    ax.set_ylabel("cancer cell fraction")
    series = cluster_series(cluster_rows)
    if not series:
        ax.text(0.5, 0.5, "no somatic variants", transform=ax.transAxes, ha="center")
        return
    measured = [number(r["day"]) for r in tf_rows if r["tumour_detected"] == "true"]
    if not measured:
        ax.text(0.5, 0.5, "tumour not detected in any sample", transform=ax.transAxes, ha="center")
        return
    grid = np.linspace(min(measured), max(measured), 400)
    parent_of = {r["cluster"]: r["parent"] or None for r in tree_rows}
    curves = band_curves(series, grid, parent_of)
    for k, (name, (lo, hi)) in enumerate(curves.items()):
        s = series[name]
        label = _short(f"{name}{' (truncal)' if s['truncal'] else ''}: {s['members']}")
        if s["few"]:  # too few variants to read as a clone's fractions: drawn as uncertain
            label = f"{name} ({s['variants']} variant(s), uncertain): " + label.split(": ", 1)[1]
        ax.fill_between(
            grid,
            lo,
            hi,
            color=COLOURS[k % len(COLOURS)],
            alpha=0.45 if s["few"] else 1.0,
            hatch="..." if s["few"] else None,
            lw=0.6,
            edgecolor="#333333",
            label=label,
        )
    for r in tf_rows:
        if r["tumour_detected"] != "true":
            day = number(r["day"])
            ax.axvspan(day - 6, day + 6, facecolor="white", hatch="///", edgecolor="#888888", lw=0)
    for day in measured:
        ax.axvline(day, color="#666666", lw=0.5, ls=":")
    ax.set_ylim(-0.6, 0.6)
    ax.set_yticks([-0.5, 0, 0.5], ["", "", ""])
    ax.legend(loc="upper left", bbox_to_anchor=(0, -0.18), ncol=2, frameon=False)
