"""Every column of every table the demo writes is documented in README.md's section for that
table (as a backticked name, alone or in a backticked list), so no column goes undocumented
again; per-sample columns (named after the samples) are left out."""

import re

import pytest

from helpers import REPO

# README section heading -> the demo tables (globs under results/) it documents
SECTIONS = {
    "### `results/timeline/`": ["timeline/*.tsv"],
    "### `results/clones/`": ["clones/*.tsv"],
    "### `results/variants/{patient}.variants.tsv`": ["variants/*.variants.tsv"],
    "### `results/variants/{patient}.maf`, `results/variants/cohort.maf`": ["variants/*.maf"],
    "### `results/cbioportal/`": [
        "cbioportal/data_clinical_*.txt",
        "cbioportal/data_timeline_*.txt",
        "cbioportal/data_sv.txt",
        "cbioportal/data_*.seg",
        "cbioportal/data_cna.txt",
        "cbioportal/data_log2_cna.txt",
        "cbioportal/data_mrna_seq_*.txt",
    ],
    "### `results/cnv/{patient}.genes.tsv`": ["cnv/*.genes.tsv"],
    "### `results/fusions/{patient}.fusions.tsv`": [
        "fusions/*.fusions.tsv",
        "fusions/*/*.fusions.tsv",
        "fusions/*/*.candidates.tsv",
    ],
    "### `results/fusions/{patient}.kinase_imbalance.tsv`": ["fusions/*.kinase_imbalance.tsv"],
    "### `results/expression/counts.tsv`": [
        "expression/counts.tsv",
        "qc/star/counts_summary.tsv",
        "qc/star/*/*.strandedness.tsv",
    ],
    "### Differential expression: `results/expression/`": [
        "expression/*.contrasts.tsv",
        "expression/cohort.*.tsv",
        "expression/normalized.tsv",
        "expression/pathways.tsv",
        "expression/gene_set_tests.tsv",
    ],
    "### `results/qc/identity/{patient}.identity.tsv`": ["qc/identity/*.identity.tsv"],
    "### `results/qc/fragments/{patient}.fragments.tsv`": ["qc/fragments/*.fragment*.tsv"],
    "### UMI libraries": ["qc/duplicates.tsv"],
}
# a demo sample's own column: "NB01-P2", "NB01-P2 (day 500)", "NB01-R2.vst"
SAMPLE_COLUMN = re.compile(r"^[A-Za-z0-9]+-[A-Z0-9]+( \(day -?\d+\)|\.normalized|\.vst)?$")


def section_text(heading):
    text = (REPO / "README.md").read_text()
    start = text.index(heading + "\n")
    following = re.search(r"\n##+ ", text[start + len(heading) :])
    return text[start : start + len(heading) + (following.start() if following else len(text))]


def documented(heading):
    """Every name the section writes in backticks, lists split at commas."""
    names = set()
    for span in re.findall(r"`([^`]+)`", section_text(heading)):
        names.update(part.strip() for part in re.split(r",\s*", span))
    return names


@pytest.mark.parametrize("heading", list(SECTIONS))
def test_every_column_is_documented(demo_results, heading):
    names, missing, tables = documented(heading), {}, 0
    for pattern in SECTIONS[heading]:
        for path in sorted(demo_results.glob(pattern)):
            tables += 1
            lines = path.read_text().splitlines()
            header = next(line for line in lines if not line.startswith("#")).split("\t")
            for column in header:
                if column not in names and not SAMPLE_COLUMN.match(column):
                    missing.setdefault(column, path.relative_to(demo_results))
    assert tables, f"no demo table for {heading}"
    assert not missing, f"{heading}: columns not in the README: {missing}"
