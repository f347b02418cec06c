"""Bounded contexts. Each meets the others only through its api.py and events.py."""
