import pytest

from crm import eventbus
from crm.models import HandledEvent, OutboxEvent


def deliver(*, names: set[str] | None = None) -> list[str]:
    """Runs the subscribers of the events published so far in this test's transaction, in order,
    until nothing new is published (what the worker does after commit). Returns the handled names."""
    ran = []
    while True:
        done = set(HandledEvent.objects.values_list("event_id", "subscriber"))
        todo = [(row.id, sub.name, row.name) for row in OutboxEvent.objects.order_by("created_at", "id")
                for sub in eventbus.subscribers_of(row.name)
                if (row.id, sub.name) not in done and (names is None or sub.name in names)]
        if not todo:
            return ran
        for event_id, sub_name, event_name in todo:
            eventbus.handle(event_id=event_id, subscriber_name=sub_name)
            ran.append(f"{event_name} -> {sub_name}")


@pytest.fixture
def run_subscribers():
    return deliver
