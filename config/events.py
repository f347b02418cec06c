"""Who reacts to which event: the one table of subscribers, registered at start-up by the
kernel (settings.EVENT_SUBSCRIPTIONS). docs/events.md mirrors it with each event's publisher;
tests/kernel/test_event_catalog.py keeps the two and the registered subscribers equal.

event name: [(subscriber name, handler: a function of the reacting context's handlers.py, options)]
"""
SUBSCRIPTIONS = {
    "commercial.order.paid.v1": [
        ("engagement.order_confirmation", "contexts.engagement.handlers.send_order_confirmation", {}),
    ],
    "finance.invoice.issued.v1": [
        ("commercial.commission_on_invoice", "contexts.commercial.handlers.commission_on_invoice", {}),
    ],
    "finance.payment.received.v1": [
        ("commercial.commission_on_payment", "contexts.commercial.handlers.commission_on_payment", {}),
        ("commercial.order_paid_on_payment", "contexts.commercial.handlers.order_paid_on_payment", {}),
    ],
    "finance.payment.rejected.v1": [
        ("commercial.order_cancelled_on_rejection", "contexts.commercial.handlers.order_cancelled_on_rejection", {}),
    ],
}
