"""The till's part of a GDPR request (core orchestrates, through crm.hooks): the person's tickets
(sales and returns, with lines and tenders).

Erasure changes nothing here: a ticket holds no name or address, only `customer_id`, the id of
core's client record, which the erasure pseudonymises; the ticket and the fiscal journal that
chains it (anti-fraud VAT law: tickets kept 6 years, never edited, hash-chained) are kept as they
are, and the id then points at an anonymous record."""
from __future__ import annotations

from contexts.pos.models import Tender, Ticket, TicketLine
from crm.gdpr import Subject, rows


def export(*, subject: Subject) -> dict[str, list[dict]]:
    tickets = Ticket.objects.filter(customer_id__in=subject.client_ids)
    return {
        "tickets": rows(tickets.order_by("pk")),
        "ticket_lines": rows(TicketLine.objects.filter(ticket__in=tickets)),
        "ticket_tenders": rows(Tender.objects.filter(ticket__in=tickets)),
    }


def erase(*, subject: Subject) -> dict:
    kept = Ticket.objects.filter(customer_id__in=subject.client_ids).count()
    return {"counts": {"tickets_kept": kept}, "object_ids": []}
