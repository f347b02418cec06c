"""Commercial reacts to finance: commissions on payments and invoices, clawback on credit notes."""
from decimal import Decimal

from contexts.finance.events import InvoiceIssued, PaymentReceived
from crm import eventbus


@eventbus.subscribe(PaymentReceived.name, name="commercial.commission_on_payment")
def commission_on_payment(event: eventbus.Envelope) -> None:
    from contexts.commercial.services import commissions

    commissions.on_payment_received(payment_id=event.payload["payment_id"], client_id=event.payload["client_id"],
                                    occurred_at=event.occurred_at)


@eventbus.subscribe(InvoiceIssued.name, name="commercial.commission_on_invoice")
def commission_on_invoice(event: eventbus.Envelope) -> None:
    from contexts.commercial.services import commissions

    p = event.payload
    commissions.on_invoice_issued(invoice_id=p["invoice_id"], client_id=p["client_id"], kind=p["kind"],
                                  total_net=Decimal(p.get("total_net") or "0"), total_gross=Decimal(p["total_gross"]),
                                  occurred_at=event.occurred_at, original_invoice_id=p.get("original_invoice_id"))
