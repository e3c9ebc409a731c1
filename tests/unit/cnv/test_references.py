"""Which copy-ratio reference a patient gets (resistance_timeline.cnv.references)."""

from resistance_timeline.cnv.references import choose_reference


def test_matched_normal_by_default():
    ref = choose_reference(["P1-N"], ["P1-N", "P2-N"], "matched")
    assert ref.kind == "matched" and ref.normals == ("P1-N",)
    assert ref.label == "matched:P1-N"


def test_pooled_when_asked_or_without_own_normal():
    assert choose_reference(["P1-N"], ["P1-N", "P2-N"], "pooled").label == "pooled:2_normals"
    tumour_only = choose_reference([], ["P1-N", "P2-N"], "matched")
    assert tumour_only.kind == "pooled" and tumour_only.normals == ("P1-N", "P2-N")


def test_flat_only_without_any_normal():
    ref = choose_reference([], [], "matched")
    assert ref.kind == "flat" and ref.label == "flat" and ref.normals == ()
