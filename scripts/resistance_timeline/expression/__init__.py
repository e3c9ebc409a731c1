"""Expression arm: differential expression that follows R DESeq2's published method.

- ``deseq``: ``fit_deseq`` (size factors, dispersions, Wald test, independent filtering) and its
  ``DEResult``; pydeseq2 builds the design and contrast, the fitting follows DESeq2.
- ``glm``: the negative binomial GLM fit of DESeq2 (``fitBeta``), vectorised over genes.
- ``nb_dispersion``: gene-wise and MAP dispersions (DESeq2's ``fitDisp`` line search and
  ``fitDispGrid``), vectorised over genes.
- ``trend``: the parametric dispersion trend and the prior variance of log dispersions.
- ``filtering``: independent filtering (genefilter's ``filtered_p`` and R's ``lowess``).
- ``contrasts``: pre/post pairs per line of therapy and the cohort contrasts (parse time).
- ``normalize``: cohort-wide size factors and DESeq2's blind vst.
- ``shrinkage``: normal-prior (betaPrior) and pseudocount shrunken log2 fold changes.
- ``differential``: the cohort models and the per-patient contrasts.
- ``pathways``: per-sample pathway activity and gene-set tests.
- ``analysis``: rule test_expression's work and tables; ``plots``: rule plot_expression.
"""
