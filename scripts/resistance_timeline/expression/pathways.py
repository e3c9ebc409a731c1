"""Pathway activity per sample, and gene-set tests on the contrasts' fold changes.

Gene sets (resources/gene_sets/<pathway>.tsv): gene, sign (+1 activator/effector/target, -1
negative regulator), role; matched to the count matrix by gene name (or gene id).

Activity score of a sample: the mean, over the set's genes present and not constant in the
cohort, of sign x (vst - the gene's mean over all RNA samples of the cohort), in log2 units
(``centered``); or, with ``zscore``, of sign x that difference / the gene's cohort SD (Lee et
al. 2008's z-score). 0 is the cohort's average activity, and scores compare across
timepoints and patients. A fall of a negative regulator (PTCH1, HHIP) raises the score, as a
rise of an effector (GLI1) does. ``centered`` is the default: with a handful of samples the
per-gene SD is itself noisy, and dividing by it inflates genes that barely vary (their noise
then weighs as much as a real regulator's change).

Gene-set test of a contrast: the set's genes' signed LFC (sign x LFC) against the LFC of every
other gene with one, by the two-sided Mann-Whitney rank-sum test. ``score`` is the mean signed
LFC, ``statistic`` the rank-sum's U scaled to (0, 1) (U / (n_set x n_other): the chance a set
gene's signed LFC beats another gene's LFC; 0.5 = no shift), ``direction`` the sign of the
score. Sets with fewer than ``min_set_genes`` genes get their score only.
"""

from pathlib import Path

import numpy as np
from scipy.stats import mannwhitneyu

from resistance_timeline.io.tables import read_tsv

PATHWAY_COLUMNS = ["pathway", "sample_id", "patient_id", "day", "score", "genes_used"]
SET_TEST_COLUMNS = [
    "contrast",
    "scope",
    "pathway",
    "genes_used",
    "score",
    "statistic",
    "pvalue",
    "direction",
]


def load_gene_sets(paths) -> dict[str, dict[str, int]]:
    """pathway (file stem) -> {gene: sign}, in the order of ``paths``."""
    sets = {}
    for path in paths:
        genes = {}
        for row in read_tsv(path):
            sign = int(float(row["sign"]))
            if sign not in (-1, 1):
                raise ValueError(f"{path}: gene {row['gene']} has sign {row['sign']}, not +1/-1")
            genes[row["gene"]] = sign
        sets[Path(path).name.removesuffix(".tsv")] = genes
    return sets


def match_genes(gene_set: dict[str, int], names, ids) -> tuple[np.ndarray, np.ndarray]:
    """Column positions of the set's genes in the matrix (by name, else id) and their signs."""
    position = {}
    for i, key in enumerate(ids):
        position.setdefault(key, i)
    for i, key in enumerate(names):
        position.setdefault(key, i)
    found = [(position[g], s) for g, s in gene_set.items() if g in position]
    if not found:
        return np.array([], dtype=int), np.array([], dtype=float)
    cols, signs = zip(*found)
    return np.array(cols, dtype=int), np.array(signs, dtype=float)


def activity_scores(vst, names, sets, samples, method) -> list[dict]:
    """Rows of pathways.tsv: ``vst`` samples x genes (sample ids as index), ``names`` the gene
    names of its columns, ``samples`` the RNA sample dicts (patient_id, sample_id, day),
    ``method`` centered or zscore."""
    if method not in ("centered", "zscore"):
        raise ValueError(f"pathway score '{method}' is not centered or zscore")
    values = vst.loc[[s["sample_id"] for s in samples]].to_numpy(float)
    mean, sd = values.mean(axis=0), values.std(axis=0, ddof=1) if len(values) > 1 else None
    rows = []
    for pathway, gene_set in sets.items():
        cols, signs = match_genes(gene_set, names, list(vst.columns))
        if sd is not None and cols.size:
            keep = np.isfinite(sd[cols]) & (sd[cols] > 0)
            cols, signs = cols[keep], signs[keep]
        for i, sample in enumerate(samples):
            score = ""
            if cols.size and sd is not None:
                z = values[i, cols] - mean[cols]
                if method == "zscore":
                    z = z / sd[cols]
                score = round(float(np.mean(signs * z)), 4)
            rows.append(
                {
                    "pathway": pathway,
                    "sample_id": sample["sample_id"],
                    "patient_id": sample["patient_id"],
                    "day": sample["day"],
                    "score": score,
                    "genes_used": int(cols.size) if sd is not None else 0,
                }
            )
    return rows


def set_test(lfc, names, ids, gene_set, min_genes) -> dict:
    """genes_used, score, statistic, pvalue, direction of one set on one contrast's LFC."""
    lfc = np.asarray(lfc, dtype=float)
    cols, signs = match_genes(gene_set, names, ids)
    ok = np.isfinite(lfc[cols]) if cols.size else np.array([], dtype=bool)
    cols, signs = cols[ok], signs[ok]
    row = {"genes_used": int(cols.size), "score": "", "statistic": "", "pvalue": ""}
    row["direction"] = ""
    if not cols.size:
        return row
    signed = signs * lfc[cols]
    score = float(np.mean(signed))
    row["score"] = round(score, 4)
    row["direction"] = "up" if score > 0 else "down" if score < 0 else ""
    others = np.delete(lfc, cols)
    others = others[np.isfinite(others)]
    if cols.size >= min_genes and others.size:
        u, p = mannwhitneyu(signed, others, alternative="two-sided")
        row["statistic"] = round(float(u) / (cols.size * others.size), 4)
        row["pvalue"] = float(f"{p:.4g}")
    return row


def set_tests(contrast, scope, lfc, names, ids, sets, min_genes) -> list[dict]:
    """Rows of gene_set_tests.tsv for one contrast (``scope``: 'cohort' or the patient)."""
    return [
        {"contrast": contrast, "scope": scope, "pathway": pathway}
        | set_test(lfc, names, ids, gene_set, min_genes)
        for pathway, gene_set in sets.items()
    ]
