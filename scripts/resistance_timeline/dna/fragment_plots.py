"""The per-patient fragment-length figure (PNG and SVG, for the report): each WES sample's
fragment-length density from ``dna.fragments``' distribution table."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def plot_fragment_lengths(lengths, rows, patient, outputs, window=(60, 400)):
    """Each WES sample's fragment-length density (pairs per length over its pairs), cfDNA
    solid and the capture libraries dashed, with the short window shaded; one figure per
    patient, drawn into every path of ``outputs`` (format from the extension)."""
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    totals = {r["sample_id"]: r["fragments"] for r in rows}
    for row in rows:
        sid = row["sample_id"]
        points = [
            (int(p["length"]), int(p["fragments"]) / totals[sid])
            for p in lengths
            if p["sample_id"] == sid and window[0] <= int(p["length"]) <= window[1]
        ]
        if not points:
            continue
        x, y = zip(*points)
        style = "-" if row["material"] == "cfdna" else "--"
        label = f"{sid} ({row['material']}, median {row['median_fragment']} bp)"
        ax.plot(x, y, style, linewidth=1.2, label=label)
    if not any(totals.values()):
        ax.text(0.5, 0.5, "no read pair counted", ha="center", va="center", transform=ax.transAxes)
    ax.axvspan(100, 150, color="0.9", zorder=0)
    for mark in (145, 167):
        ax.axvline(mark, color="0.6", linewidth=0.6, linestyle=":")
    ax.set_xlabel("fragment length (bp)")
    ax.set_ylabel("share of pairs")
    ax.set_title(f"{patient}: fragment lengths (shaded: 100-150 bp)")
    ax.legend(fontsize=7, frameon=False)
    fig.tight_layout()
    for path in outputs:
        fig.savefig(path, dpi=120)
    plt.close(fig)
