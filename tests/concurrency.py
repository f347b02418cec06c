"""Run a function in N threads at once, each with its own database connection in a tenant."""
from __future__ import annotations

import threading
from typing import Callable

from django.db import connection, connections


def run_concurrently(fn: Callable[[int], object], n: int, *, tenant) -> list[object]:
    """Calls fn(i) for i in range(n) in n threads released together; returns results or the
    exceptions raised, in order. Each thread uses its own connection, set to `tenant`."""
    barrier = threading.Barrier(n)
    results: list[object] = [None] * n

    def worker(i: int) -> None:
        try:
            connection.set_tenant(tenant)
            barrier.wait(timeout=30)
            results[i] = fn(i)
        except Exception as exc:  # collected for the test to assert on
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results
