"""Invoices are built through the finance services (the way users make them), from factories'
clients."""
from decimal import Decimal

from contexts.finance.services import invoicing
from tests.factories.core import CompanyClientFactory, PersonClientFactory

DEFAULT_LINES = (
    {"label": "Écharpe en laine mérinos", "quantity": "2", "unit_price_net": "29.1667", "vat_rate": "20"},
    {"label": "Livre de cuisine", "quantity": "1", "unit_price_net": "23.6967", "vat_rate": "5.5"},
)


def draft_invoice(*, client=None, lines=DEFAULT_LINES, business=True, **kwargs):
    client = client or (CompanyClientFactory(vat_number="FR40123456824", city="Lyon", postal_code="69003",
                                              address_line="12 rue de la République")
                        if business else PersonClientFactory())
    return invoicing.draft_create(client_id=client.id, lines=[dict(l) for l in lines], **kwargs)


def issued_invoice(**kwargs):
    draft = draft_invoice(**kwargs)
    return invoicing.invoice_issue(invoice_id=draft.id)


def money(value: str) -> Decimal:
    return Decimal(value)
