"""Events published by finance: contracts (add fields, never rename). Plain Python only."""
