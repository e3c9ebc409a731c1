"""Tumour fraction, minimal residual disease and clones (rules estimate_clones, plot_clones).

Per patient, from its somatic variants measured in every tumour and cfDNA sample
(results/variants/) and the copy ratio under each (results/cnv/):

- ``inputs``: count matrices, each sample's sequencing error rate (from the genotyper's
  FORMAT/OA: fragments showing neither ref nor alt at SNV sites), copy ratios;
- ``tumour_fraction``: the read model (VAF = prevalence · m / 2r, WISP's formula with the copy
  ratio), maximum-likelihood prevalence with a profile-likelihood interval, the LOH estimate;
- ``clustering``: mixture over all samples jointly, BIC under a beta-binomial read model for
  the number of clusters
  (its docstring says how it is like and unlike PyClone-VI);
- ``pooled``: tumour presence by pooling the truncal variants (p-value, detection limit);
- ``ccf``: cancer cell fractions of variants and clusters, multiplicity, presence calls;
- ``analysis``: the steps in order — cluster, truncal cluster = the one of highest prevalence,
  its prevalence per sample = the tumour fraction, pooled test, CCFs — and the tables;
- ``tree``: the clone tree (sum rule within intervals, time; the most parsimonious of the
  trees that fit, and whether another fits as well);
- ``run``: reading and writing; ``plots``: the fish plot beside the tumour-fraction track.
"""
