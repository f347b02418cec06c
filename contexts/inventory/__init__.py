"""Inventory: locations, stock per variant and location, stock movements, reservations, transfers, counts, reorder points and low-stock alerts."""
