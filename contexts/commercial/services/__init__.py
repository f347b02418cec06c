"""Commercial commands: carts, checkout, orders."""
