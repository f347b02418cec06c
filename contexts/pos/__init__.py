"""Point of sale: registers, cashier sessions, tickets and tenders, returns, receipts, the tamper-evident ticket journal."""
