"""The per-patient copy-number figure: changed genes × timepoints (PNG and SVG, for the report).

Genes with a non-neutral call in any sample are shown, one row each, samples as columns in
timeline order; the cell colour is the tumour copy number on a log scale (blue loss, red
gain), the text the call and the copy number, and LOH is marked. The per-sample genome-wide
scatter is CNVkit's own (``cnvkit.py scatter``, rule plot_copy_ratios).
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.colors import TwoSlopeNorm  # noqa: E402

CHANGED = {"amplification", "gain", "loss", "deep_loss"}
SHORT = {"amplification": "AMP", "gain": "gain", "loss": "loss", "deep_loss": "DEL"}


def changed_genes(rows):
    """Genes called anything but neutral/not_called in some sample, in table order."""
    return list(dict.fromkeys(r["gene"] for r in rows if r["call"] in CHANGED))


def plot_patient_copy_number(rows, samples, patient, outputs):
    """Draw the figure into every path of ``outputs`` (format from the extension).
    ``samples``: dicts with sample_id, day, timepoint, in timeline order."""
    genes = changed_genes(rows)
    ids = [s["sample_id"] for s in samples]
    by_key = {(r["gene"], r["sample_id"]): r for r in rows}
    fig_height = 1.6 + 0.45 * max(1, len(genes))
    fig, ax = plt.subplots(figsize=(2.2 + 1.5 * len(ids), fig_height))
    if not genes:
        ax.text(0.5, 0.5, "no copy-number change called", ha="center", va="center")
        ax.set_axis_off()
    else:
        values = np.full((len(genes), len(ids)), np.nan)
        for i, gene in enumerate(genes):
            for j, sid in enumerate(ids):
                row = by_key.get((gene, sid))
                if row and row.get("copy_number") not in (None, ""):
                    values[i, j] = np.log2(max(float(row["copy_number"]), 0.1) / 2)
        norm = TwoSlopeNorm(vmin=-2.5, vcenter=0.0, vmax=2.5)
        image = ax.imshow(np.clip(values, -2.5, 2.5), cmap="RdBu_r", norm=norm, aspect="auto")
        for i, gene in enumerate(genes):
            for j, sid in enumerate(ids):
                row = by_key.get((gene, sid))
                if row:
                    ax.text(j, i, _label(row), ha="center", va="center", fontsize=8)
        ax.set_yticks(range(len(genes)), genes)
        ax.set_xticks(
            range(len(ids)), [f"{s['sample_id']}\nday {s['day']}" for s in samples], fontsize=8
        )
        fig.colorbar(image, ax=ax, label="log2(tumour copies / 2)", shrink=0.8)
    ax.set_title(f"{patient}: genes with a copy-number change", fontsize=10)
    fig.tight_layout()
    for path in outputs:
        fig.savefig(path, dpi=120)
    plt.close(fig)


def _label(row):
    call = row["call"]
    if call in ("", "not_called"):
        return "n/c"
    text = f"{SHORT.get(call, 'neutral' if call == 'neutral' else call)}\n{row['copy_number']}"
    return text + (" LOH" if row.get("loh") == "true" else "")
