"""Reporting: a read model fed by events (fact rows and daily roll-ups), the dashboards and reports built on it."""
