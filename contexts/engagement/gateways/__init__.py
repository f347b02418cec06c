"""Outside systems engagement talks to: the SMS provider (e-mail goes through Django's backend)."""
