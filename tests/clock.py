"""A frozen clock for a whole test session: `COMPTOIR_TEST_NOW=2026-12-31T23:40:00+01:00 pytest -m dates`.

`./dev test` runs the calendar-dependent tests (marker `dates`) under several such dates. The
clock starts at that moment and ticks (time-machine), in the test process and in the Celery
worker the tests start (tests.worker_tasks calls this too, the variable is inherited).
"""
from __future__ import annotations

import datetime
import os

_TRAVEL = None


def freeze_from_environment() -> datetime.datetime | None:
    global _TRAVEL
    when = os.environ.get("COMPTOIR_TEST_NOW")
    if not when or _TRAVEL is not None:
        return None
    import time_machine

    moment = datetime.datetime.fromisoformat(when)
    _TRAVEL = time_machine.travel(moment, tick=True)
    _TRAVEL.start()
    return moment
