"""Expression figures (PNG): a patient's volcano, MA and time course; a cohort contrast's
volcano and MA (``plot_cohort_contrast``).

- volcano: one panel per contrast, -log10 p-value against log2 fold change where the contrast
  has p-values (``wald_cohort_dispersion``); MA-style (log2 fold change against log10 mean
  normalized count) where it has none (``shrunken_lfc_no_replicates``), titled so;
- MA: one panel per contrast, log2 fold change against log10 mean normalized count;
- time course: the vst (log2) of the genes with |LFC| >= ``plot_min_abs_lfc`` in any contrast
  (the ``plot_max_genes`` largest, plus ``plot_genes`` when counted), and the patient's pathway
  scores, against the sample's day.

Every figure is drawn (with a note) when the patient has no contrast or no data.
"""

import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

LABEL_TOP = 6  # genes named per panel


def _float(value):
    try:
        result = float(value)
    except (TypeError, ValueError):
        return math.nan
    return result


def by_contrast(rows) -> dict[str, list]:
    """Rows of a patient's contrasts table, grouped by contrast in table order."""
    groups = {}
    for row in rows:
        groups.setdefault(row["contrast"], []).append(row)
    return groups


def _empty(ax, text):
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()


def _panels(n):
    fig, axes = plt.subplots(1, max(n, 1), figsize=(4.2 * max(n, 1), 3.8), squeeze=False)
    return fig, axes[0]


def _save(fig, title, path):
    """Title the figure, lay it out, write it as PNG and free it."""
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _label(ax, x, y, names, rank):
    """Name the LABEL_TOP points of largest |rank|."""
    order = np.argsort(-np.abs(np.nan_to_num(rank)))
    for i in order[:LABEL_TOP]:
        if np.isfinite(x[i]) and np.isfinite(y[i]):
            ax.annotate(
                names[i], (x[i], y[i]), fontsize=7, xytext=(2, 2), textcoords="offset points"
            )


def _arrays(rows):
    lfc = np.array([_float(r["log2_fold_change"]) for r in rows])
    mean = np.array([_float(r["base_mean"]) for r in rows])
    pvalue = np.array([_float(r["pvalue"]) for r in rows])
    return lfc, mean, pvalue, [r["gene_name"] for r in rows]


def _ma(ax, rows, title):
    lfc, mean, _, names = _arrays(rows)
    x = np.log10(np.maximum(mean, 0) + 1.0)
    changed = np.abs(lfc) >= 1
    ax.scatter(x[~changed], lfc[~changed], s=8, color="0.6")
    ax.scatter(x[changed], lfc[changed], s=12, color="C3")
    ax.axhline(0, color="0.3", lw=0.8)
    ax.set_xlabel("log10(mean normalized count + 1)")
    ax.set_ylabel("log2 fold change")
    ax.set_title(title, fontsize=9)
    _label(ax, x, lfc, names, lfc)


def _volcano(ax, rows, title):
    lfc, _, pvalue, names = _arrays(rows)
    if not np.isfinite(pvalue).any():
        _ma(ax, rows, f"{title}\nno p-values (no replicates): MA")
        return
    y = -np.log10(np.clip(pvalue, 1e-300, 1.0))
    padj = np.array([_float(r["padj"]) for r in rows])
    hit = padj < 0.1
    ax.scatter(lfc[~hit], y[~hit], s=8, color="0.6")
    ax.scatter(lfc[hit], y[hit], s=12, color="C3", label="padj < 0.1")
    ax.axvline(0, color="0.3", lw=0.8)
    ax.set_xlabel("log2 fold change")
    ax.set_ylabel("-log10 p-value")
    ax.set_title(title, fontsize=9)
    _label(ax, lfc, y, names, y)


def _title(rows):
    first = rows[0]
    return f"{first['contrast']}: {first['pre_sample']} -> {first['post_sample']}"


def _per_contrast(groups, patient, draw, path, what):
    fig, axes = _panels(len(groups))
    if not groups:
        _empty(axes[0], f"{patient}: no pre/post contrast")
    for ax, rows in zip(axes, groups.values()):
        draw(ax, rows, _title(rows))
    _save(fig, f"{patient}: {what}", path)


def timecourse_genes(rows, gene_names, settings) -> list[str]:
    """Genes of the time course: the largest |LFC| >= the threshold, then the always-genes."""
    best = {}
    for row in rows:
        lfc = abs(_float(row["log2_fold_change"]))
        if np.isfinite(lfc) and lfc >= settings["plot_min_abs_lfc"]:
            best[row["gene_name"]] = max(lfc, best.get(row["gene_name"], 0.0))
    always = [g for g in settings["plot_genes"] if g in gene_names]
    ranked = [g for g in sorted(best, key=lambda g: -best[g]) if g not in always]
    room = max(settings["plot_max_genes"] - len(always), 0)
    return always + ranked[:room]


def _timecourse(rows, normalized, pathway_rows, patient, samples, settings, path):
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    days = [_float(s["day"]) for s in samples]
    by_name = {r["gene_name"]: r for r in normalized}
    genes = timecourse_genes(rows, set(by_name), settings)
    if genes and samples:
        left.set_prop_cycle(color=plt.cm.tab20.colors)
        for gene in genes:
            values = [_float(by_name[gene].get(f"{s['sample_id']}.vst")) for s in samples]
            left.plot(days, values, marker="o", label=gene)
        left.set_xlabel("day")
        left.set_ylabel("vst (log2)")
        left.legend(fontsize=7, ncol=2)
        left.set_title("genes changed in a contrast", fontsize=9)
    else:
        _empty(left, "no gene to show")
    ids = {s["sample_id"]: _float(s["day"]) for s in samples}
    pathways = {}
    for row in pathway_rows:
        if row["sample_id"] in ids and row["score"] not in ("", None):
            pathways.setdefault(row["pathway"], []).append(
                (ids[row["sample_id"]], _float(row["score"]))
            )
    if pathways:
        for name, points in pathways.items():
            points.sort()
            right.plot(*zip(*points), marker="o", label=name)
        right.axhline(0, color="0.3", lw=0.8)
        right.set_xlabel("day")
        right.set_ylabel("pathway score")
        right.legend(fontsize=7)
        right.set_title("pathway activity", fontsize=9)
    else:
        _empty(right, "no pathway score")
    _save(fig, f"{patient}: expression over time", path)


def plot_patient_expression(rows, normalized, pathway_rows, patient, samples, settings, outputs):
    """Draw the three figures into ``outputs`` (volcano, ma, timecourse paths). ``samples``:
    the patient's RNA sample dicts (sample_id, day) in timeline order."""
    groups = by_contrast(rows)
    _per_contrast(groups, patient, _volcano, outputs["volcano"], "volcano")
    _per_contrast(groups, patient, _ma, outputs["ma"], "MA")
    _timecourse(rows, normalized, pathway_rows, patient, samples, settings, outputs["timecourse"])


def plot_cohort_contrast(rows, contrast, pairs, outputs):
    """A cohort contrast's volcano and MA plot (one panel each) into ``outputs`` (volcano, ma
    paths), from its cohort.<contrast>.tsv rows; ``pairs``: the number of patients' pre/post
    pairs in the model, for the title. A contrast whose model was not fitted (a header-only
    table) gets figures saying so."""
    title = f"cohort {contrast}: {pairs} pre/post pairs, ~ patient + condition"
    for key, draw, what in (("volcano", _volcano, "volcano"), ("ma", _ma, "MA")):
        fig, axes = _panels(1)
        if rows:
            draw(axes[0], rows, title)
        else:
            _empty(axes[0], f"cohort {contrast}: no model fitted")
        _save(fig, f"cohort {contrast}: {what}", outputs[key])
