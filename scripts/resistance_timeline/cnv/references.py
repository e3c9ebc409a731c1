"""Which copy-ratio reference a patient's tumour and cfDNA samples are compared with.

The matched normal by default; all normals of the cohort pooled when the patient has no normal
(tumour-only) or when ``cnv: reference: pooled`` is set; a lab's prebuilt reference (a
CNVkit ``.cnn`` from a panel of normals, checked before any job by setup.cnv_reference) for
every patient when ``cnv: reference`` names one; a flat reference (every bin expected at the
same depth, corrected only for GC and repeats) when the cohort has no normal at all.
"""

import os
from typing import NamedTuple


class CnvReference(NamedTuple):
    """kind: matched | pooled | file | flat; normals: the sample ids it is built from (for a
    file: its path)."""

    kind: str
    normals: tuple

    @property
    def label(self):
        """The value of the genes table's ``reference`` column."""
        if self.kind == "matched":
            return f"matched:{self.normals[0]}"
        if self.kind == "pooled":
            return f"pooled:{len(self.normals)}_normals"
        if self.kind == "file":
            return f"file:{os.path.basename(self.normals[0])}"
        return "flat"


def choose_reference(patient_normals, cohort_normals, mode):
    """The reference for one patient: ``patient_normals`` its WES normal ids, ``cohort_normals``
    every WES normal of the cohort (sheet order), ``mode`` the config value matched|pooled or
    the path of a prebuilt .cnn."""
    if mode not in ("matched", "pooled"):
        return CnvReference("file", (mode,))
    if mode == "matched" and patient_normals:
        return CnvReference("matched", (patient_normals[0],))
    if cohort_normals:
        return CnvReference("pooled", tuple(cohort_normals))
    return CnvReference("flat", ())
