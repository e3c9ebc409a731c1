"""Copy-number arm: CNVkit bins and segments per sample, gene-level calls with allelic evidence."""
