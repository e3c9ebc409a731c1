# R DESeq2 reference for tests/unit/expression/test_deseq_vs_r.py (CI does not run R: it reads the
# committed outputs). Run from the repository root:
#   Rscript tests/data/airway/deseq2_reference.R [counts.tsv.gz] [samples.tsv] [out prefix]
# Defaults are the committed airway files; bench/deseq2_vs_r.py passes a scratch prefix and reads
# the "seconds" line this prints (time of DESeq() + results(), without reading or writing).
suppressPackageStartupMessages({
  library(DESeq2)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = TRUE)
here <- "tests/data/airway"
counts_path <- if (length(args) >= 1) args[[1]] else file.path(here, "counts.tsv.gz")
samples_path <- if (length(args) >= 2) args[[2]] else file.path(here, "samples.tsv")
prefix <- if (length(args) >= 3) args[[3]] else file.path(here, "deseq2_reference")

counts <- as.matrix(read.delim(gzfile(counts_path), row.names = 1, check.names = FALSE))
samples <- read.delim(samples_path, row.names = 1, stringsAsFactors = FALSE)
samples <- samples[colnames(counts), , drop = FALSE]
samples$cell <- factor(samples$cell)
samples$dex <- relevel(factor(samples$dex), ref = "untrt")
storage.mode(counts) <- "integer"

dds <- DESeqDataSetFromMatrix(countData = counts, colData = samples, design = ~ cell + dex)
elapsed <- system.time({
  dds <- DESeq(dds, quiet = TRUE)
  res <- results(dds, alpha = 0.05, contrast = c("dex", "trt", "untrt"))
})[["elapsed"]]
cat(sprintf("seconds\t%.4f\n", elapsed))

mc <- mcols(dds)
table <- data.frame(
  gene = rownames(res),
  baseMean = res$baseMean,
  log2FoldChange = res$log2FoldChange,
  lfcSE = res$lfcSE,
  pvalue = res$pvalue,
  padj = res$padj,
  dispGeneEst = mc$dispGeneEst,
  dispFit = mc$dispFit,
  dispersion = mc$dispersion,
  check.names = FALSE
)
numeric <- vapply(table, is.numeric, logical(1))
table[numeric] <- lapply(table[numeric], signif, digits = 10)
out <- gzfile(paste0(prefix, ".tsv.gz"), "w")
write.table(table, out, sep = "\t", quote = FALSE, row.names = FALSE,
            na = "NA")
close(out)

disp_fn <- dispersionFunction(dds)
coefs <- attr(disp_fn, "coefficients")
info <- list(
  r_version = paste(R.version$major, R.version$minor, sep = "."),
  deseq2_version = as.character(packageVersion("DESeq2")),
  design = "~ cell + dex",
  contrast = c("dex", "trt", "untrt"),
  alpha = 0.05,
  fit_type = attr(disp_fn, "fitType"),
  size_factors = as.list(sizeFactors(dds)),
  asymptDisp = unname(coefs[["asymptDisp"]]),
  extraPois = unname(coefs[["extraPois"]]),
  varLogDispEsts = attr(disp_fn, "varLogDispEsts"),
  dispPriorVar = attr(disp_fn, "dispPriorVar"),
  filterThreshold = unname(metadata(res)$filterThreshold),
  n_padj_below_alpha = sum(res$padj < 0.05, na.rm = TRUE)
)
write_json(info, paste0(prefix, ".json"), auto_unbox = TRUE, digits = NA, pretty = TRUE)
