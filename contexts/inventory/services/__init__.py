"""Inventory commands: stock, reservations, transfers, ledger."""
