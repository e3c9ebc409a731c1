"""The per-patient copy-number figure (resistance_timeline.cnv.plots)."""

from resistance_timeline.cnv.plots import changed_genes, plot_patient_copy_number

SAMPLES = [{"sample_id": "P-T0", "day": 0}, {"sample_id": "P-P2", "day": 500}]


def row(sample, gene, call, copies, loh=""):
    return {"sample_id": sample, "gene": gene, "call": call, "copy_number": copies, "loh": loh}


def test_changed_genes_drawn_as_png_and_svg(tmp_path):
    rows = [
        row("P-T0", "CDK4", "neutral", "2.1"),
        row("P-P2", "CDK4", "amplification", "9.2"),
        row("P-T0", "BG01", "neutral", "2.0"),
        row("P-P2", "BG01", "neutral", "1.9"),
        row("P-P2", "BG12", "loss", "1.0", "true"),
    ]
    assert changed_genes(rows) == ["CDK4", "BG12"]
    outputs = [tmp_path / "p.png", tmp_path / "p.svg"]
    plot_patient_copy_number(rows, SAMPLES, "P", outputs)
    assert outputs[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = outputs[1].read_text()
    assert "CDK4" in svg and "BG12" in svg and "BG01" not in svg


def test_no_change_still_gives_a_figure(tmp_path):
    out = tmp_path / "p.png"
    plot_patient_copy_number([row("P-T0", "A", "neutral", "2.0")], SAMPLES, "P", [out])
    assert out.stat().st_size > 1000
