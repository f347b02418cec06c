"""`./dev test` reruns the calendar tests with COMPTOIR_TEST_NOW: the test process and the real
worker must both live at that moment, or those reruns would prove nothing."""
import datetime

import pytest
import time_machine
from django.utils import timezone

from tests.clock import session_clock_offset

pytestmark = pytest.mark.dates


@pytest.mark.worker
def test_the_test_process_and_the_worker_share_the_session_clock(celery_worker):
    from tests import worker_tasks

    offset = session_clock_offset()  # None without COMPTOIR_TEST_NOW: both clocks are the real one
    real = None if offset is None else time_machine.escape_hatch.time.time()
    here = timezone.now()
    there = datetime.datetime.fromisoformat(
        worker_tasks.clock_now.apply_async(headers={"_schema_name": "public"}).get(timeout=120))
    back = timezone.now()  # the task may wait behind other tests' tasks: its clock lies between the two
    # One clock for the session: the worker, started minutes after the session's clock, is not
    # behind it by that much (it was, before tests/clock.py started it where the session's was).
    slack = datetime.timedelta(seconds=1)
    assert here - slack <= there <= back + slack
    if offset is not None:  # the session's clock is COMPTOIR_TEST_NOW plus the session's real age
        assert abs(here - datetime.datetime.fromtimestamp(real + offset, datetime.timezone.utc)) < slack
