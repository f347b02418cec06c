"""Events published by engagement: contracts (add fields, never rename). Plain Python only."""
