"""pos commands, one module per topic: registers, sessions, tickets, managers, journal,
closings, archive. The outermost service owns the transaction; inner calls join it."""
