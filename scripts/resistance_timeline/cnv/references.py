"""Which copy-ratio reference a patient's tumour and cfDNA samples are compared with.

The matched normal by default; all normals of the cohort pooled when the patient has no normal
(tumour-only) or when ``cnv: reference: pooled`` is set; a flat reference (every bin expected
at the same depth, corrected only for GC and repeats) when the cohort has no normal at all.
"""

from typing import NamedTuple


class CnvReference(NamedTuple):
    """kind: matched | pooled | flat; normals: the sample ids it is built from."""

    kind: str
    normals: tuple

    @property
    def label(self):
        """The value of the genes table's ``reference`` column."""
        if self.kind == "matched":
            return f"matched:{self.normals[0]}"
        if self.kind == "pooled":
            return f"pooled:{len(self.normals)}_normals"
        return "flat"


def choose_reference(patient_normals, cohort_normals, mode):
    """The reference for one patient: ``patient_normals`` its WES normal ids, ``cohort_normals``
    every WES normal of the cohort (sheet order), ``mode`` the config value matched|pooled."""
    if mode == "matched" and patient_normals:
        return CnvReference("matched", (patient_normals[0],))
    if cohort_normals:
        return CnvReference("pooled", tuple(cohort_normals))
    return CnvReference("flat", ())
