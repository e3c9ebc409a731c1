"""Drug names: one lower-case generic name per drug, with synonyms (brand names, codes) and
classes, read from ``resources/knowledge/drugs.tsv`` (config ``knowledge: drugs``).

``Drugs.normalize`` turns a treatment-sheet or knowledge-base drug text into generic names:
"Tagrisso" -> ("osimertinib",), "Imatinib Mesylate" -> ("imatinib",), "Giotrif 40mg" ->
("afatinib",), a regimen "Dabrafenib + Trametinib" -> ("dabrafenib", "trametinib"); a name the
table does not know stays as written, in lower case. ``Drugs.unknown`` lists the parts of a
text the table does not know, and ``Drugs.suggest`` the table's names closest to one, so a
treatment sheet's misspelt drug is refused at parse time (setup/sheet_rules.check_drugs)
instead of silently matching no knowledge. ``Drugs.relation`` says how a knowledge-base row's
drug concerns a drug the patient got: the same drug, a class the drug belongs to ("EGFR
TKI"), or neither.

Own code, not a library: the drug dictionaries that exist (e.g. the NCI Thesaurus, DrugBank,
ChEMBL) are large downloads or need an online service; this small table covers the targeted
therapies of the knowledge base and is checked by tests/unit/io/test_drugs.py.
"""

import difflib
import re
from dataclasses import dataclass

from resistance_timeline.io.knowledge_format import KnowledgeFormatError, read_rows

DRUG_COLUMNS = ("drug", "synonyms", "classes")
# salt or ester words written after a generic name ("imatinib mesylate")
SALTS = {
    *("mesylate", "mesilate", "dimesylate", "bismesylate", "hydrochloride", "dihydrochloride"),
    *("hcl", "hydrobromide", "tosylate", "ditosylate", "maleate", "dimaleate", "malate"),
    *("s-malate", "citrate", "sulfate", "sulphate", "phosphate", "besylate", "acetate"),
    *("tartrate", "fumarate", "succinate", "sodium", "potassium", "monohydrate", "hydrate"),
}
SEPARATOR = re.compile(r"\s*\+\s*")
# a dose written after a name ("80 mg", "40mg", "100 mg/m2", "2.5 mg/kg") and the schedule and
# route words that go with it ("bid", "daily", "po"); numbers without a unit stay ("AMG 510")
DOSE = re.compile(
    r"\b\d+(?:[.,]\d+)?\s*(?:mg|mcg|ug|g|ml|iu)\b(?:\s*/\s*(?:m2|kg|day|d|week))?", re.I
)
SCHEDULE = {
    *("qd", "od", "bid", "tid", "qid", "daily", "once", "twice", "weekly", "day", "per"),
    *("po", "iv", "oral", "orally", "q2w", "q3w", "q4w", "tablet", "tablets", "capsule"),
}


def strip_dose(text: str) -> str:
    """A drug text without its dose and schedule ("osimertinib 80 mg daily" -> "osimertinib",
    "Giotrif 40mg" -> "Giotrif")."""
    words = DOSE.sub(" ", text).split()
    while len(words) > 1 and words[-1].lower().strip(".") in SCHEDULE:
        words.pop()
    return " ".join(words)


def name_key(text: str) -> str:
    """A name as the table compares it: lower case, dose and trailing salt words dropped,
    spaces and hyphens removed ("Imatinib Mesylate" -> "imatinib", "AMG 510" -> "amg510",
    "afatinib dimaleate 40 mg" -> "afatinib")."""
    words = strip_dose(text).lower().replace("®", "").split()
    while len(words) > 1 and words[-1] in SALTS:
        words.pop()
    return re.sub(r"[\s\-]", "", " ".join(words))


@dataclass(frozen=True)
class Drug:
    name: str
    synonyms: tuple[str, ...]
    classes: tuple[str, ...]


class Drugs:
    """The drug table: names -> generic name, and each drug's classes."""

    def __init__(self, drugs=(), version=""):
        self.drugs = {d.name: d for d in drugs}
        self.version = version
        self._names = {}
        for d in drugs:
            for alias in (d.name, *d.synonyms):
                self._names.setdefault(name_key(alias), d.name)
        self._classes = {name_key(c): c for d in drugs for c in d.classes}
        self._members = {}
        for d in drugs:
            if d.classes != (d.name,):
                for c in d.classes:
                    self._members.setdefault(c, []).append(d.name)
        for d in drugs:  # a class row: the class and its synonyms name the class
            if d.classes == (d.name,):
                self._classes.update({name_key(a): d.name for a in (d.name, *d.synonyms)})
                self._names = {k: v for k, v in self._names.items() if v != d.name}

    def _key(self, name: str) -> str:
        """The table's key of a name; for "Tagrisso (osimertinib)" or "osimertinib (80 mg)",
        of the words outside or inside the brackets when the whole is unknown."""
        key = name_key(name)
        if "(" in name and key not in self._names and key not in self._classes:
            outside = re.sub(r"\([^)]*\)", " ", name)
            for part in (outside, *re.findall(r"\(([^)]*)\)", name)):
                if name_key(part) in self._names or name_key(part) in self._classes:
                    return name_key(part)
        return key

    def generic(self, name: str) -> str:
        """One drug name as its generic name ("Xalkori" -> "crizotinib"); a drug class as the
        table writes it ("egfr tki" -> "EGFR TKI"); else the name in lower case (dose
        dropped)."""
        key = self._key(name)
        if key in self._names:
            return self._names[key]
        if key in self._classes:
            return self._classes[key]
        return " ".join(strip_dose(name).lower().split())

    def knows(self, name: str) -> bool:
        """Whether one drug name (not a regimen) is a drug or a class of the table."""
        key = self._key(name)
        return key in self._names or key in self._classes

    def unknown(self, text: str) -> list[str]:
        """The parts of a drug or regimen text ("a + b") the table does not know, as written."""
        return [p.strip() for p in SEPARATOR.split(text or "") if p.strip() and not self.knows(p)]

    def suggest(self, name: str, n: int = 3) -> list[str]:
        """Up to ``n`` of the table's generic names closest in spelling to ``name``, through
        any of their synonyms ("osimertinb" -> ["osimertinib"]), closest first."""
        keys = {**self._names, **self._classes}
        close = difflib.get_close_matches(name_key(name), list(keys), n=3 * n, cutoff=0.75)
        return list(dict.fromkeys(keys[k] for k in close))[:n]

    def normalize(self, text: str) -> tuple[str, ...]:
        """The generic names of a drug or regimen text ("a + b"), each once, in order."""
        parts = [self.generic(p) for p in SEPARATOR.split(text or "") if p.strip()]
        return tuple(dict.fromkeys(parts))

    def classes(self, name: str) -> tuple[str, ...]:
        """The classes of a generic name (none for unknown names)."""
        drug = self.drugs.get(name)
        return drug.classes if drug and drug.classes != (name,) else ()

    def members(self, name: str) -> tuple[str, ...]:
        """The drugs of a class, in the table's order (none for a drug or an unknown name)."""
        return tuple(self._members.get(name, ()))

    def class_size(self, name: str) -> int:
        """How many drugs a class has (1 for a drug: a drug is as narrow as it gets)."""
        return len(self._members.get(name, ())) or 1

    def is_class(self, name: str) -> bool:
        """Whether a name is a drug class of the table ("EGFR TKI")."""
        return name_key(name) in self._classes and name_key(name) not in self._names

    def relation(self, row_drugs, given) -> str:
        """How a knowledge row's drugs (generic names; a combination needs every one) concern
        the drugs a patient got (``given``, generic names of one line or several):
        'same' (each row drug was given), 'class' (each is given or a class of a given drug,
        at least one by class), else ''."""
        given = set(given)
        if not row_drugs:
            return ""
        how = []
        for drug in row_drugs:
            if drug in given:
                how.append("same")
            elif any(drug in self.classes(g) for g in given):
                how.append("class")
            else:
                return ""
        return "class" if "class" in how else "same"


def load_drugs(path) -> Drugs:
    """The drug table of ``path`` (see resources/knowledge/README.md); KnowledgeFormatError
    naming file, line and column for a malformed row or a name given to two drugs."""
    rows, version = read_rows(path, DRUG_COLUMNS, DRUG_COLUMNS)
    drugs, owner = [], {}
    for line, row in rows:
        name = row["drug"].strip()
        synonyms = tuple(s.strip() for s in row["synonyms"].split("|") if s.strip())
        classes = tuple(c.strip() for c in row["classes"].split("|") if c.strip())
        if not name or (name != name.lower() and classes != (name,)):
            raise KnowledgeFormatError(path, line, "drug", f"{name!r} is not a lower-case name")
        for alias in (name, *synonyms):
            key = name_key(alias)
            if owner.get(key, name) != name:
                column = "drug" if alias == name else "synonyms"
                raise KnowledgeFormatError(
                    path, line, column, f"{alias!r} is already a name of {owner[key]!r}"
                )
            owner[key] = name
        drugs.append(Drug(name, synonyms, classes))
    return Drugs(drugs, version)
