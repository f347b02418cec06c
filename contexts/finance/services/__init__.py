"""Finance commands. Import the topic module: `from contexts.finance.services import invoicing`."""
