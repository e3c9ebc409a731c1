"""The timeline's rows: columns, the patient's samples in timeline order, number formatting."""

from resistance_timeline.timeline.therapy import number, on_treatment, ordered_lines

TIMELINE_COLUMNS = [
    *["patient_id", "sample_id", "day", "assay", "material", "timepoint", "on_treatment"],
    *["event_type", "gene", "event", "value", "value_low", "value_high"],
    *["depth_or_support", "detection_limit", "status"],
]
MATERIAL_ORDER = {"normal": 0, "tumor": 1, "cfdna": 2}
DNA_TYPES = ("snv", "indel", "cnv", "loh")
CHANGE_TYPES = ("expression", "pathway")
STATUSES = ("detected", "not_detected", "not_covered", "not_measured")


def fmt(value, digits=4):
    """A number rounded for the tables (blank for None); text passes through."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    rounded = round(float(value), digits)
    return str(int(rounded)) if rounded == int(rounded) else str(rounded)


class Patient:
    """A patient's samples (dicts: sample_id, assay, material, day, timepoint, purity) and
    lines of therapy, with the lookups every event builder needs."""

    def __init__(self, patient_id, samples, treatments):
        self.patient_id = patient_id
        self.lines = ordered_lines(treatments)
        chosen = [{**s, "day": number(s.get("day"))} for s in samples]
        self.samples = sorted(
            chosen,
            key=lambda s: (s["day"], MATERIAL_ORDER.get(s.get("material"), 9), s["sample_id"]),
        )
        self.by_id = {s["sample_id"]: s for s in self.samples}

    def dna(self):
        """Tumour and cfDNA WES samples, in timeline order."""
        return [s for s in self.samples if s.get("assay") == "wes" and s["material"] != "normal"]

    def rna(self):
        """RNA samples, in timeline order."""
        return [s for s in self.samples if s.get("assay") == "rna"]

    def order(self, sample_id):
        """Position of a sample in timeline order (unknown samples last)."""
        ids = list(self.by_id)
        return ids.index(sample_id) if sample_id in self.by_id else len(ids)

    def row(self, sample_id, event_type, gene, event, status, fallback=None, **values):
        """One timeline row; ``fallback`` (the arm's row) supplies day and material of a
        sample missing from the sheet's records."""
        s = self.by_id.get(sample_id) or {
            "sample_id": sample_id,
            "day": number((fallback or {}).get("day")),
            "assay": "rna" if event_type in ("fusion", *CHANGE_TYPES) else "wes",
            "material": (fallback or {}).get("material", ""),
            "timepoint": "",
        }
        row = {
            "patient_id": self.patient_id,
            "sample_id": sample_id,
            "day": fmt(s["day"]),
            "assay": s.get("assay", ""),
            "material": s.get("material", ""),
            "timepoint": s.get("timepoint") or "",
            "on_treatment": on_treatment(s["day"], self.lines),
            "event_type": event_type,
            "gene": gene,
            "event": event,
            "status": status,
        }
        for key in ("value", "value_low", "value_high", "depth_or_support", "detection_limit"):
            row[key] = fmt(values.get(key))
        return row
