"""Expression figures (expression/plots.py): a cohort contrast's volcano and MA plots, drawn
from its table's rows, and the figure a contrast without a fitted model gets."""

import matplotlib.image as mpimg
import numpy as np

from resistance_timeline.expression.plots import plot_cohort_contrast


def rows():
    """A PTCH1 fall at padj 1e-6 among 40 unchanged genes."""
    out = [
        {"gene_name": f"G{i}", "base_mean": str(50 + 10 * i), "log2_fold_change": "0.05"}
        | {"pvalue": "0.6", "padj": "0.9"}
        for i in range(40)
    ]
    out.append(
        {"gene_name": "PTCH1", "base_mean": "1500", "log2_fold_change": "-2.2"}
        | {"pvalue": "1e-8", "padj": "1e-6"}
    )
    return out


def red_pixels(path):
    """Pixels drawn in matplotlib's C3 (the changed genes' colour)."""
    image = mpimg.imread(path)[..., :3]
    c3 = np.array([0xD6, 0x27, 0x28]) / 255
    return int((np.abs(image - c3).max(axis=-1) < 0.08).sum())


def test_cohort_volcano_and_ma_mark_the_changed_gene(tmp_path):
    out = {"volcano": tmp_path / "v.png", "ma": tmp_path / "m.png"}
    plot_cohort_contrast(rows(), "crizotinib", 2, out)
    assert red_pixels(out["volcano"]) > 20 and red_pixels(out["ma"]) > 20
    unchanged = [r for r in rows() if r["gene_name"] != "PTCH1"]
    plot_cohort_contrast(unchanged, "crizotinib", 2, out)
    assert red_pixels(out["volcano"]) == red_pixels(out["ma"]) == 0


def test_a_contrast_without_a_model_gets_a_figure_saying_so(tmp_path):
    out = {"volcano": tmp_path / "v.png", "ma": tmp_path / "m.png"}
    plot_cohort_contrast([], "alectinib", 0, out)
    for path in out.values():
        image = mpimg.imread(path)[..., :3]
        assert image.shape[0] > 100 and (image < 0.5).any()  # the note's text
