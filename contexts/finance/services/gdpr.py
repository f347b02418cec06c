"""Finance's part of a GDPR request (core orchestrates, through crm.hooks).

Export: the person's invoices and credit notes (with their lines), payments, refunds, reminders.
Erasure: ISSUED invoices and credit notes are kept as they are — accounting documents must be
kept 10 years (Code de commerce L123-22) and an issued invoice never changes (a database trigger
refuses it); they are the legal exception. Draft invoices lose the buyer's identity; reminders
lose the address they were sent to; payment references are pseudonymised."""
from __future__ import annotations

from contexts.finance.models import Invoice, InvoiceLine, InvoiceStatus, Payment, Refund, Reminder
from crm.gdpr import Subject, erase_rows, rows

BUYER_FIELDS = {"buyer_name": None, "buyer_siren": "", "buyer_vat_number": "", "buyer_address": "",
                "buyer_postal_code": "", "buyer_city": "", "buyer_email": ""}


def export(*, subject: Subject) -> dict[str, list[dict]]:
    invoices = Invoice.objects.filter(client_id__in=subject.client_ids)
    payments = Payment.objects.filter(client_id__in=subject.client_ids)
    return {
        "invoices": rows(invoices.order_by("created_at")),
        "invoice_lines": rows(InvoiceLine.objects.filter(invoice__in=invoices).order_by("invoice_id", "pk")),
        "payments": rows(payments.order_by("created_at"), exclude=["idempotency_key"]),
        "refunds": rows(Refund.objects.filter(payment__in=payments), exclude=["idempotency_key"]),
        "reminders": rows(Reminder.objects.filter(invoice__in=invoices).order_by("sent_at")),
    }


def erase(*, subject: Subject) -> dict:
    invoices = Invoice.objects.filter(client_id__in=subject.client_ids)
    drafts = erase_rows(invoices.exclude(status=InvoiceStatus.ISSUED), subject=subject,
                        values={**BUYER_FIELDS, "buyer_name": subject.pseudonym}, scrub=["notes"])
    draft_lines = erase_rows(InvoiceLine.objects.filter(invoice_id__in=drafts), subject=subject, scrub=["label", "description"])
    reminders = erase_rows(Reminder.objects.filter(invoice__in=invoices), subject=subject,
                           values={"sent_to": ""}, scrub=["subject"])
    payments = erase_rows(Payment.objects.filter(client_id__in=subject.client_ids), subject=subject,
                          scrub=["reference", "failure_reason"])
    kept = invoices.filter(status=InvoiceStatus.ISSUED).count()
    return {"counts": {"draft_invoices": len(drafts), "reminders": len(reminders), "payments": len(payments),
                       "issued_invoices_kept": kept},
            "object_ids": drafts + draft_lines + reminders + payments}
