"""Simulator behind make_demo_cohort.py: genome (reference), design (true events), simulate (reads per sample), reads (FASTQ), truth (tables)."""
