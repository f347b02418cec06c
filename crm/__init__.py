"""The shared kernel: tenancy helpers, events and outbox, money, API conventions,
auth plumbing, observability. It knows no context."""
