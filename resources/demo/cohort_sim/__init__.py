"""Simulator behind make_demo_cohort.py.

genome (reference and gene models), reference_files (FASTA/GFF3/GTF/BED writers), design
(samples, copy number, fusions, expression), variants (small variants), simulate (reads per
sample), reads (fragments, errors, FASTQ), truth (tables).
"""
