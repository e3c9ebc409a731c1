"""The resistance knowledge base: its tables (``tables``), the alteration grammar (``grammar``),
drug names and classes (``drugs``), the rows in memory and their matching (``base``), what a
match means for a patient (``matching``), and the CIViC release importer (``civic``)."""
