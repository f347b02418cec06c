"""Events published by pos: contracts (add fields, never rename). Plain Python only."""
