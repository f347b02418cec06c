"""A frozen clock for a whole test session: `COMPTOIR_TEST_NOW=2026-12-31T23:40:00+01:00 pytest -m dates`.

`./dev test` runs the calendar-dependent tests (marker `dates`) under several such dates. The
clock starts at that moment and ticks (time-machine), in the test process and in the Celery
workers and beats the tests start (tests.worker_tasks calls this too, the variables are
inherited). Every process of the session reads the same time: the test process records the real
time its clock started (COMPTOIR_TEST_NOW_STARTED), and a process started later (the session's
worker starts minutes after the session) starts its own clock where the session's is then, not
at COMPTOIR_TEST_NOW again, which would leave it behind by the session's age.
"""
from __future__ import annotations

import datetime
import os
import time

STARTED = "COMPTOIR_TEST_NOW_STARTED"  # the real Unix time at which the session's clock read COMPTOIR_TEST_NOW

_TRAVEL = None


def freeze_from_environment() -> datetime.datetime | None:
    global _TRAVEL
    when = os.environ.get("COMPTOIR_TEST_NOW")
    if not when or _TRAVEL is not None:
        return None
    import time_machine

    real_now = time.time()  # not travelling yet: the real clock
    started = float(os.environ.setdefault(STARTED, repr(real_now)))
    moment = datetime.datetime.fromisoformat(when) + datetime.timedelta(seconds=max(0.0, real_now - started))
    _TRAVEL = time_machine.travel(moment, tick=True)
    _TRAVEL.start()
    return moment


def session_clock_offset() -> float | None:
    """Seconds between the session's clock and the real one (None without a frozen clock)."""
    when = os.environ.get("COMPTOIR_TEST_NOW")
    if not when or STARTED not in os.environ:
        return None
    return datetime.datetime.fromisoformat(when).timestamp() - float(os.environ[STARTED])
