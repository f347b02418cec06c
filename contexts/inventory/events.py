"""Events published by inventory: contracts (add fields, never rename). Plain Python only."""
