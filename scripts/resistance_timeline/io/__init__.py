"""File formats shared by every arm: TSV tables, gene models, the knowledge tables' format, logs,
versions."""
