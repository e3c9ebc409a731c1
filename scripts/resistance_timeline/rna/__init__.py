"""RNA arm: gene counts, fusions tracked over every RNA sample, kinase imbalance."""
