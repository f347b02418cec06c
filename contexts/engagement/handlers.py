"""Engagement reacts to other contexts' events (registered at import, by EngagementConfig.ready)."""
from contexts.commercial.events import OrderPaid
from crm import eventbus


@eventbus.subscribe(OrderPaid.name, name="engagement.order_confirmation")
def send_order_confirmation(event: eventbus.Envelope) -> None:
    from contexts.engagement import services

    services.order_confirmation(order_id=event.payload["order_id"], client_id=event.payload["client_id"],
                                total=event.payload["total"], invoice_number=event.payload["invoice_number"])
