"""The validated sheets indexed once for the rules' lookups: which samples a patient has, of
which assay and material, in timeline order, and its lines of therapy. Built when the
workflow is parsed (``rules/common.smk``); every lookup afterwards reads an index built here
and costs the same whatever the cohort's size (no input function scans the whole sheet per
job: with 1,000 patients a per-job scan made planning quadratic, see bench/RESULTS.md)."""

from resistance_timeline.cnv.references import choose_reference

MATERIAL_ORDER = {"normal": 0, "tumor": 1, "cfdna": 2}
RECORD_KEYS = ("sample_id", "material", "day", "timepoint")


class Cohort:
    """Lookups over ``Sheets`` (setup.sheets): samples by patient, assay and material."""

    def __init__(self, sheets):
        self.samples = {s["sample_id"]: s for s in sheets.samples}
        self.units = {}
        for unit in sheets.units:
            self.units.setdefault(unit["sample_id"], {})[unit["unit_id"]] = unit
        self.patients = sheets.patients()
        # (patient, assay or None) -> the patient's sample dicts in timeline order
        self._by_assay = {(p, None): [] for p in self.patients}
        ordered = sorted(
            sheets.samples,
            key=lambda s: (s["day"], MATERIAL_ORDER[s["material"]], s["sample_id"]),
        )
        for s in ordered:
            self._by_assay[(s["patient_id"], None)].append(s)
            self._by_assay.setdefault((s["patient_id"], s["assay"]), []).append(s)
        self._patients_with = {}
        for p in self.patients:
            for s in self._by_assay[(p, None)]:
                found = self._patients_with.setdefault(s["assay"], [])
                if not found or found[-1] != p:
                    found.append(p)
        self._cohort_normals = [n for p in self.patients for n in self.normals_of(p)]
        self._treatments = {p: [] for p in self.patients}
        for line in sheets.treatments:
            self._treatments.setdefault(line["patient_id"], []).append(line)
        self._references = {}

    def samples_of(self, patient, assay=None, materials=None):
        """Sample ids of a patient by day, then material (normal first), then id; optionally
        only those of one assay and of some materials."""
        found = self._by_assay.get((patient, assay))
        if found is None:
            if (patient, None) not in self._by_assay:
                raise KeyError(patient)  # not a patient of the sheets
            return []
        return [s["sample_id"] for s in found if materials is None or s["material"] in materials]

    def patients_with(self, assay):
        """Patients with at least one sample of the assay, in sheet order."""
        return list(self._patients_with.get(assay, ()))

    def tumour_samples(self, patient):
        """The patient's tumour and cfDNA WES samples (those with copy-number calls)."""
        return self.samples_of(patient, "wes", ("tumor", "cfdna"))

    def normals_of(self, patient):
        """The patient's WES normal (a list of at most one)."""
        return self.samples_of(patient, "wes", ("normal",))

    def cohort_normals(self):
        """Every WES normal of the cohort, patient by patient."""
        return list(self._cohort_normals)

    def treatments_of(self, patient):
        """The patient's lines of therapy, in treatments.tsv order."""
        return list(self._treatments.get(patient, ()))

    def records(self, patient, assay, keys=RECORD_KEYS, materials=None):
        """The patient's samples as the scripts receive them (dicts of ``keys``)."""
        return [
            {k: self.samples[s].get(k) for k in keys}
            for s in self.samples_of(patient, assay, materials)
        ]

    def is_fastq_unit(self, sample, unit):
        """True when the unit is given as paired FASTQ (not as an aligned BAM)."""
        return "fq1" in self.units[sample][unit]

    def unit_kinds(self):
        """Sample id -> the kind of each of its units ('fastq' or 'bam')."""
        return {
            sample: ["fastq" if self.is_fastq_unit(sample, unit) else "bam" for unit in units]
            for sample, units in self.units.items()
        }

    def rna_is_imported(self, sample):
        """True when an RNA sample comes as one aligned BAM instead of FASTQ."""
        return not self.is_fastq_unit(sample, next(iter(self.units[sample])))

    def cnv_reference(self, patient, mode):
        """The patient's copy-ratio reference (cnv.references.choose_reference), chosen once
        per patient and mode (a pooled one names every normal of the cohort)."""
        key = (patient, mode)
        if key not in self._references:
            self._references[key] = choose_reference(
                self.normals_of(patient), self._cohort_normals, mode
            )
        return self._references[key]

    def freebayes_options(self, patient, calling):
        """freebayes options for one patient: its thresholds are the most permissive of the
        materials it has (freebayes applies one value to every sample of a joint run)."""
        materials = {self.samples[s]["material"] for s in self.samples_of(patient, "wes")}
        fraction = min(calling["min_alternate_fraction"][m] for m in materials)
        count = min(calling["min_alternate_count"][m] for m in materials)
        return (
            f"--pooled-continuous --min-alternate-fraction {fraction}"
            f" --min-alternate-count {count}"
            f" --min-mapping-quality {calling['min_mapping_quality']}"
            f" --min-base-quality {calling['min_base_quality']} {calling['freebayes_extra']}"
        )
