"""The published interface of catalog: the only module other contexts may import (with events.py).

Functions take keyword arguments and return plain values or frozen dataclasses."""
