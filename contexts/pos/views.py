"""Cashier screens, rendered from Django templates (keyboard and barcode scanner first), and the
JSON endpoints the sale screen calls under /till/api/ (staff session login, CSRF protected).

Each view makes one call to a pos service or selector and owns no business rule: prices,
discount thresholds, tenders covering the total, numbering and the journal are the services'.
What a screen needs that the services do not offer is in the "screen reads" section at the end,
small and separate (the lead may move it to selectors.py)."""
from __future__ import annotations

import json
import uuid
from decimal import Decimal, InvalidOperation
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contexts.core import api as core_api
from contexts.pos import receipts, selectors
from contexts.pos.models import CashierSession, Closing, PosSettings, Register, SessionStatus, Ticket
from contexts.pos.services import managers, sessions, tickets
from crm.money import cents
from crm.rest.errors import DomainError

LOGIN_URL = "/admin/login/"
TILL_ROLES = {"cashier", "manager", "admin", "owner"}
MANAGER_ROLES = {"manager", "admin", "owner"}  # may take over another cashier's session
APPROVAL_SALT = "comptoir.pos.approval"
APPROVAL_MAX_AGE = 12 * 3600  # a ticket kept offline is resent with its approval within the day
MAX_BODY = 256 * 1024
# Euro notes and coins, largest first: (form field, label, value).
DENOMINATIONS = [(f"d_{v.replace('.', '_')}", label, Decimal(v)) for v, label in [
    ("500", "Billet de 500 €"), ("200", "Billet de 200 €"), ("100", "Billet de 100 €"), ("50", "Billet de 50 €"),
    ("20", "Billet de 20 €"), ("10", "Billet de 10 €"), ("5", "Billet de 5 €"), ("2", "Pièce de 2 €"), ("1", "Pièce de 1 €"),
    ("0.50", "Pièce de 50 c"), ("0.20", "Pièce de 20 c"), ("0.10", "Pièce de 10 c"), ("0.05", "Pièce de 5 c"),
    ("0.02", "Pièce de 2 c"), ("0.01", "Pièce de 1 c")]]
TENDER_LABELS = {"cash": "Espèces", "card": "Carte bancaire", "cheque": "Chèque", "voucher": "Bon d'achat",
                 "store_credit": "Avoir"}
NON_CASH = ["card", "cheque", "voucher", "store_credit"]


# --- access and errors ------------------------------------------------------------------------

class ScreenError(DomainError):
    """Bad input on a screen's form or JSON body (400, naming the field)."""

    code = "validation_error"
    status_code = 400


def _can_use_till(user) -> bool:
    return user.is_active and (user.is_superuser or getattr(user, "role", "") in TILL_ROLES)


def till_page(view):
    """A page of the till: a logged-in staff member whose role sells (cashier and above)."""
    @login_required(login_url=LOGIN_URL)
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _can_use_till(request.user):
            return render(request, "pos/denied.html", status=403)
        return view(request, *args, **kwargs)
    return wrapper


def _error(status: int, code: str, message: str, field: str | None = None) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, "fields": {field: [message]} if field else {}}},
                        status=status)


def till_json(view):
    """A JSON endpoint of the till: the same access rule; a refused command is a 4xx naming the field."""
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return _error(401, "not_authenticated", "Connectez-vous.")
        if not _can_use_till(request.user):
            return _error(403, "permission_denied", "Votre rôle ne permet pas d'utiliser la caisse.")
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            return _error(exc.status_code, exc.code, exc.message, exc.field)
        except DjangoValidationError as exc:
            fields = getattr(exc, "message_dict", None) or {"__all__": exc.messages}
            first = next(iter(fields.values()))[0]
            return JsonResponse({"error": {"code": "validation_error", "message": first, "fields": fields}}, status=400)
    return wrapper


def _body(request) -> dict:
    if len(request.body) > MAX_BODY:
        raise ScreenError("Requête trop volumineuse.", field="body")
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise ScreenError("Le corps de la requête n'est pas du JSON.", field="body")
    if not isinstance(data, dict):
        raise ScreenError("Le corps de la requête doit être un objet JSON.", field="body")
    return data


def _uuid(value, field: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise ScreenError("Identifiant invalide.", field=field)


# --- manager approvals: a signed, short-lived token instead of the PIN ------------------------

def _approval_token(*, manager_id: int, cashier_id: int, purpose: str) -> str:
    return signing.dumps({"m": manager_id, "c": cashier_id, "p": purpose}, salt=APPROVAL_SALT, compress=True)


def _approved_by(token, *, cashier_id: int, purpose: str) -> int | None:
    """The manager who approved, from a token the same cashier got (a ticket resent after a cut
    keeps its approval); None without a token."""
    if not token:
        return None
    try:
        data = signing.loads(str(token), salt=APPROVAL_SALT, max_age=APPROVAL_MAX_AGE)
    except signing.BadSignature:
        raise ScreenError("Validation du responsable expirée ou invalide : redemandez son code.", field="approval")
    if data.get("c") != cashier_id or data.get("p") != purpose:
        raise ScreenError("Cette validation a été donnée pour une autre opération.", field="approval")
    return int(data["m"])


# --- pages ------------------------------------------------------------------------------------

def _denominations(counts: dict | None = None):
    counts = counts or {}
    return [{"field": f, "label": label, "cents": int(v * 100), "count": counts.get(f)} for f, label, v in DENOMINATIONS]


def _count_cash(post) -> tuple[Decimal, dict[str, int]]:
    """The total of a cash count per denomination (the server's sum, not the page's)."""
    total, counts = Decimal("0"), {}
    for field, _, value in DENOMINATIONS:
        raw = (post.get(field) or "").strip()
        if not raw:
            continue
        if not raw.isdigit() or int(raw) > 100000:
            raise ScreenError("Un nombre de billets ou de pièces est un entier positif.", field=field)
        if int(raw):
            counts[str(value)] = int(raw)
            total += value * int(raw)
    return cents(total), counts


def _amount(raw, field: str) -> Decimal:
    text = str(raw or "0").strip().replace(" ", "").replace("\u202f", "").replace(",", ".") or "0"
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ScreenError("Montant invalide.", field=field)
    if not value.is_finite() or value < 0 or value >= Decimal("1e10") or value != cents(value):
        raise ScreenError("Montant invalide (positif, deux décimales au plus).", field=field)
    return cents(value)


@till_page
@require_http_methods(["GET", "POST"])
def till_home(request):
    """Choose a register and open a session by counting the float; or take back one's open session."""
    error = None
    if request.method == "POST":
        try:
            register_id = _uuid(request.POST.get("register"), "register")
            opening_float, _ = _count_cash(request.POST)
            session = sessions.open_session(register_id=register_id, cashier_id=request.user.pk,
                                            opening_float=opening_float)
            return redirect("pos:sale", session_id=session.id)
        except DomainError as exc:
            error = exc.message
    mine = screen_open_sessions(cashier_id=request.user.pk)
    if request.method == "GET" and len(mine) == 1 and "choisir" not in request.GET:
        return redirect("pos:sale", session_id=mine[0]["id"])  # back to one's own open till
    context = {"registers": screen_registers(), "my_sessions": mine,
               "denominations": _denominations(request.POST if request.method == "POST" else None),
               "selected": request.POST.get("register", ""), "error": error}
    return render(request, "pos/open.html", context, status=400 if error else 200)


def _open_session_of(request, session_id) -> CashierSession:
    session = CashierSession.objects.select_related("register").filter(pk=session_id).first()
    if session is None:
        raise Http404("Session inconnue.")
    if session.status != SessionStatus.OPEN:
        raise Http404("Session clôturée.")
    user = request.user
    if session.cashier_id != user.pk and not (user.is_superuser or user.role in MANAGER_ROLES):
        raise PermissionDenied("Cette session est celle d'un autre caissier.")
    return session


@till_page
@require_http_methods(["GET", "POST"])
def manager_pin(request):
    """A manager, an administrator or an owner chooses the PIN they type to approve at the till
    (confirmed by their password: a screen left open does not let anyone change it)."""
    done, error = False, None
    if request.method == "POST":
        if not request.user.check_password(request.POST.get("password") or ""):
            error = "Mot de passe incorrect."
        elif request.POST.get("pin") != request.POST.get("pin2"):
            error = "Les deux codes diffèrent."
        else:
            try:
                managers.set_manager_pin(user_id=request.user.pk, pin=request.POST.get("pin") or "")
                done = True
            except DomainError as exc:
                error = {"pin": "Un code est fait de 4 à 8 chiffres, différent de celui des autres responsables.",
                         "user_id": "Seuls les responsables, administrateurs et propriétaires ont un code."}.get(exc.field, exc.message)
    return render(request, "pos/pin.html", {"done": done, "error": error,
                                            "can_approve": request.user.is_superuser or request.user.role in MANAGER_ROLES},
                  status=400 if error else 200)


@till_page
@require_GET
def sale(request, session_id):
    session = _open_session_of(request, session_id)
    return render(request, "pos/sale.html", {"session": session, "register": session.register,
                                             "discount_threshold": screen_discount_threshold()})


@till_page
@require_GET
def returns(request, session_id):
    session = _open_session_of(request, session_id)
    return render(request, "pos/returns.html", {"session": session, "register": session.register})


@till_page
@require_http_methods(["GET", "POST"])
def close(request, session_id):
    """Count the drawer per denomination and the other tenders; the Z closing follows."""
    session = _open_session_of(request, session_id)
    summary = selectors.session_summary(session_id=session.id)
    error = None
    if request.method == "POST":
        try:
            cash, counts = _count_cash(request.POST)
            counted = {"cash": cash}
            for method in NON_CASH:
                counted[method] = _amount(request.POST.get(f"counted_{method}"), f"counted_{method}")
            closing = sessions.close_session(session_id=session.id, counted=counted, closed_by_id=request.user.pk,
                                             denominations=counts)
            return redirect("pos:zreport", closing_id=closing.id)
        except DomainError as exc:
            error = f"{exc.message} ({exc.field})" if exc.field else exc.message
    expected = screen_expected(summary)
    rows = [{"method": m, "label": TENDER_LABELS[m], "expected": expected.get(m, Decimal("0.00")),
             "expected_cents": int(expected.get(m, Decimal("0")) * 100),
             "value": request.POST.get(f"counted_{m}", "") if request.method == "POST" else ""}
            for m in ["cash", *NON_CASH]]
    return render(request, "pos/close.html", {
        "session": session, "register": session.register, "summary": summary, "rows": rows, "error": error,
        "denominations": _denominations(request.POST if request.method == "POST" else None),
    }, status=400 if error else 200)


@till_page
@require_GET
def zreport(request, closing_id):
    closing = Closing.objects.select_related("session__register").filter(pk=closing_id).first()
    if closing is None:
        raise Http404("Clôture inconnue.")
    return render(request, "pos/zreport.html", screen_zreport(closing))


@till_page
@require_http_methods(["GET", "POST"])
def receipt(request, ticket_id):
    """The 80 mm receipt. The first rendering after the sale is the original; any later one is
    a duplicate, marked "DUPLICATA" and counted in the journal (POST "Réimprimer")."""
    ticket_id = _uuid(ticket_id, "ticket_id")
    if request.method == "POST":
        tickets.record_duplicate_print(ticket_id=ticket_id, by_id=request.user.pk)
        return redirect(f"{reverse('pos:receipt', args=[ticket_id])}?print=1")
    data = selectors.receipt(ticket_id=ticket_id)
    shown = request.session.get("pos_originals_shown", [])
    original = str(ticket_id) not in shown and not data.duplicate_count
    if original:
        request.session["pos_originals_shown"] = [*shown[-49:], str(ticket_id)]
    return render(request, "pos/receipt.html", {
        **receipts.context(data), "original": original, "auto_print": request.GET.get("print") == "1" or original,
        "change_shown": _change_shown(request.GET.get("rendu")), "screen": True, "next_url": reverse("pos:till"),
    })


def _change_shown(raw) -> str:
    """The change to hand back, shown big above the receipt (passed by the sale screen)."""
    try:
        return _amount(raw, "rendu") if raw else ""
    except ScreenError:
        return ""


@till_page
@require_GET
def receipt_pdf(request, ticket_id):
    """The receipt as a PDF (WeasyPrint), always a copy: marked "DUPLICATA" and counted."""
    ticket_id = _uuid(ticket_id, "ticket_id")
    tickets.record_duplicate_print(ticket_id=ticket_id, by_id=request.user.pk)
    data = selectors.receipt(ticket_id=ticket_id)
    pdf = receipts.render_pdf(data, original=False)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ticket-{receipts.ticket_label(data)}.pdf"'
    return response


# --- JSON endpoints ---------------------------------------------------------------------------

@till_json
@require_GET
def api_lookup(request):
    """A scan (EAN-13 or SKU: one line) or a search by name (a list)."""
    code = (request.GET.get("code") or "").strip()
    if not code or len(code) > 100:
        raise ScreenError("Saisissez un code-barres, une référence ou un nom.", field="code")
    found = selectors.lookup_code(code=code)
    if isinstance(found, (list, tuple)):
        return JsonResponse({"match": None, "results": [screen_item(x) for x in found]})
    return JsonResponse({"match": screen_item(found) if found else None, "results": []})


@till_json
@require_GET
def api_customers(request):
    q = (request.GET.get("q") or "").strip()
    if len(q) < 2 or len(q) > 100:
        raise ScreenError("Au moins deux caractères.", field="q")
    found = core_api.search_clients(query=q, limit=10)
    return JsonResponse({"results": [{"id": str(c.id), "name": c.display_name, "email": c.email, "phone": c.phone,
                                      "city": c.city} for c in found]})


@till_json
@require_POST
def api_approve(request):
    """A manager types their PIN on the cashier's screen: the answer is a signed approval the
    screen sends with the ticket (the PIN itself never travels with a ticket)."""
    data = _body(request)
    purpose = data.get("purpose") or "discount"
    if purpose not in ("discount", "return"):
        raise ScreenError("Opération inconnue.", field="purpose")
    try:
        manager_id = managers.check_manager_pin(pin=str(data.get("pin") or ""))
    except DomainError as exc:
        if exc.code == "too_many_attempts":
            return _error(exc.status_code, exc.code, "Trop de codes erronés : réessayez dans quelques minutes.", "pin")
        raise
    if manager_id is None:
        return _error(403, "approval_refused", "Code responsable incorrect.", "pin")
    manager = core_api.staff_by_ids(ids=[manager_id]).get(manager_id)
    return JsonResponse({"approval": _approval_token(manager_id=manager_id, cashier_id=request.user.pk, purpose=purpose),
                         "manager": manager.display_name if manager else ""})


@till_json
@require_POST
def api_quote(request):
    """Prices the lines being rung up as the ticket will be (catalog pricing, promotions by
    quantity included), so the screen shows the total the server will charge."""
    data = _body(request)
    wanted = []
    for i, line in enumerate(_lines(data)):
        quantity = line.get("quantity")
        if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= 100000:
            raise ScreenError("Quantité invalide.", field=f"lines[{i}].quantity")
        wanted.append((_uuid(line.get("variant_id"), f"lines[{i}].variant_id"), quantity))
    return JsonResponse({"lines": screen_quote(wanted)})


def _lines(data) -> list[dict]:
    lines = data.get("lines")
    if not isinstance(lines, list) or not lines:
        raise ScreenError("Le ticket n'a aucune ligne.", field="lines")
    if len(lines) > 500:
        raise ScreenError("Trop de lignes sur un ticket.", field="lines")
    for line in lines:
        if not isinstance(line, dict):
            raise ScreenError("Ligne invalide.", field="lines")
    return lines


def _tenders(data) -> list[dict]:
    tenders = data.get("tenders")
    if not isinstance(tenders, list) or not all(isinstance(t, dict) for t in tenders) or len(tenders) > 20:
        raise ScreenError("Règlements invalides.", field="tenders")
    return tenders


def _ticket_answer(ticket) -> JsonResponse:
    status = 200 if getattr(ticket, "replayed", False) else 201  # a resend answers the ticket already counted
    return JsonResponse({
        "id": str(ticket.id), "uuid": str(ticket.uuid), "number": str(ticket), "total": str(ticket.total),
        "change": str(ticket.change_given), "receipt_url": reverse("pos:receipt", args=[ticket.id]),
    }, status=status)


def _session_for(request, data) -> uuid.UUID:
    """The session a ticket is sent to: the cashier's own, or any for a manager (one query)."""
    session_id = _uuid(data.get("session_id"), "session_id")
    user = request.user
    if not (user.is_superuser or user.role in MANAGER_ROLES):
        owner = CashierSession.objects.filter(pk=session_id).values_list("cashier_id", flat=True).first()
        if owner is not None and owner != user.pk:
            raise ScreenError("Cette session est celle d'un autre caissier.", field="session_id")
    return session_id


@till_json
@require_POST
def api_tickets(request):
    """Completes a ticket (idempotent by its client-generated UUID: a resend answers the same ticket)."""
    data = _body(request)
    ticket = tickets.complete_ticket(
        session_id=_session_for(request, data), uuid=_uuid(data.get("uuid"), "uuid"),
        cashier_id=request.user.pk, lines=_lines(data), tenders=_tenders(data),
        customer_id=_uuid(data["customer_id"], "customer_id") if data.get("customer_id") else None,
        ticket_discount=_amount(data["ticket_discount"], "ticket_discount") if data.get("ticket_discount") else None,
        approved_by_id=_approved_by(data.get("approval"), cashier_id=request.user.pk, purpose="discount"),
        loyalty_points=data.get("loyalty_points") or 0,
    )
    return _ticket_answer(ticket)


@till_json
@require_GET
def api_find_ticket(request):
    """The original ticket of a return, by the number printed on the receipt (`caisse-1-000042`)
    or its id, with what each line may still give back."""
    found = screen_find_ticket(request.GET.get("number") or "")
    if found is None:
        return _error(404, "not_found", "Aucun ticket de vente avec ce numéro.", "number")
    return JsonResponse(found)


@till_json
@require_POST
def api_returns(request):
    data = _body(request)
    original = data.get("original_ticket_id")
    refund_method = data.get("refund_method")
    allowed = ("original", "store_credit") if original else ("store_credit", "cash")
    if refund_method not in allowed:
        raise ScreenError("Remboursement : moyen d'origine ou avoir (sans ticket : avoir ou espèces).", field="refund_method")
    ticket = tickets.return_items(
        session_id=_session_for(request, data), uuid=_uuid(data.get("uuid"), "uuid"),
        cashier_id=request.user.pk, original_ticket_id=_uuid(original, "original_ticket_id") if original else None,
        lines=_lines(data), refund_method=refund_method,
        approved_by_id=_approved_by(data.get("approval"), cashier_id=request.user.pk, purpose="return"),
    )
    return _ticket_answer(ticket)


# --- screen reads (small; the lead may move them to selectors.py) -----------------------------

def screen_registers() -> list[dict]:
    """Active registers with their shop's name and who has a session open on each (3 queries)."""
    from contexts.inventory import api as inventory_api

    registers = list(Register.objects.filter(is_active=True).order_by("code"))
    open_by = dict(CashierSession.objects.filter(status=SessionStatus.OPEN).values_list("register_id", "cashier_id"))
    staff = core_api.staff_by_ids(ids=set(open_by.values())) if open_by else {}
    locations = inventory_api.locations_by_ids(ids={r.location_id for r in registers}) if registers else {}
    rows = []
    for r in registers:
        cashier = staff.get(open_by.get(r.id))
        location = locations.get(r.location_id)
        rows.append({"id": r.id, "code": r.code, "name": r.name, "location_name": getattr(location, "name", ""),
                     "busy": (cashier.display_name if cashier else "?") if r.id in open_by else ""})
    return rows


def screen_open_sessions(*, cashier_id: int) -> list[dict]:
    return [{"id": s.id, "register_name": s.register.name, "opened_at": s.opened_at}
            for s in CashierSession.objects.filter(status=SessionStatus.OPEN, cashier_id=cashier_id).select_related("register")]


def screen_discount_threshold() -> Decimal:
    row = PosSettings.objects.filter(pk=1).values_list("discount_approval_percent", flat=True).first()
    return (row if row is not None else Decimal("10")).normalize()


def screen_item(found) -> dict:
    """A sellable line from lookup_code as the screen reads it."""
    return {"variant_id": str(found.variant_id), "sku": found.sku, "name": found.name, "barcode": found.barcode,
            "unit_price": str(found.unit_price), "base_price": str(found.base_price), "vat_rate": str(found.vat_rate),
            "promotion": ", ".join(found.promotions)}


def screen_expected(summary) -> dict[str, Decimal]:
    return {t.method: t.amount for t in summary.expected}


def _dec(value) -> Decimal:
    return cents(Decimal(str(value or "0")))


def screen_zreport(closing: Closing) -> dict:
    """A closing as the Z page shows it: amounts as Decimals (the template prints them in French)."""
    session = closing.session
    staff = core_api.staff_by_ids(ids=[i for i in (session.cashier_id if session else None, closing.closed_by_id) if i])
    methods = [m for m in ["cash", *NON_CASH] if m in closing.expected or m in closing.counted]
    rows = [{"label": TENDER_LABELS.get(m, m), "expected": _dec(closing.expected.get(m)),
             "counted": _dec(closing.counted.get(m)), "difference": _dec(closing.difference.get(m))} for m in methods]
    t, g = closing.totals or {}, closing.grand_totals or {}
    totals = {"tickets": t.get("tickets", 0), "returns": t.get("returns", 0), "gross": _dec(t.get("gross")),
              "net": _dec(t.get("net")), "vat": _dec(t.get("vat"))}
    vat_rows = [(f"{Decimal(rate).normalize():f}".replace(".", ","),
                 {"net": _dec(v.get("net")), "vat": _dec(v.get("vat")), "gross": _dec(v.get("gross"))})
                for rate, v in sorted((t.get("per_rate") or {}).items(), key=lambda kv: -Decimal(kv[0]))]
    grand = {"gross": _dec(g.get("gross")), "absolute": _dec(g.get("absolute")), "tickets": g.get("tickets", 0)}
    return {"closing": closing, "session": session, "register": session.register if session else None,
            "cashier": staff.get(session.cashier_id) if session else None, "closed_by": staff.get(closing.closed_by_id),
            "rows": rows, "totals": totals, "grand_totals": grand, "vat_rows": vat_rows,
            "organisation": core_api.current_organisation(),
            "denominations": sorted(((Decimal(k), n, cents(Decimal(k) * n)) for k, n in (closing.denominations or {}).items()),
                                    reverse=True)}


def screen_quote(lines: list[tuple[uuid.UUID, int]]) -> list[dict]:
    """Catalog pricing of (variant, quantity) lines for the shop channel, as complete_ticket
    prices them (one call, a fixed number of queries)."""
    from contexts.catalog import api as catalog_api

    known = catalog_api.variants_by_ids(ids={v for v, _ in lines})
    for i, (variant_id, _) in enumerate(lines):
        if variant_id not in known:
            raise ScreenError("Article inconnu.", field=f"lines[{i}].variant_id")
    priced = catalog_api.prices(lines=lines, channel="shop")
    return [{"variant_id": str(p.variant_id), "quantity": p.quantity, "unit_price": str(cents(p.unit_price)),
             "promotion": str(cents(p.discount)), "total": str(cents(p.total)),
             "promotions": [a.name for a in p.promotions]} for p in priced]


def screen_find_ticket(text: str) -> dict | None:
    """A sale ticket by its printed number (`<register code>-<number>`) or id, with its lines
    and what each may still give back (4 queries)."""
    text = text.strip()
    if not text or len(text) > 100:
        raise ScreenError("Saisissez le numéro imprimé sur le ticket.", field="number")
    ticket = selectors.find_ticket(code=text)
    if ticket is None or ticket.kind != "sale":
        return None
    left = selectors.returnable(ticket_id=ticket.id)
    lines = list(ticket.lines.order_by("position"))
    return {"id": str(ticket.id), "number": str(ticket), "date": ticket.created_at.isoformat(), "total": str(ticket.total),
            "tenders": list(ticket.tenders.order_by("position").values_list("method", flat=True)),
            "lines": [{"line_id": l.id, "variant_id": str(l.variant_id), "name": l.name, "sku": l.sku,
                       "quantity": l.quantity, "returnable": left.get(l.id, 0),
                       "unit_price": str(cents(l.total / l.quantity)), "total": str(l.total)} for l in lines]}
