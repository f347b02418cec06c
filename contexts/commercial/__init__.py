"""Commercial: carts and checkout, orders, returns, contracts, sales agents and their commissions."""
