# The simulated histograms of DESeq2's estimateDispersionsPriorVar (DESeq2 1.38, R 4.2) for
# designs with 1, 2 or 3 residual degrees of freedom. DESeq2 draws them after set.seed(2) and they
# do not depend on the data, so resistance_timeline.expression.trend reads them from
# deseq2_mc_histograms.tsv.gz beside this script instead of drawing its own.
# Regenerate from the repository root:
#   Rscript scripts/resistance_timeline/expression/deseq2_mc_histograms.R
here <- "scripts/resistance_timeline/expression"
brks <- -20:20 / 2
grid <- seq(from = 0, to = 8, length = 200)
rows <- list()
for (df in 1:3) {
  set.seed(2)
  for (k in seq_along(grid)) {
    x <- grid[[k]]
    randDist <- log(rchisq(1e4, df = df)) + rnorm(1e4, 0, sqrt(x)) - log(df)
    randDist <- randDist[randDist > min(brks) & randDist < max(brks)]
    h <- hist(randDist, breaks = brks, plot = FALSE)
    rows[[length(rows) + 1]] <- c(df, k - 1, h$counts)
  }
}
table <- do.call(rbind, rows)
colnames(table) <- c("df", "grid_index", paste0("bin", seq_len(length(brks) - 1)))
out <- gzfile(file.path(here, "deseq2_mc_histograms.tsv.gz"), "w")
write.table(table, out, sep = "\t", quote = FALSE, row.names = FALSE)
close(out)
