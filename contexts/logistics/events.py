"""Events published by logistics: contracts (add fields, never rename). Plain Python only."""
