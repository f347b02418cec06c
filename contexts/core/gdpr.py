"""GDPR requests (core owns them): find the person, export what the tenant holds about them,
erase them. Each context contributes its own part through the kernel's hooks
(`crm.gdpr.register` in its AppConfig.ready), so core imports no higher context.

- `find_subject`: the person by client id, customer id or e-mail (every client record and shop
  account with that address);
- `record_export` / `export_archive`: a request recorded, then the ZIP (JSON + CSV per section)
  built from the live data when it is downloaded (a person's data is a few hundred rows, built
  in well under a second: no worker, and no archive of personal data left lying in storage);
- `erase`: one transaction; every context pseudonymises its rows, core its own, then the kernel
  scrubs the audit trail, outbox, dead letters and admin log; the shop account is disabled, which
  refuses its tokens at once; `core.client.erased.v1` (ids only) tells the subscribers and the
  outgoing webhooks. Issued invoices and credit notes and the till's fiscal journal are
  kept (docs/gdpr.md)."""
from __future__ import annotations

import hashlib
import uuid

from django.contrib.auth.hashers import make_password
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from contexts.core.events import ClientErased
from contexts.core.models import Client, ClientKind, Customer, CustomerAddress, GdprRequest, GdprRequestKind, GdprRequestStatus
from crm import eventbus, hooks
from crm.gdpr import REDACTED, Subject, archive, erase_rows, rows, scrub_kernel_tables
from crm.rest.errors import InvalidInput, NotFound
from crm.transactions import joined

RETENTION_NOTE = gettext_lazy(
    "Kept after an erasure, as the law requires: issued invoices and credit notes (10 years, "
    "Code de commerce L123-22; an issued invoice can never change) with the buyer's name and address "
    "printed on them, and the till's tickets and fiscal journal (anti-fraud VAT law, 6 years), which "
    "refer to the client by an id only. Everything else is pseudonymised.")


class SubjectNotFound(NotFound):
    code = "gdpr_subject_not_found"


def _as_uuid(value, field: str) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except (TypeError, ValueError, AttributeError):
        raise InvalidInput(_("Not a valid id."), field=field)


def find_subject(*, client_id=None, customer_id=None, email: str = "", pseudonym: str = "") -> Subject:
    """The person behind a client id, a customer id or an e-mail address (exactly one of them):
    every client record and shop account it leads to, and the terms that identify them."""
    given = [name for name, value in (("client_id", client_id), ("customer_id", customer_id), ("email", email)) if value]
    if len(given) != 1:
        raise InvalidInput(_("Give exactly one of client_id, customer_id or email."), field="client_id")
    if client_id:
        clients = list(Client.objects.filter(pk=_as_uuid(client_id, "client_id")))
        customers = list(Customer.objects.filter(client__in=clients))
        field = "client_id"
    elif customer_id:
        customers = list(Customer.objects.filter(pk=_as_uuid(customer_id, "customer_id")))
        clients = list(Client.objects.filter(customer__in=customers))
        field = "customer_id"
    else:
        email = email.strip()
        customers = list(Customer.objects.filter(email__iexact=email))
        clients = list(Client.objects.filter(Q(email__iexact=email) | Q(customer__in=customers)).distinct())
        customers = list(Customer.objects.filter(Q(email__iexact=email) | Q(client__in=clients)).distinct())
        field = "email"
    if not clients and not customers:
        raise SubjectNotFound(_("No client or customer matches."), field=field)
    return _subject(clients, customers, pseudonym=pseudonym)


def _subject(clients: list[Client], customers: list[Customer], *, pseudonym: str = "") -> Subject:
    emails = sorted({p.email.strip().lower() for p in (*clients, *customers) if p.email.strip()})
    strong, weak = set(emails), set()
    for person in (*clients, *customers):
        first, last = person.first_name.strip(), person.last_name.strip()
        if first and last:
            strong |= {f"{first} {last}", f"{last} {first}"}
        weak |= {first, last}
        digits = "".join(ch for ch in person.phone if ch.isdigit())
        if len(digits) >= 6:
            strong.add(person.phone.strip())
    for client in clients:
        if client.kind == ClientKind.COMPANY and client.company_name.strip():
            strong.add(client.company_name.strip())
        weak |= {client.address_line.strip(), client.siren, client.vat_number}
    for address in CustomerAddress.objects.filter(customer__in=customers):
        weak |= {address.line1.strip(), address.line2.strip()}
    pseudonym = pseudonym or f"anonyme-{uuid.uuid4().hex[:10]}"
    return Subject(client_ids=tuple(str(c.pk) for c in clients), customer_ids=tuple(str(c.pk) for c in customers),
                   emails=tuple(emails), strong_terms=tuple(sorted(t for t in strong if t)),
                   weak_terms=tuple(sorted(t for t in weak if t and len(t) >= 2)), pseudonym=pseudonym,
                   pseudo_email=f"{pseudonym}@anonymise.invalid")


def subject_of_request(request: GdprRequest) -> Subject:
    clients = list(Client.objects.filter(pk__in=request.client_ids))
    customers = list(Customer.objects.filter(Q(pk__in=request.customer_ids) | Q(client__in=clients)).distinct())
    return _subject(clients, customers)


def _email_hash(subject: Subject) -> str:
    return hashlib.sha256(",".join(subject.emails).encode()).hexdigest() if subject.emails else ""


# --- export --------------------------------------------------------------------------------------

def export_sections(*, subject: Subject) -> dict[str, list[dict]]:
    """{"core_profile": [...], "commercial_orders": [...], ...}: core's part, then each context's."""
    sections = {
        "core_profile": rows(Client.objects.filter(pk__in=subject.client_ids)),
        "core_customer_accounts": rows(Customer.objects.filter(pk__in=subject.customer_ids), exclude=["password"]),
        "core_addresses": rows(CustomerAddress.objects.filter(customer_id__in=subject.customer_ids)),
    }
    sections["core_gdpr_requests"] = [
        r for r in rows(GdprRequest.objects.order_by("created_at"), exclude=["email_sha256"])
        if set(map(str, r["client_ids"])) & set(subject.client_ids) or set(map(str, r["customer_ids"])) & set(subject.customer_ids)]
    for name, parts in hooks.call_all("gdpr.export.", subject=subject).items():
        context = name.rsplit(".", 1)[-1]
        for section, items in parts.items():
            sections[f"{context}_{section}"] = items
    return sections


def record_export(*, subject: Subject, requested_by: str) -> GdprRequest:
    """The export request, recorded with the number of rows per section."""
    sections = export_sections(subject=subject)
    with joined():
        return GdprRequest.objects.create(
            kind=GdprRequestKind.EXPORT, client_ids=list(subject.client_ids), customer_ids=list(subject.customer_ids),
            email_sha256=_email_hash(subject), requested_by=requested_by[:200],
            summary={name: len(items) for name, items in sections.items()}, completed_at=timezone.now())


def export_archive(*, request: GdprRequest, organisation: str = "") -> bytes:
    """The ZIP of an export request, built from the data as it is now."""
    subject = subject_of_request(request)
    sections = export_sections(subject=subject)
    manifest = {"organisation": organisation, "request_id": str(request.id), "generated_at": timezone.now(),
                "client_ids": list(subject.client_ids), "customer_ids": list(subject.customer_ids),
                "format": "one JSON and one CSV file per section (UTF-8)", "retention": str(RETENTION_NOTE)}
    return archive(sections=sections, manifest=manifest)


# --- erasure -------------------------------------------------------------------------------------

CLIENT_BLANKS = {"first_name": "", "email": "", "phone": "", "address_line": "", "city": "", "postal_code": "",
                 "siren": "", "vat_number": ""}


def erase(*, subject: Subject, requested_by: str) -> GdprRequest:
    """Pseudonymises the person everywhere (one transaction: the caller's, or its own)."""
    with joined():
        list(Client.objects.select_for_update().filter(pk__in=subject.client_ids))
        list(Customer.objects.select_for_update().filter(pk__in=subject.customer_ids))
        summary, object_ids = {}, []
        for name, result in hooks.call_all("gdpr.erase.", subject=subject).items():
            summary[name.rsplit(".", 1)[-1]] = result.get("counts", {})
            object_ids += result.get("object_ids", [])
        clients = Client.objects.filter(pk__in=subject.client_ids)
        object_ids += erase_rows(clients.filter(kind=ClientKind.PERSON), subject=subject,
                                 values={**CLIENT_BLANKS, "last_name": subject.pseudonym, "company_name": ""})
        object_ids += erase_rows(clients.filter(kind=ClientKind.COMPANY), subject=subject,
                                 values={**CLIENT_BLANKS, "last_name": "", "company_name": subject.pseudonym})
        customers = Customer.objects.filter(pk__in=subject.customer_ids)
        # One account per pseudonymised e-mail (the address is unique): a suffix per account.
        for index, customer_id in enumerate(customers.values_list("pk", flat=True)):
            suffix = f"-{index}" if index else ""
            object_ids += erase_rows(Customer.objects.filter(pk=customer_id), subject=subject, values={
                "email": subject.pseudo_email.replace("@", f"{suffix}@"), "first_name": "", "last_name": "", "phone": "",
                "password": make_password(None), "is_active": False})
        addresses = CustomerAddress.objects.filter(customer_id__in=subject.customer_ids)
        object_ids += erase_rows(addresses, subject=subject,
                                 values={"label": "", "line1": REDACTED, "line2": "", "postal_code": "", "city": ""})
        addresses.delete()  # the trail records the deletion of rows that hold nothing any more
        summary["core"] = {"clients": clients.count(), "customer_accounts": customers.count(),
                           "customer_accounts_disabled": customers.count()}
        summary["kernel"] = scrub_kernel_tables(subject=subject, object_ids=object_ids)
        request = GdprRequest.objects.create(
            kind=GdprRequestKind.ERASURE, client_ids=list(subject.client_ids), customer_ids=list(subject.customer_ids),
            email_sha256=_email_hash(subject), pseudonym=subject.pseudonym, requested_by=requested_by[:200],
            summary=summary, completed_at=timezone.now())
        # After the scrub (which rewrites outbox payloads): ids only, nothing of the person.
        eventbus.publish(ClientErased(request_id=request.id, client_ids=tuple(subject.client_ids),
                                      customer_ids=tuple(subject.customer_ids)))
        return request


def record_failure(*, subject: Subject, kind: str, requested_by: str, error: BaseException) -> GdprRequest:
    """A request that failed (its own transaction rolled back): recorded, with the error's type
    only (a message could quote the person's data), so the owner sees it and tries again."""
    with joined():
        return GdprRequest.objects.create(
            kind=kind, status=GdprRequestStatus.FAILED, client_ids=list(subject.client_ids),
            customer_ids=list(subject.customer_ids), email_sha256=_email_hash(subject), requested_by=requested_by[:200],
            summary={"error": type(error).__name__})
