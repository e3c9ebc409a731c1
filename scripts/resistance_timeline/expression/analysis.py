"""The cohort's expression analysis (rule test_expression): normalization, the contrasts'
differential expression, pathway activity and gene-set tests, and their tables.

``analyse`` does the work on in-memory tables; ``run_test_expression`` reads the count matrix
and gene sets and writes every output. Outputs:

- normalized.tsv (wide): gene_id, gene_name, then ``<sample>.normalized`` (counts / the
  cohort-wide median-of-ratios size factor) and ``<sample>.vst`` (DESeq2's blind parametric
  vst, log2 scale) for every RNA sample in sheet order;
- cohort.<contrast>.tsv: COHORT_COLUMNS per gene (DESeq2 fit of the contrast's pairs);
- <patient>.contrasts.tsv: PATIENT_COLUMNS per contrast and gene (header only without one);
- pathways.tsv and gene_set_tests.tsv (see ``pathways``); cohort contrasts are tested on their
  shrunken LFC, per-patient contrasts on their log2_fold_change (the Cauchy prior
  sets most single-pair changes to about 0, which would leave ranks without signal).
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from resistance_timeline.expression import differential, normalize, pathways, trend
from resistance_timeline.expression.contrasts import ContrastPlan, plan_contrasts
from resistance_timeline.io.tables import read_tsv, write_tsv

GENE_COLUMNS = ["gene_id", "gene_name"]
# cohort tables: the fit's statistics and its shrunken LFC; per-patient tables: the same per
# pair, under the pair's identity, with the method behind it
COHORT_COLUMNS = GENE_COLUMNS + differential.SHRUNK_STAT_COLUMNS
PATIENT_COLUMNS = [
    "patient_id",
    "contrast",
    "drug",
    "pre_sample",
    "post_sample",
    *GENE_COLUMNS,
    *differential.SHRUNK_STAT_COLUMNS,
    "method",
]


@dataclass
class ExpressionResults:
    plan: ContrastPlan
    gene_names: list
    size_factors: pd.Series
    normalized: pd.DataFrame  # samples x genes
    vst: pd.DataFrame  # samples x genes
    cohort: dict  # name -> differential.CohortFit
    patient_tables: dict  # patient -> DataFrame of PATIENT_COLUMNS
    pathways: list
    set_tests: list
    messages: list = field(default_factory=list)  # for the log
    warnings: list = field(default_factory=list)  # for the log and the console


def counts_frame(rows, samples) -> tuple[pd.DataFrame, list]:
    """samples x genes integer counts (columns gene_id) and the gene names, from counts.tsv
    rows, for the RNA samples of ``samples`` in their order."""
    ids = [s["sample_id"] for s in samples]
    missing = [s for s in ids if rows and s not in rows[0]]
    if missing:
        raise ValueError(f"counts.tsv has no column for RNA sample(s) {', '.join(missing)}")
    genes = [r["gene_id"] for r in rows]
    values = np.array([[int(r[s]) for s in ids] for r in rows], dtype=np.int64).reshape(
        -1, len(ids)
    )
    return pd.DataFrame(values.T, index=ids, columns=genes), [r["gene_name"] for r in rows]


def analyse(counts, gene_names, gene_sets, samples, treatments, settings, threads):
    """Everything test_expression writes, from ``counts`` (samples x genes), the gene names
    of its columns, gene sets (pathways.load_gene_sets), the sheets' dicts and the settings."""
    plan = plan_contrasts(samples, treatments, settings["cohort_scope"])
    sf, normalized, vst, how = normalize.normalize(counts)
    messages = [f"size factors: {', '.join(f'{k} {v:.3f}' for k, v in sf.items())}", how]
    messages += list(plan.unpaired_lines)
    ids = list(counts.columns)
    min_genes = settings["min_set_genes"]
    cohort, tests, warnings = {}, [], plan.warnings()
    for contrast in plan.cohort:
        try:
            fit = differential.fit_cohort(
                counts, contrast, settings["alpha"], settings["cooks_refit"], threads
            )
        except trend.TrendFitError as error:
            warnings.append(
                f"cohort contrast {contrast.name}: no DESeq2 fit ({error}); its table is empty "
                "and its pairs get shrunken LFCs without p-values"
            )
            continue
        cohort[contrast.name] = fit
        messages.append(
            f"cohort contrast {contrast.name}: {len(contrast.pairs)} pairs of "
            f"{', '.join(contrast.patients)}; LFC prior variance {fit.prior_var:.3g}"
        )
        shrunk = fit.table["log2_fold_change_shrunk"].to_numpy(float)
        tests += pathways.set_tests(
            contrast.name, "cohort", shrunk, gene_names, ids, gene_sets, min_genes
        )
    tables = {}
    for patient in plan.patients:
        parts = []
        for pair in plan.patient_contrasts[patient]:
            owner = plan.cohort_of(pair)
            fit = cohort.get(owner.name) if owner else None
            table, method = differential.patient_contrast(counts, normalized, pair, fit, settings)
            lfc = table["log2_fold_change"].to_numpy(float)
            tests += pathways.set_tests(
                pair.name, patient, lfc, gene_names, ids, gene_sets, min_genes
            )
            table = table.assign(
                patient_id=patient,
                contrast=pair.name,
                drug=pair.drug,
                pre_sample=pair.pre_sample,
                post_sample=pair.post_sample,
                gene_id=ids,
                gene_name=gene_names,
                method=method,
            )
            parts.append(table[PATIENT_COLUMNS])
        tables[patient] = (
            pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=PATIENT_COLUMNS)
        )
    scores = pathways.activity_scores(
        vst, gene_names, gene_sets, samples, settings["pathway_score"]
    )
    return ExpressionResults(
        plan,
        gene_names,
        sf,
        normalized,
        vst,
        cohort,
        tables,
        scores,
        tests,
        messages,
        warnings,
    )


def frame_rows(frame: pd.DataFrame) -> list[dict]:
    """DataFrame rows as dicts (write_tsv formats the numbers and blanks NaN)."""
    return frame.to_dict("records")


def normalized_rows(results: ExpressionResults) -> tuple[list[dict], list[str]]:
    samples = list(results.normalized.index)
    columns = ["gene_id", "gene_name"]
    columns += [f"{s}.{kind}" for s in samples for kind in ("normalized", "vst")]
    rows = []
    norm, vst = results.normalized.to_numpy(float), results.vst.to_numpy(float)
    for j, (gene, name) in enumerate(zip(results.normalized.columns, results.gene_names)):
        row = {"gene_id": gene, "gene_name": name}
        for i, s in enumerate(samples):
            row[f"{s}.normalized"] = float(norm[i, j])
            row[f"{s}.vst"] = float(vst[i, j])
        rows.append(row)
    return rows, columns


def cohort_table(fit: differential.CohortFit, gene_names) -> pd.DataFrame:
    table = fit.table.copy()
    table.insert(0, "gene_name", gene_names)
    table.insert(0, "gene_id", table.index)
    return table[COHORT_COLUMNS]


def run_test_expression(counts_path, gene_set_paths, samples, treatments, settings, threads, out):
    """Read, analyse, write. ``out``: normalized, pathways, gene_set_tests paths, and the
    patient_contrasts and cohort_contrasts path lists (plan order). Returns the results."""
    counts, names = counts_frame(read_tsv(counts_path), samples)
    results = analyse(
        counts,
        names,
        pathways.load_gene_sets(gene_set_paths),
        samples,
        treatments,
        settings,
        threads,
    )
    plan = results.plan
    if len(out["patient_contrasts"]) != len(plan.patients) or len(out["cohort_contrasts"]) != len(
        plan.cohort
    ):
        raise ValueError(
            f"the rule names {len(out['patient_contrasts'])} patient and "
            f"{len(out['cohort_contrasts'])} cohort tables; the plan has {len(plan.patients)} "
            f"patients and cohort contrasts {plan.cohort_names}"
        )
    rows, columns = normalized_rows(results)
    write_tsv(rows, out["normalized"], columns)
    for patient, path in zip(plan.patients, out["patient_contrasts"]):
        write_tsv(frame_rows(results.patient_tables[patient]), path, PATIENT_COLUMNS)
    for contrast, path in zip(plan.cohort, out["cohort_contrasts"]):
        fit = results.cohort.get(contrast.name)
        rows = frame_rows(cohort_table(fit, names)) if fit else []
        write_tsv(rows, path, COHORT_COLUMNS)
    write_tsv(results.pathways, out["pathways"], pathways.PATHWAY_COLUMNS)
    write_tsv(results.set_tests, out["gene_set_tests"], pathways.SET_TEST_COLUMNS)
    return results
