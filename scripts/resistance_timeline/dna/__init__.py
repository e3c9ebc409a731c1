"""DNA arm: every candidate measured in every WES sample, annotated and tabulated."""
