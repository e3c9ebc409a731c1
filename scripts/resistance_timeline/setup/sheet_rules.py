"""Rules across the rows of the sheets (``check_cohort``), run when the workflow is parsed
after each row has passed its schema: ids unique, units for every sample and a sample for
every unit, one matched normal per patient (unless tumour-only), distinct timepoints, and
therapy lines that are unique, start before they end and do not overlap. Each problem names
the sheet, the line as the user sees it in the file (header = line 1), the column and the fix.
``check_drugs`` checks treatments.tsv's drug names against the knowledge base's drug table."""

from resistance_timeline.knowledge.drugs import name_key


def check_cohort(samples, units, treatments, tumor_only=(), config_name="config.yaml"):
    """Cross-row rules: ids unique, units ↔ samples, one normal, unique timepoints, lines."""
    by_patient = {}
    for row in samples:
        by_patient.setdefault(row.values.get("patient_id"), []).append(row)
    return (
        _check_sample_ids(samples)
        + _check_units(samples, units)
        + _check_patients(by_patient, tumor_only, config_name)
        + _check_treatments(treatments, by_patient)
    )


def _check_sample_ids(samples):
    """Sample ids are unique across samples.tsv."""
    problems = []
    seen = {}
    for row in samples:
        sid = row.values.get("sample_id")
        if sid in seen:
            problems.append(
                f"{row.where('sample_id')}: sample id '{sid}' is already used on line {seen[sid]}; "
                "sample ids must be unique across the sheet"
            )
        else:
            seen[sid] = row.line
    return problems


def _check_units(samples, units):
    """Every unit names a listed sample, unit ids are unique per sample, every sample has a
    unit, and an RNA sample is either FASTQ units or one BAM."""
    problems = []
    sample_rows = {r.values.get("sample_id"): r for r in samples}
    unit_keys = {}
    for row in units:
        sid, uid = row.values.get("sample_id"), row.values.get("unit_id")
        if sid not in sample_rows:
            problems.append(
                f"{row.where('sample_id')}: sample '{sid}' is not in samples.tsv; "
                "every unit must belong to a listed sample"
            )
        if (sid, uid) in unit_keys:
            problems.append(
                f"{row.where('unit_id')}: unit '{uid}' of sample '{sid}' is already on line "
                f"{unit_keys[(sid, uid)]}; unit ids must be unique within a sample"
            )
        unit_keys[(sid, uid)] = row.line
    by_sample = {}
    for row in units:
        by_sample.setdefault(row.values.get("sample_id"), []).append(row)
    for sid, rows in by_sample.items():
        sample = sample_rows.get(sid)
        if sample is None or sample.values.get("assay") != "rna":
            continue
        if any("bam" in r.values for r in rows) and len(rows) > 1:
            problems.append(
                f"{rows[1].where('bam')}: RNA sample '{sid}' has {len(rows)} units and one is "
                "a BAM; an RNA sample is either FASTQ units or exactly one aligned BAM"
            )
    for sid, rows in by_sample.items():
        umis = {r.values.get("umi") for r in rows}
        bam_with_umi = next((r for r in rows if "bam" in r.values and "umi" in r.values), None)
        if bam_with_umi is not None:
            problems.append(
                f"{bam_with_umi.where('umi')}: a UMI is read from FASTQ; a BAM unit's reads are "
                "already aligned (mark its duplicates before, e.g. with UMI-tools or fgbio)"
            )
        elif len(umis) > 1:
            problems.append(
                f"{rows[0].where('umi')}: sample '{sid}' mixes units with and without UMIs or "
                "with different ones; its duplicates are marked together, by one rule"
            )
    with_units = {sid for sid, _ in unit_keys}
    for sid, row in sample_rows.items():
        if sid not in with_units:
            problems.append(
                f"{row.where('sample_id')}: sample '{sid}' has no unit in units.tsv; "
                "add its FASTQ or BAM there, or remove the sample"
            )
    return problems


def _check_patients(by_patient, tumor_only, config_name):
    """One WES normal per patient (none when tumour-only), distinct assay/material/day; no
    patient named 'cohort'."""
    problems = []
    for patient in tumor_only:
        if patient not in by_patient:
            problems.append(
                f"{config_name}, key 'tumor_only': patient '{patient}' is not in samples.tsv"
            )
    for patient, rows in by_patient.items():
        if patient == "cohort":
            problems.append(
                f"{rows[0].where('patient_id')}: patient id 'cohort' is reserved for the "
                "cohort's own tables (results/variants/cohort.maf, results/timeline/"
                "cohort.events.tsv); choose another id"
            )
        wes = [r for r in rows if r.values.get("assay") == "wes"]
        normals = [r for r in wes if r.values.get("material") == "normal"]
        others = [r for r in wes if r.values.get("material") != "normal"]
        if patient in tumor_only:
            for r in normals:
                problems.append(
                    f"{r.where('material')}: patient '{patient}' is listed as tumour-only in "
                    f"{config_name} (tumor_only) but has a WES normal; remove one or the other"
                )
        elif others and len(normals) != 1:
            where = normals[1].where("material") if normals else others[0].where("material")
            problems.append(
                f"{where}: patient '{patient}' has {len(normals)} WES normal samples; exactly "
                "one matched normal (material 'normal', assay 'wes') is needed, or list the "
                f"patient under 'tumor_only' in {config_name}"
            )
        keys = {}
        for r in rows:
            key = (r.values.get("assay"), r.values.get("material"), r.values.get("day"))
            if key in keys:
                problems.append(
                    f"{r.where('day')}: patient '{patient}' already has a {key[0]} {key[1]} "
                    f"sample on day {key[2]} (line {keys[key]}); samples of a patient must "
                    "differ in assay, material or day"
                )
            keys[key] = r.line
        for r in rows:
            if r.values.get("assay") == "rna" and r.values.get("material") == "cfdna":
                problems.append(
                    f"{r.where('material')}: RNA-Seq of cfdna is not supported; "
                    "use material 'tumor' or 'normal' for RNA samples"
                )
    return problems


def _check_treatments(treatments, by_patient):
    """Lines name a listed patient, are unique per patient, and start before they end."""
    problems = []
    lines = {}
    for row in treatments:
        patient, line = row.values.get("patient_id"), row.values.get("line")
        if patient not in by_patient:
            problems.append(f"{row.where('patient_id')}: patient '{patient}' is not in samples.tsv")
        if (patient, line) in lines:
            problems.append(
                f"{row.where('line')}: patient '{patient}' already has line {line} "
                f"(line {lines[(patient, line)]} of the sheet); lines must be unique per patient"
            )
        lines[(patient, line)] = row.line
        start, end = row.values.get("start_day"), row.values.get("end_day")
        if start is not None and end is not None and start > end:
            problems.append(
                f"{row.where('end_day')}: end_day {end} is before start_day {start}; "
                "end_day must be on or after start_day (blank while ongoing)"
            )
    return problems + _check_overlaps(treatments)


def _check_overlaps(treatments):
    """A patient's lines follow one another: a line starts on or after the end of the line
    before it (same day allowed: a switch). Drugs given together are one line ('drug A +
    drug B'), so two overlapping lines are an error, as is an ongoing line followed by
    another."""
    problems = []
    by_patient = {}
    for row in treatments:
        if row.values.get("start_day") is not None:
            by_patient.setdefault(row.values.get("patient_id"), []).append(row)
    for patient, rows in by_patient.items():
        rows = sorted(rows, key=lambda r: (r.values["start_day"], r.line))
        for before, after in zip(rows, rows[1:]):
            end, start = before.values.get("end_day"), after.values["start_day"]
            first, then = before.values.get("line"), after.values.get("line")
            if end is None:
                problems.append(
                    f"{after.where('start_day')}: patient '{patient}' line {then} starts on day "
                    f"{start} while line {first} (line {before.line} of the sheet) has no "
                    f"end_day (ongoing); give line {first} its end_day, or, if the drugs were "
                    f"given together, write one line with drug "
                    f"'{before.values.get('drug')} + {after.values.get('drug')}'"
                )
            elif start < end:
                problems.append(
                    f"{after.where('start_day')}: patient '{patient}' line {then} starts on day "
                    f"{start}, before line {first} (line {before.line} of the sheet, days "
                    f"{before.values['start_day']}-{end}) ends; lines must not overlap: if the "
                    f"drugs were given together, write one line with drug "
                    f"'{before.values.get('drug')} + {after.values.get('drug')}', otherwise "
                    f"correct the days"
                )
    return problems


def check_drugs(treatments, drugs, drug_table, other_drugs=(), config_name="config.yaml"):
    """Every drug of treatments.tsv (each part of a regimen 'a + b'; doses and salt words
    dropped) is a drug or class of the drug table (``drugs``, read from ``drug_table``) or one
    of ``other_drugs`` (config knowledge.drugs_without_knowledge): a misspelt name would
    otherwise match no knowledge and hide every resistance of the line. One problem per
    unknown name, with the table's closest names."""
    allowed = {name_key(d) for d in other_drugs}
    problems = []
    for row in treatments:
        for name in drugs.unknown(row.values.get("drug", "")):
            if name_key(name) in allowed:
                continue
            close = drugs.suggest(name)
            hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
            if not close and any(sep in name for sep in "/,;&"):
                hint = "drugs given together are written 'a + b'. "
            problems.append(
                f"{row.where('drug')}: {name!r} is not a drug of {drug_table}; {hint}"
                f"if it is a drug without resistance knowledge (chemotherapy, a trial compound), "
                f"list it under knowledge.drugs_without_knowledge in {config_name}, or add it "
                "(with its synonyms) to the drug table"
            )
    return problems
