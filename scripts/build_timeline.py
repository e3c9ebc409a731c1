"""Rule build_timeline: a patient's events over its samples and lines of therapy — the long
timeline, one row per event with its classification and knowledge-base matches, the events ×
samples table and a cBioPortal timeline."""

from resistance_timeline.io.logs import log_to
from resistance_timeline.timeline.build import write_patient

TABLES = ("variants", "cnv", "fusions", "contrasts", "pathways", "gene_set_tests")
TABLES += ("tumour_fraction", "clusters")
OUTPUTS = ("timeline", "events", "wide", "cbioportal")


def main(snakemake):
    inp, params, out = snakemake.input, snakemake.params, snakemake.output
    with log_to(snakemake.log[0]) as log:
        inputs = {name: list(inp[name]) for name in TABLES}
        inputs["cohort_contrasts"] = list(inp.cohort_contrasts)
        inputs["cohort_drugs"] = list(params.cohort_drugs)
        rows, events = write_patient(
            params.patient,
            params.samples,
            params.treatments,
            params.settings,
            inputs,
            {"sources": list(inp.knowledge), "drugs": inp.drugs, "regions": inp.regions},
            {name: out[name] for name in OUTPUTS},
        )
        used = ", ".join(name for name in TABLES if inputs[name]) or "no tables"
        print(f"{params.patient}: {len(events)} events, {len(rows)} rows from {used}", file=log)
        for e in events:
            if e["classification"] in ("acquired", "lost", "transient") or e["knowledge"]:
                print(f"  {e['gene']} {e['event']}: {e['classification']}", file=log)


if "snakemake" in globals():
    main(snakemake)  # noqa: F821
