"""Events published by catalog: contracts (add fields, never rename). Plain Python only."""
