"""Engagement reacts to other contexts' events (the table of subscribers: config/events.py)."""
from crm import eventbus


def send_order_confirmation(event: eventbus.Envelope) -> None:
    from contexts.engagement import services

    services.order_confirmation(order_id=event.payload["order_id"], client_id=event.payload["client_id"],
                                total=event.payload["total"], invoice_number=event.payload["invoice_number"])
