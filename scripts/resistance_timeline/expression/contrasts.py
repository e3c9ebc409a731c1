"""Which RNA samples to compare: pre/post pairs per treatment line, and the cohort contrasts.

An RNA sample is *pre* or *post* relative to a line of therapy by its ``day``: the patient's
last RNA sample on or before the line's ``start_day`` is pre; the first RNA sample after
``start_day`` and before the next line's ``start_day`` (no bound for the patient's last line)
is post. A line with both is a pair: the per-patient contrast ``line<line>_<drug>``.

Cohort contrasts pool pairs of two or more patients, so that the model ``~ pair + condition``
has residual degrees of freedom (between-patient variability): with scope ``same_drug``, one
per drug (named by the drug) whose pairs come from >= 2 patients; with scope
``any_inhibitor``, one contrast ``any_inhibitor`` over every pair, if they come from >= 2
patients. RNA samples that are in no pair are listed, to be named in a warning.

``plan_contrasts`` is pure and cheap: the workflow calls it at parse time for output names.
"""

import re
from dataclasses import dataclass

SCOPES = ("same_drug", "any_inhibitor")
MIN_COHORT_PATIENTS = 2  # fewer: the pair blocks leave no residual degrees of freedom
ANY_INHIBITOR = "any_inhibitor"


@dataclass(frozen=True)
class PatientContrast:
    """One pre/post pair of a patient around one line of therapy."""

    patient_id: str
    name: str  # line<line>_<drug>, safe in file names
    line: int
    drug: str
    pre_sample: str
    post_sample: str


@dataclass(frozen=True)
class CohortContrast:
    """Pairs of several patients tested together (``drug`` is '' for any_inhibitor)."""

    name: str
    drug: str
    pairs: tuple[PatientContrast, ...]

    @property
    def patients(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.patient_id for p in self.pairs))


@dataclass(frozen=True)
class ContrastPlan:
    """``patients``: every patient with RNA samples, in samples order; ``patient_contrasts``:
    patient -> its pairs in line order; ``cohort``: cohort contrasts in plan order;
    ``unused_samples``: (sample_id, reason) of RNA samples in no pair; ``unpaired_lines``:
    lines that got no pair, and why (for the log)."""

    patients: tuple[str, ...]
    patient_contrasts: dict[str, tuple[PatientContrast, ...]]
    cohort: tuple[CohortContrast, ...]
    unused_samples: tuple[tuple[str, str], ...]
    unpaired_lines: tuple[str, ...]

    @property
    def cohort_names(self) -> list[str]:
        return [c.name for c in self.cohort]

    def cohort_of(self, pair: PatientContrast) -> CohortContrast | None:
        """The cohort contrast a patient's pair belongs to, if any."""
        for contrast in self.cohort:
            if pair in contrast.pairs:
                return contrast
        return None

    def warnings(self) -> list[str]:
        return [
            f"RNA sample {sample} fits no pre/post contrast ({reason}); it is normalized and "
            "scored but not compared"
            for sample, reason in self.unused_samples
        ]


def safe_name(text: str) -> str:
    """Lower-case letters, digits and single underscores (file-name safe)."""
    return re.sub(r"[^a-z0-9]+", "_", str(text).lower()).strip("_") or "unnamed"


def _number(value):
    if value is None or value == "":
        return None
    return float(value)


def _pairs_of_patient(patient, rna, lines):
    """Pairs and unpaired-line notes of one patient; ``rna`` sorted by day."""
    pairs, notes = [], []
    for i, line in enumerate(lines):
        start = _number(line["start_day"])
        end = _number(lines[i + 1]["start_day"]) if i + 1 < len(lines) else None
        label = f"{patient} line {line['line']} ({line['drug']}, day {start:g})"
        before = [s for s in rna if s["_day"] <= start]
        after = [s for s in rna if s["_day"] > start and (end is None or s["_day"] < end)]
        if not before:
            notes.append(f"{label}: no RNA sample on or before the start")
        elif not after:
            until = "" if end is None else f" and before day {end:g} (next line)"
            notes.append(f"{label}: no RNA sample after the start{until}")
        else:
            pairs.append(
                PatientContrast(
                    patient_id=patient,
                    name=f"line{line['line']}_{safe_name(line['drug'])}",
                    line=int(line["line"]),
                    drug=str(line["drug"]),
                    pre_sample=before[-1]["sample_id"],
                    post_sample=after[0]["sample_id"],
                )
            )
    return pairs, notes


def _cohort_contrasts(pairs, scope):
    if scope == ANY_INHIBITOR:
        groups = {ANY_INHIBITOR: ("", pairs)}
    else:
        groups = {}
        for pair in pairs:
            key = safe_name(pair.drug)
            groups.setdefault(key, (pair.drug, []))[1].append(pair)
    return tuple(
        CohortContrast(name, drug, tuple(members))
        for name, (drug, members) in groups.items()
        if len({p.patient_id for p in members}) >= MIN_COHORT_PATIENTS
    )


def plan_contrasts(samples, treatments, scope) -> ContrastPlan:
    """The contrasts of the cohort from the sheets.

    ``samples``: dicts (patient_id, sample_id, day, ...) of every RNA sample; ``treatments``:
    dicts (patient_id, line, drug, start_day, ...) of every line (patients without RNA
    samples are ignored); ``scope``: ``same_drug`` or ``any_inhibitor``.
    """
    if scope not in SCOPES:
        raise ValueError(f"cohort scope '{scope}' is not one of {', '.join(SCOPES)}")
    # each patient's samples and lines, grouped in one pass (linear in the sheets)
    rna_of, lines_of = {}, {}
    for s in samples:
        rna_of.setdefault(s["patient_id"], []).append({**s, "_day": float(s["day"])})
    for t in treatments:
        lines_of.setdefault(t["patient_id"], []).append(t)
    patients = tuple(rna_of)
    per_patient, all_pairs, notes = {}, [], []
    for patient in patients:
        rna = sorted(rna_of[patient], key=lambda s: s["_day"])
        mine = lines_of.get(patient, [])
        lines = sorted(
            (t for t in mine if _number(t["start_day"]) is not None),
            key=lambda t: (_number(t["start_day"]), int(t["line"])),
        )
        notes += [f"{patient} line {t['line']}: no start day" for t in mine if t not in lines]
        pairs, patient_notes = _pairs_of_patient(patient, rna, lines)
        per_patient[patient] = tuple(pairs)
        all_pairs += pairs
        notes += patient_notes
    used = {s for p in all_pairs for s in (p.pre_sample, p.post_sample)}
    unused = []
    for s in samples:
        if s["sample_id"] in used:
            continue
        has_lines = s["patient_id"] in lines_of
        reason = "no pre/post pair around any line" if has_lines else "the patient has no lines"
        unused.append((s["sample_id"], reason))
    return ContrastPlan(
        patients=patients,
        patient_contrasts=per_patient,
        cohort=_cohort_contrasts(all_pairs, scope),
        unused_samples=tuple(unused),
        unpaired_lines=tuple(notes),
    )
