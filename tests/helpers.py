"""Shared test helpers."""
from __future__ import annotations

from contextlib import contextmanager

from django.db import connection
from django.test.utils import CaptureQueriesContext


@contextmanager
def assert_num_queries(expected: int, *, at_most: bool = False):
    """Asserts the number of SQL queries run by the block (exactly, or at most), listing them
    when it fails. Budgets live in the tests: a list that grows with the page size fails here."""
    with CaptureQueriesContext(connection) as ctx:
        yield ctx
    n = len(ctx.captured_queries)
    ok = n <= expected if at_most else n == expected
    if not ok:
        listing = "\n".join(f"{i + 1}. {q['sql']}" for i, q in enumerate(ctx.captured_queries))
        raise AssertionError(f"expected {'at most ' if at_most else ''}{expected} queries, ran {n}:\n{listing}")


def count_queries(fn, *args, **kwargs) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn(*args, **kwargs)
    return len(ctx.captured_queries)
