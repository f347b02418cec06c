"""Events published by commercial: contracts (add fields, never rename). Plain Python only."""
