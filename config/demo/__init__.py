"""The demo tenant (`manage.py demo`, run by `./dev run`): wiring above every context, written
through each context's api.py, so no context depends on it."""
