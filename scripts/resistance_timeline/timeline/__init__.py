"""The timeline (rules build_timeline, gather_cohort_events): a patient's events over its
samples and lines of therapy.

``events_dna`` and ``events_rna`` turn the arms' tables into timeline rows, one per event ×
sample (``TIMELINE_COLUMNS``); ``classify`` decides, per event, how it behaves over time;
``matching`` adds the knowledge base; ``build`` assembles the tables a patient gets
(timeline, events, wide, cBioPortal timeline).

Statuses of a timeline row: ``detected``; ``not_detected`` (measured, and the event was not
seen); ``not_covered`` (the sample cannot tell); ``not_measured`` (the quantity exists only
at some samples: an expression or pathway change is measured at the post sample of a
contrast, so the other RNA samples are not_measured).

- Variants (``snv`` when ref and alt are one base each, else ``indel``): somatic only
  (germline and artefact variants never become events), tumour and cfDNA samples only (the
  normal is no timepoint). A variant of clonal haematopoiesis (origin clonal_hematopoiesis or
  possible_clonal_hematopoiesis, dna.clonal_hematopoiesis) is an event of that type, whose
  classification is the type itself: never acquired or lost on a drug, never matched to
  knowledge. event = protein change (``p.L1196Q``), else ``contig:pos ref>alt``;
  value = VAF with its Wilson interval, depth, detection limit and status as genotyped.
- Copy number (``cnv``): one event per gene and change (amplification, gain, loss, deep_loss)
  called in some sample; ``gain`` also counts an amplification as detected and ``loss`` a
  deep_loss. value = copy number, value_low/high = the log2 interval converted to copy
  numbers with the same purity (``copy_number_basis``); depth_or_support = bins. A sample is
  not_detected when its call is something else with at least ``min_cnv_bins`` bins,
  not_covered when not_called or on fewer bins. ``loh``: genes with ``loh`` true in some
  sample; not_detected where false, not_covered where blank (too few SNPs); value = BAF,
  depth_or_support = heterozygous SNPs.
- Fusions (``fusion``, gene = the 3' partner): value = split + spanning fragments,
  depth_or_support = split reads. ``below_threshold`` (some support, under the calling
  thresholds) becomes ``not_covered``: the sample neither shows the fusion as called nor rules
  it out, so it can neither confirm a detection nor make a fusion acquired or lost; its
  support stays in value.
- Expression (``expression``): a gene of the patient's contrasts with absolute log2 fold
  change >= ``min_abs_lfc`` and, when the row has a p-value, padj < ``alpha`` — or the cohort
  model of that drug finds the gene changed the same way at padj < ``alpha`` (one patient's
  pair has little power alone; the cohort's shows the change is the drug's) — and with no
  p-value (no replicates, no cohort model) the fold change alone. event = down-regulation /
  up-regulation; at each
  contrast's post sample value = log2 fold change, value_low/high = LFC ± 1.96·lfc_se,
  depth_or_support = base mean; detected where the contrast passes in that direction, else
  not_detected.
- Pathways (``pathway``): the patient-scope gene-set tests; event = "<pathway> activity up"
  (or down); value = the sample's activity score (pathways.tsv) at every RNA sample,
  depth_or_support = genes used; detected at a contrast's post sample whose test goes that
  way with absolute score >= ``pathway_min_abs_score`` or p-value < ``alpha``.

on_treatment of a day: the line running (start_day < day <= end_day, or no end_day), several
joined by " + "; else the last line started before it with " (after)"; else
"before treatment". A sample on a line's start day is taken before its first dose (as the
expression contrasts treat it).

Classification (``classify``), over the event's samples of its assay group (DNA: tumour and
cfDNA together; RNA: fusions, expression, pathways) in day order, not_measured samples left
out. A sample *rules out* the event when it is not_detected and, for variants, its detection
limit is below the VAF compared with (the VAF at first detection for "before", the highest
detected VAF for "after").

- never detected: ``undetermined``.
- detected in the first sample (changes excepted: an expression or pathway change is
  relative to the contrast's pre sample: always ``acquired``, on the drug of the first
  contrast showing it; a later contrast without it measures no further change, not a
  reversal, so a change is never lost or transient):
  detected in the last sample too: ``persistent`` when every sample between detects it or
  cannot tell, ``baseline`` when one between rules it out (at the lowest detected VAF): present
  before treatment, gone below detection on it (a response, as NB01's ALK F1174L in remission
  cfDNA) and back at the end, which is no event that stayed throughout (``baseline`` too when
  the first sample is the only one); every sample after the last detection rules it out:
  ``lost``; otherwise ``baseline`` (present at baseline, and the later samples cannot tell
  whether it stayed).
- first detected later: every earlier sample rules it out → ``acquired`` (``transient`` when
  every sample after the last detection rules it out too); otherwise ``undetermined``.

``reason`` says why (which samples are not_covered or too shallow, with limits and VAFs).
acquired_on / lost_on: the drug (on_treatment without " (after)") at the first detection /
at the first sample after the last detection.

Clones (``clone``) also grow and shrink: where a clone's cancer cell fraction interval at a
sample detecting it lies wholly above (below) the interval at the previous sample detecting
it, it
``expands`` (``shrinks``) on the drug running at the later sample. A clone that would be
``persistent``, ``baseline`` or ``undetermined`` is classified by its latest such change,
with the drug in ``acquired_on`` (expands) or ``lost_on`` (shrinks) — a resistant subclone
expanding on a drug before relapse; an ``acquired``, ``lost`` or ``transient`` clone keeps
that classification, its changes written in ``reason``.
"""
