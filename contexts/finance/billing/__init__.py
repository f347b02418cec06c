"""The tenants' own subscription to the platform: plans, limits, monthly charges through Stripe.
Public schema only."""
