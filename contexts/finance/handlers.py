"""Finance reacts to logistics: the posted formal notice (delivered with its proof, or returned)
is shown in the invoice's dunning history. Subscribed by name: logistics is above finance."""
from crm import eventbus


def _record(event: eventbus.Envelope, status: str) -> None:
    from decimal import Decimal

    from contexts.finance.services import dunning

    p = event.payload
    if p.get("source") == "finance.dunning" and p.get("source_id"):
        dunning.record_dispatch(reminder_id=p["source_id"], dispatch_id=p["dispatch_id"], status=status,
                                proof=p.get("proof") or "", cost=Decimal(p["cost"]) if p.get("cost") else None)


@eventbus.subscribe("logistics.dispatch.delivered.v1", name="finance.formal_notice_delivered")
def formal_notice_delivered(event: eventbus.Envelope) -> None:
    _record(event, "delivered")


@eventbus.subscribe("logistics.dispatch.returned.v1", name="finance.formal_notice_returned")
def formal_notice_returned(event: eventbus.Envelope) -> None:
    _record(event, "returned")
