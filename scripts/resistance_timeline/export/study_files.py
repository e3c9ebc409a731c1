"""The files of a cBioPortal study folder: meta files (``key: value`` lines), data tables
(through io/tables.write_tsv, the writer every table shares), molecular-profile meta files
and case lists, as cBioPortal's file-formats documentation describes them. The study knows
which files it wrote, so the rule can log them and a test can compare them."""

import os

from resistance_timeline.io.tables import write_tsv


def meta_text(fields):
    return "".join(f"{k}: {v}\n" for k, v in fields.items())


def clinical_preamble(columns):
    """A clinical data file's four '#' lines above its column names: display names,
    descriptions, datatypes, priorities. ``columns``: (id, display name, description,
    datatype) tuples."""
    rows = ([c[1] for c in columns], [c[2] for c in columns], [c[3] for c in columns])
    return "".join("#" + "\t".join(r) + "\n" for r in (*rows, ["1"] * len(columns)))


class Study:
    """One study folder being written: ``study_id`` is cBioPortal's
    cancer_study_identifier, repeated in every meta file."""

    def __init__(self, out_dir, study_id):
        self.out_dir = out_dir
        self.study_id = study_id
        self.files = []
        os.makedirs(out_dir, exist_ok=True)

    def path(self, name):
        path = os.path.join(self.out_dir, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        self.files.append(name)
        return path

    def meta(self, name, fields):
        """A meta file (or a case list): the study id first, then ``fields``."""
        with open(self.path(name), "w") as handle:
            handle.write(meta_text({"cancer_study_identifier": self.study_id} | fields))

    def table(self, name, rows, columns, preamble=""):
        write_tsv(rows, self.path(name), columns, preamble=preamble)

    def profile(self, name, kind, datatype, stable_id, label, description, show=True):
        """The meta file of a molecular profile whose data file is ``data_<name>.txt``."""
        self.meta(
            f"meta_{name}.txt",
            {
                "genetic_alteration_type": kind,
                "datatype": datatype,
                "stable_id": stable_id,
                "show_profile_in_analysis_tab": "true" if show else "false",
                "profile_name": label,
                "profile_description": description,
                "data_filename": f"data_{name}.txt",
            },
        )

    def case_list(self, suffix, name, description, category, sample_ids):
        """``case_lists/cases_<suffix>.txt``, stable id ``<study>_<suffix>``."""
        self.meta(
            f"case_lists/cases_{suffix}.txt",
            {
                "stable_id": f"{self.study_id}_{suffix}",
                "case_list_name": name,
                "case_list_description": description,
                "case_list_category": category,
                "case_list_ids": "\t".join(sample_ids),
            },
        )
