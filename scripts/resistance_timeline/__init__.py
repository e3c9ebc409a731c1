"""resistance-timeline's library: everything the rule scripts do, importable and unit-tested.

The rule scripts in ``scripts/<rule_name>.py`` are thin entries: they unpack ``snakemake``
(input, output, params, threads, log) and call one function here. The package is split by arm,
and ``tests/unit/<arm>/`` mirrors it:

- ``setup``: configuration (schema defaults, validation), the three sheets and the parse-time
  checks of the files they name; used by ``rules/common.smk`` when the workflow is parsed.
- ``io``: the file formats every arm shares: TSV tables, gene models from GTF/GFF3 (with the
  workflow's one canonical-transcript rule), the resistance knowledge base.
- ``dna``: longitudinal genotyping, variant tables, sample identity.
- ``rna``: gene counts, fusions and their tracking, kinase 3'/5' imbalance.

Arms still to come (copy number, expression, timeline, report) get a sub-package each.
"""
