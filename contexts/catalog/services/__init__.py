"""Catalog commands, by topic: categories, products, pricing."""
