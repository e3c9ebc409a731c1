"""Exports of the cohort for other tools (cBioPortal)."""
