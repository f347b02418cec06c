"""Who reacts to which event: the one table of subscribers, registered at start-up by the
kernel (settings.EVENT_SUBSCRIPTIONS). docs/events.md mirrors it with each event's publisher;
tests/kernel/test_event_catalog.py keeps the two and the registered subscribers equal.

event name: [(subscriber name, handler: a function of the reacting context's handlers.py, options)]
"""
# Options of `crm.eventbus.subscribe`. `wanted`: a cheap check, without SQL, made before a task is
# queued (docs/events.md, "Tasks only when wanted").
RELAY = {"wanted": "contexts.engagement.webhooks.handlers.wanted"}  # an endpoint of the tenant wants it
ORDER_PAYMENT = {"wanted": "contexts.commercial.handlers.is_about_an_order"}  # not a payment of invoices
CUSTOMER = {"wanted": "contexts.engagement.handlers.names_a_customer"}  # not an anonymous till ticket
FORMAL_NOTICE = {"wanted": "contexts.logistics.handlers.is_a_formal_notice"}  # not a posted invoice

SUBSCRIPTIONS = {
    "commercial.order.paid.v1": [
        ("engagement.order_confirmation", "contexts.engagement.handlers.send_order_confirmation", {}),
        ("logistics.shipment_on_order_paid", "contexts.logistics.handlers.shipment_on_order_paid", {}),
        ("engagement.timeline_order_paid", "contexts.engagement.handlers.timeline_order_paid", {}),
        ("engagement.loyalty_order_paid", "contexts.engagement.handlers.loyalty_order_paid", {}),
    ],
    "finance.invoice.issued.v1": [
        ("commercial.commission_on_invoice", "contexts.commercial.handlers.commission_on_invoice", {}),
        ("logistics.letter_on_invoice_issued", "contexts.logistics.handlers.letter_on_invoice_issued", {}),
        ("engagement.reporting.invoice", "contexts.engagement.reporting.handlers.invoice_issued", {}),
        ("engagement.timeline_invoice_issued", "contexts.engagement.handlers.timeline_invoice_issued", {}),
        ("engagement.loyalty_credit_note", "contexts.engagement.handlers.loyalty_credit_note",
         {"wanted": "contexts.engagement.handlers.is_an_orders_credit_note"}),
    ],
    "finance.dunning.formal_notice.v1": [
        ("logistics.letter_on_formal_notice", "contexts.logistics.handlers.letter_on_formal_notice", {}),
    ],
    "logistics.shipment.shipped.v1": [
        ("commercial.order_shipped", "contexts.commercial.handlers.order_shipped",
         {"wanted": "contexts.commercial.handlers.completes_the_orders_shipping"}),
    ],
    "logistics.shipment.delivered.v1": [
        ("commercial.order_delivered", "contexts.commercial.handlers.order_delivered",
         {"wanted": "contexts.commercial.handlers.completes_the_orders_delivery"}),
    ],
    "logistics.dispatch.delivered.v1": [
        ("logistics.formal_notice_delivered", "contexts.logistics.handlers.formal_notice_dispatch_ended", FORMAL_NOTICE),
    ],
    "logistics.dispatch.returned.v1": [
        ("logistics.formal_notice_returned", "contexts.logistics.handlers.formal_notice_dispatch_ended", FORMAL_NOTICE),
    ],
    "finance.payment.received.v1": [
        ("commercial.commission_on_payment", "contexts.commercial.handlers.commission_on_payment", {}),
        ("commercial.order_paid_on_payment", "contexts.commercial.handlers.order_paid_on_payment", ORDER_PAYMENT),
        ("engagement.reporting.payment", "contexts.engagement.reporting.handlers.payment_received", {}),
        ("engagement.timeline_payment_received", "contexts.engagement.handlers.timeline_payment_received", {}),
    ],
    "finance.payment.rejected.v1": [
        ("commercial.order_cancelled_on_rejection", "contexts.commercial.handlers.order_cancelled_on_rejection",
         ORDER_PAYMENT),
        ("engagement.staff_payment_rejected", "contexts.engagement.handlers.staff_payment_rejected", {}),
        ("engagement.timeline_payment_rejected", "contexts.engagement.handlers.timeline_payment_rejected", {}),
    ],
    "commercial.cart.abandoned.v1": [
        ("engagement.cart_recovery", "contexts.engagement.handlers.cart_recovery", {}),
    ],
    "commercial.order.placed.v1": [
        ("engagement.reporting.order_placed", "contexts.engagement.reporting.handlers.order_placed", {}),
        ("engagement.timeline_order_placed", "contexts.engagement.handlers.timeline_order_placed", {}),
    ],
    "commercial.order.cancelled.v1": [
        ("engagement.reporting.order_cancelled", "contexts.engagement.reporting.handlers.order_cancelled", {}),
        ("engagement.loyalty_order_cancelled", "contexts.engagement.handlers.loyalty_order_cancelled", {}),
    ],
    "core.client.created.v1": [
        ("engagement.reporting.client_created", "contexts.engagement.reporting.handlers.client_created", {}),
        ("engagement.timeline_client_created", "contexts.engagement.handlers.timeline_client_created", {}),
    ],
    "pos.ticket.completed.v1": [
        ("engagement.reporting.ticket_completed", "contexts.engagement.reporting.handlers.ticket_completed", {}),
        ("engagement.timeline_ticket_completed", "contexts.engagement.handlers.timeline_ticket_completed", CUSTOMER),
        ("engagement.loyalty_ticket_completed", "contexts.engagement.handlers.loyalty_ticket_completed", CUSTOMER),
    ],
    "pos.ticket.returned.v1": [
        ("engagement.reporting.ticket_returned", "contexts.engagement.reporting.handlers.ticket_returned", {}),
        ("engagement.timeline_ticket_returned", "contexts.engagement.handlers.timeline_ticket_returned", CUSTOMER),
        ("engagement.loyalty_ticket_returned", "contexts.engagement.handlers.loyalty_ticket_returned", CUSTOMER),
    ],
    "inventory.stock.low.v1": [
        ("engagement.staff_low_stock", "contexts.engagement.handlers.staff_low_stock", {}),
    ],
    "commercial.contract.signed.v1": [
        ("engagement.timeline_contract_signed", "contexts.engagement.handlers.timeline_contract_signed", {}),
    ],
    # Every event of a context ("<context>.*"): outgoing webhooks relay them to the endpoints
    # that want them (docs/events.md, "Every event of a context"); no task for an event that
    # no endpoint of the tenant wants (RELAY).
    "core.*": [
        ("engagement.webhooks_core", "contexts.engagement.webhooks.handlers.relay", RELAY),
    ],
    "catalog.*": [
        ("engagement.webhooks_catalog", "contexts.engagement.webhooks.handlers.relay", RELAY),
    ],
    "inventory.*": [
        ("engagement.webhooks_inventory", "contexts.engagement.webhooks.handlers.relay", RELAY),
    ],
    "finance.*": [
        ("engagement.webhooks_finance", "contexts.engagement.webhooks.handlers.relay", RELAY),
    ],
    "commercial.*": [
        ("engagement.webhooks_commercial", "contexts.engagement.webhooks.handlers.relay", RELAY),
    ],
    "pos.*": [
        ("engagement.webhooks_pos", "contexts.engagement.webhooks.handlers.relay", RELAY),
    ],
    "logistics.*": [
        ("engagement.webhooks_logistics", "contexts.engagement.webhooks.handlers.relay", RELAY),
    ],
    "engagement.*": [
        ("engagement.webhooks_engagement", "contexts.engagement.webhooks.handlers.relay", RELAY),
    ],
}
