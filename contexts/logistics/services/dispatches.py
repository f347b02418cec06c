"""Postal dispatch: a PDF posted as a simple letter, a registered letter or one with
acknowledgement of receipt, through the postal provider (gateways/postal.py). The address
block is checked against French postal rules (NF Z10-011: at most 6 lines of at most 38
characters, the last one "postcode CITY") before anything is stored or sent. The provider is
called from tasks, never inside a transaction; its statuses move the dispatch forward
(submitted, printed, posted, then delivered with the proof of delivery as a PDF, or returned),
the cost per letter is recorded, and delivered / returned are published."""
from __future__ import annotations

from django.utils.translation import gettext as _
import re
import uuid

from django.core.files.base import ContentFile
from django.db import transaction

from contexts.logistics import events
from contexts.logistics.gateways import carriers, postal
from contexts.logistics.models import DISPATCH_FINAL, DISPATCH_ORDER, Dispatch, DispatchChange, DispatchKind, DispatchStatus
from crm import eventbus
from crm.rest.errors import InvalidInput, NotFound

D = DispatchStatus
MAX_LINES, MAX_CHARS = 6, 38
POSTCODE = re.compile(r"^\d{5}$")
MAX_PDF_BYTES = 10 * 1024 * 1024


def address_block(*, address_lines: list[str], postal_code: str, city: str, country: str = "FR") -> list[str]:
    """The address block as printed: the given lines (recipient first) and "postcode CITY".
    Refused naming the field that breaks a rule."""
    if (country or "FR").upper() != "FR":
        raise InvalidInput(_("Letters are posted to French addresses only."), field="country")
    if not isinstance(address_lines, (list, tuple)) or not address_lines:
        raise InvalidInput(_("The address block starts with the recipient's name."), field="address_lines")
    lines = []
    for i, line in enumerate(address_lines):
        text = " ".join(str(line or "").split())
        if not text:
            raise InvalidInput(_("An address line is not empty."), field=f"address_lines[{i}]")
        if len(text) > MAX_CHARS:
            raise InvalidInput(_("An address line has at most %(n)s characters.") % {"n": MAX_CHARS}, field=f"address_lines[{i}]")
        lines.append(text)
    if len(lines) > MAX_LINES - 1:
        raise InvalidInput(_("An address block has at most %(n)s lines, the last being the postcode and city.") % {"n": MAX_LINES},
                           field="address_lines")
    postal_code = str(postal_code or "").strip()
    if not POSTCODE.match(postal_code):
        raise InvalidInput(_("A French postcode has 5 digits."), field="postal_code")
    city = " ".join(str(city or "").split()).upper()
    if not city:
        raise InvalidInput(_("The city is required."), field="city")
    if len(postal_code) + 1 + len(city) > MAX_CHARS:
        raise InvalidInput(_("The postcode and city line has at most %(n)s characters.") % {"n": MAX_CHARS}, field="city")
    return [*lines, f"{postal_code} {city}"]


def post_letter(*, kind: str, address_lines: list[str], postal_code: str, city: str, pdf: bytes, country: str = "FR",
           source: str = "", source_id: str = "", invoice_id: uuid.UUID | None = None,
           client_id: uuid.UUID | None = None) -> Dispatch:
    """A letter to post; submitted to the provider by a task after commit. Once per (source,
    source_id): a second call returns the first dispatch."""
    from contexts.logistics import tasks

    if kind not in DispatchKind.values:
        raise InvalidInput(_("simple, registered or registered_ar."), field="kind")
    block = address_block(address_lines=address_lines, postal_code=postal_code, city=city, country=country)
    if not isinstance(pdf, bytes) or not pdf.startswith(b"%PDF"):
        raise InvalidInput(_("The document is a PDF."), field="document")
    if len(pdf) > MAX_PDF_BYTES:
        raise InvalidInput(_("The document is at most 10 MB."), field="document")
    with transaction.atomic():
        if source:
            found = Dispatch.objects.filter(source=source, source_id=source_id).first()
            if found is not None:
                return found
        dispatch = Dispatch(kind=kind, address_lines=block, postal_code=postal_code.strip(), city=" ".join(city.split()).upper()[:38],
                            source=source[:40], source_id=str(source_id)[:100], invoice_id=invoice_id, client_id=client_id)
        dispatch.document.save(f"{dispatch.id}.pdf", ContentFile(pdf), save=False)
        dispatch.save()
        DispatchChange.objects.create(dispatch=dispatch, to_status=D.PENDING)
        transaction.on_commit(lambda: tasks.submit_dispatch.delay(dispatch_id=str(dispatch.id)))
    return dispatch


def post_formal_notice(*, reminder_id: uuid.UUID | str) -> Dispatch | None:
    """finance's formal notice (dunning level 3), posted as registered with acknowledgement of
    receipt. None when the invoice's buyer has no postal address to post it to."""
    from contexts.finance import api as finance_api

    letter = finance_api.formal_notice_letter(reminder_id=reminder_id)
    if not (letter.postal_code and letter.city and letter.address_line):
        return None
    return post_letter(kind=DispatchKind.REGISTERED_AR, address_lines=[letter.buyer_name, letter.address_line],
                  postal_code=letter.postal_code, city=letter.city, country=letter.country, pdf=letter.pdf,
                  source="finance.dunning", source_id=str(letter.reminder_id), invoice_id=letter.invoice_id,
                  client_id=letter.client_id)


def post_invoice(*, invoice_id: uuid.UUID | str) -> Dispatch | None:
    """An issued invoice whose buyer has no e-mail address, posted as a simple letter (once).
    None when it goes by e-mail or has no postal address."""
    from contexts.finance import api as finance_api

    letter = finance_api.invoice_letter(invoice_id=invoice_id)
    if letter is None:
        return None
    return post_letter(kind=DispatchKind.SIMPLE, address_lines=[letter.buyer_name, letter.address_line],
                  postal_code=letter.postal_code, city=letter.city, country=letter.country, pdf=letter.pdf,
                  source="finance.invoice", source_id=str(letter.invoice_id), invoice_id=letter.invoice_id,
                  client_id=letter.client_id)


def _record(dispatch: Dispatch, to: str) -> None:
    DispatchChange.objects.create(dispatch=dispatch, from_status=dispatch.status, to_status=to)
    dispatch.status = to


def submit(*, dispatch_id: uuid.UUID | str) -> str:
    dispatch = Dispatch.objects.filter(pk=dispatch_id).first()
    if dispatch is None or dispatch.status != D.PENDING:
        return "skipped"
    with dispatch.document.open("rb") as f:
        pdf = f.read()
    try:
        sending = postal.PostalGateway().submit(reference=str(dispatch.id), kind=dispatch.kind,
                                                address_lines=dispatch.address_lines, pdf=pdf)
    except carriers.CarrierRefused as exc:
        with transaction.atomic():
            locked = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
            if locked.status == D.PENDING:
                _record(locked, D.FAILED)
                locked.error = str(exc)[:200]
                locked.save(update_fields=["status", "error", "updated_at"])
        return "refused"
    with transaction.atomic():
        locked = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
        if locked.status == D.PENDING:
            locked.provider_reference, locked.cost = sending.reference, sending.cost
            _record(locked, D.SUBMITTED)
            locked.save(update_fields=["status", "provider_reference", "cost", "updated_at"])
    return "submitted"


def poll(*, dispatch_id: uuid.UUID | str) -> str:
    """Brings the dispatch to the provider's status; a delivered letter gets its proof."""
    dispatch = Dispatch.objects.filter(pk=dispatch_id).first()
    if dispatch is None or dispatch.status in DISPATCH_FINAL or dispatch.status == D.PENDING:
        return "skipped"
    gateway = postal.PostalGateway()
    try:
        sending = gateway.status(reference=dispatch.provider_reference or str(dispatch.id))
    except carriers.CarrierRefused:  # not known (yet) at the provider: the next poll asks again
        return dispatch.status
    if sending.status == dispatch.status:
        return dispatch.status
    proof = gateway.proof(reference=sending.reference) if sending.status == D.DELIVERED else None
    with transaction.atomic():
        locked = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
        if locked.status in DISPATCH_FINAL:
            return locked.status
        if sending.status in DISPATCH_ORDER and DISPATCH_ORDER.index(sending.status) <= DISPATCH_ORDER.index(locked.status):
            return locked.status  # never backwards
        _record(locked, sending.status)
        if sending.cost is not None:
            locked.cost = sending.cost
        if proof is not None:
            locked.proof.save(f"{locked.id}-proof.pdf", ContentFile(proof), save=False)
        locked.save(update_fields=["status", "cost", "proof", "updated_at"])
        payload = {"dispatch_id": locked.id, "kind": locked.kind, "source": locked.source, "source_id": locked.source_id,
                   "invoice_id": locked.invoice_id, "provider_reference": locked.provider_reference,
                   "cost": locked.cost, "proof": locked.proof.name or ""}
        if locked.status == D.DELIVERED:
            eventbus.publish(events.DispatchDelivered(**payload))
        elif locked.status == D.RETURNED:
            eventbus.publish(events.DispatchReturned(**payload))
    return sending.status


def to_submit() -> list[str]:
    return [str(i) for i in Dispatch.objects.filter(status=D.PENDING).values_list("id", flat=True)[:200]]


def to_poll() -> list[str]:
    return [str(i) for i in Dispatch.objects.filter(status__in=[D.SUBMITTED, D.PRINTED, D.POSTED])
            .order_by("updated_at").values_list("id", flat=True)[:500]]


def get(*, dispatch_id: uuid.UUID) -> Dispatch:
    dispatch = Dispatch.objects.filter(pk=dispatch_id).first()
    if dispatch is None:
        raise NotFound(_("No such dispatch."), field="dispatch_id")
    return dispatch
