"""`./dev test` reruns the calendar tests with COMPTOIR_TEST_NOW: the test process and the real
worker must both live at that moment, or those reruns would prove nothing."""
import datetime
import os

import pytest
from django.utils import timezone

pytestmark = pytest.mark.dates


@pytest.mark.worker
def test_the_test_process_and_the_worker_share_the_session_clock(celery_worker):
    from tests import worker_tasks

    here = timezone.now()
    there = datetime.datetime.fromisoformat(
        worker_tasks.clock_now.apply_async(headers={"_schema_name": "public"}).get(timeout=120))
    back = timezone.now()  # the task may wait behind other tests' tasks: its clock lies between the two
    assert here - datetime.timedelta(minutes=2) < there < back + datetime.timedelta(minutes=2)
    when = os.environ.get("COMPTOIR_TEST_NOW")
    if when:
        assert abs(here - datetime.datetime.fromisoformat(when)) < datetime.timedelta(minutes=10)
