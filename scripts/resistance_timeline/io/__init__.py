"""File formats shared by every arm: TSV tables, gene models, the knowledge base."""
