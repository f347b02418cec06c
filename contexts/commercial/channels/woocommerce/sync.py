"""A WooCommerce sync run. HTTP never runs with a transaction open: each page is fetched first
(gateway.py), then applied in one short transaction of its own, each object in a savepoint so
that one refused object (a SKU another product uses, an invalid e-mail) is skipped with its
reason instead of losing the page. Catalog, inventory and core are written through their
api.py; orders are commercial's own.

Increments: products, customers and orders are asked `modified_after` the newest modification
seen by the last successful run (WooCommerce's own clock); categories have no modification
date and are read whole. Each link keeps a fingerprint of the values imported: an object that
comes back unchanged is counted `unchanged` and not written."""
from __future__ import annotations

import datetime
import logging
import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from contexts.catalog import api as catalog_api
from contexts.commercial.channels.woocommerce import crypto, gateway, mapping
from contexts.commercial.channels.woocommerce.models import LinkKind, SyncStatus, WooConnection, WooLink, WooSyncRun
from contexts.commercial.models import Order, OrderLine, OrderStatusChange
from contexts.core import api as core_api
from contexts.inventory import api as inventory_api
from crm.money import net_of
from crm.rest.errors import DomainError, InvalidInput
from crm.transactions import joined

log = logging.getLogger(__name__)

KINDS = ("categories", "products", "variations", "customers", "orders")
OPEN = (SyncStatus.QUEUED, SyncStatus.RUNNING, SyncStatus.RETRYING)
LOCATION_CODE = "woocommerce"


class NotConfigured(DomainError):
    code = "woocommerce_not_configured"
    status_code = 400


class AlreadyRunning(DomainError):
    code = "woocommerce_sync_running"


# --- the connection -------------------------------------------------------------------------

def connection_get() -> WooConnection | None:
    return WooConnection.objects.first()


def connection_save(*, store_url: str, consumer_key: str | None = None, consumer_secret: str | None = None,
                    is_active: bool = True, push_stock: bool = False) -> WooConnection:
    """Creates or updates the tenant's connection. The key and secret are encrypted; left out
    (None or empty) on an update, the stored ones stay."""
    with joined():
        conn = WooConnection.objects.select_for_update().first()
        if conn is None:
            if not consumer_key:
                raise InvalidInput(_("The consumer key is required."), field="consumer_key")
            if not consumer_secret:
                raise InvalidInput(_("The consumer secret is required."), field="consumer_secret")
            conn = WooConnection()
        if conn.store_url and conn.store_url.rstrip("/") != store_url.rstrip("/"):
            conn.synced_until = None  # another shop: the next run imports everything
        conn.store_url = store_url.rstrip("/")
        if consumer_key:
            conn.consumer_key_encrypted = crypto.encrypt(consumer_key)
        if consumer_secret:
            conn.consumer_secret_encrypted = crypto.encrypt(consumer_secret)
        conn.is_active, conn.push_stock = is_active, push_stock
        conn.save()
    return conn


# --- runs -----------------------------------------------------------------------------------

def run_request(*, trigger: str = "manual", full: bool = False) -> WooSyncRun:
    """Queues a run (the task is sent after commit). One run at a time: AlreadyRunning (409)."""
    from contexts.commercial.channels.woocommerce import tasks

    with joined():
        if connection_get() is None:
            raise NotConfigured(_("No WooCommerce shop is connected: save its address, consumer key and secret first."))
        if WooSyncRun.objects.filter(status__in=OPEN).exists():
            raise AlreadyRunning(_("A WooCommerce sync is already under way."))
        try:
            with transaction.atomic():
                run = WooSyncRun.objects.create(trigger=trigger, full=full)
        except IntegrityError:
            raise AlreadyRunning(_("A WooCommerce sync is already under way."))
        transaction.on_commit(lambda: tasks.sync_run.delay(run_id=str(run.id)))
    return run


STALE_AFTER = datetime.timedelta(hours=6)


def scheduled_run(*, now: datetime.datetime | None = None) -> str | None:
    """Beat: a run for this tenant when its connection is scheduled and none is under way. A
    run still open after STALE_AFTER (its task lost with a worker and its broker message) is
    marked failed first, so it does not block the shop for ever."""
    conn = connection_get()
    if conn is None or not conn.is_active:
        return None
    now = now or timezone.now()
    with transaction.atomic():
        WooSyncRun.objects.filter(status__in=OPEN, created_at__lt=now - STALE_AFTER).update(
            status=SyncStatus.FAILED, finished_at=now, error=_("Abandoned: the run did not finish within 6 hours."))
    try:
        return str(run_request(trigger="beat").id)
    except AlreadyRunning:
        return None


class Report:
    def __init__(self):
        self.data = {kind: {"created": 0, "updated": 0, "unchanged": 0, "skipped": []} for kind in KINDS}
        self.notes: list[str] = []
        self.stock_pushed = 0

    def count(self, kind: str, outcome: str, n: int = 1):
        self.data[kind][outcome] += n

    def skip(self, kind: str, external_id, reason: str):
        self.data[kind]["skipped"].append({"id": external_id, "reason": str(reason)[:300]})

    def as_json(self, **extra) -> dict:
        return {**self.data, "notes": self.notes[:200], "stock_pushed": self.stock_pushed, **extra}


def _finish(run_id, *, status: str, report: dict | None = None, error: str = "") -> None:
    with transaction.atomic():
        fields = {"status": status, "error": error[:2000], "finished_at": timezone.now() if status in (
            SyncStatus.SUCCEEDED, SyncStatus.FAILED) else None}
        if report is not None:
            fields["report"] = report
        WooSyncRun.objects.filter(pk=run_id).update(**fields)


def execute(*, run_id, final_attempt: bool = True) -> WooSyncRun:
    """Runs a queued run. A refusal (bad credentials, unreadable secret) fails it with the
    reason; a shop that does not answer fails it too on the last attempt, else marks it
    retrying and raises gateway.WooUnavailable for the task to retry."""
    with transaction.atomic():
        run = WooSyncRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status in (SyncStatus.SUCCEEDED, SyncStatus.FAILED):
            return run  # done already (a redelivered task)
        run.status, run.started_at, run.attempts = SyncStatus.RUNNING, run.started_at or timezone.now(), run.attempts + 1
        run.save(update_fields=["status", "started_at", "attempts"])
        conn = connection_get()
    report = Report()
    try:
        if conn is None:
            raise NotConfigured(_("No WooCommerce shop is connected: save its address, consumer key and secret first."))
        client = gateway.WooClient(store_url=conn.store_url, consumer_key=crypto.decrypt(conn.consumer_key_encrypted),
                                   consumer_secret=crypto.decrypt(conn.consumer_secret_encrypted))
        since = None if run.full else conn.synced_until
        newest = _Sync(client=client, conn=conn, report=report, since=since).run()
    except gateway.WooUnavailable as exc:
        if not final_attempt:
            _finish(run_id, status=SyncStatus.RETRYING, report=report.as_json(), error=str(exc))
            raise
        _finish(run_id, status=SyncStatus.FAILED, report=report.as_json(), error=str(exc))
    except (gateway.WooRefused, crypto.UnreadableSecret, NotConfigured) as exc:
        _finish(run_id, status=SyncStatus.FAILED, report=report.as_json(), error=str(exc))
    except Exception as exc:  # a bug must not leave the run "running" for ever
        log.exception("woocommerce sync %s crashed", run_id)
        _finish(run_id, status=SyncStatus.FAILED, report=report.as_json(),
                error=_("Unexpected error (%(error)s): see the worker's log.") % {"error": exc.__class__.__name__})
    else:
        with transaction.atomic():
            WooSyncRun.objects.filter(pk=run_id).update(
                status=SyncStatus.SUCCEEDED, finished_at=timezone.now(), error="", modified_after=since,
                report=report.as_json(requests=client.requests_sent))
            if newest and (conn.synced_until is None or newest > conn.synced_until):
                WooConnection.objects.filter(pk=conn.pk).update(synced_until=newest)
    return WooSyncRun.objects.get(pk=run_id)


# --- applying pages -------------------------------------------------------------------------

class _Skip(Exception):
    pass


class _Sync:
    def __init__(self, *, client: gateway.WooClient, conn: WooConnection, report: Report, since):
        self.client, self.conn, self.report, self.since = client, conn, report, since
        self.newest: datetime.datetime | None = None

    def run(self) -> datetime.datetime | None:
        params = {"modified_after": self.since.astimezone(datetime.timezone.utc).replace(tzinfo=None).isoformat()} if self.since else {}
        self.location_id = self._location()
        self._categories(self.client.all("/products/categories"))
        for page in self.client.pages("/products", params=params):
            variations = {p["id"]: self.client.all(f"/products/{p['id']}/variations")
                          for p in page if p.get("type") == "variable" and p.get("id")}
            self._apply(page, "products", lambda raw: self._product(raw, variations.get(raw.get("id"), [])))
        for page in self.client.pages("/customers", params=params):
            self._apply(page, "customers", self._customer)
        for page in self.client.pages("/orders", params=params):
            self._apply(page, "orders", self._order)
        if self.conn.push_stock:
            self._push_stock()
        return self.newest

    def _push_stock(self, batch: int = 200) -> None:
        """Stock levels that changed here since WooCommerce last had them are sent to it (one
        request per variant, no transaction open); the link then remembers what was sent."""
        pushed, last = 0, 0
        while True:
            links = list(WooLink.objects.filter(kind=LinkKind.VARIATION, stock__isnull=False, id__gt=last).order_by("id")[:batch])
            if not links:
                break
            last = links[-1].id
            ours = inventory_api.availability(variant_ids=[l.local_id for l in links], location_id=self.location_id)
            sent = []
            for link in links:
                level = ours[link.local_id].on_hand if link.local_id in ours else None
                if level is None or level == link.stock:
                    continue
                try:
                    self.client.update_stock(product_id=link.parent_external_id or link.external_id,
                                             variation_id=link.external_id if link.parent_external_id else None, quantity=level)
                except gateway.WooRefused as exc:
                    self.report.notes.append(_("stock of %(id)s not sent: %(reason)s") % {"id": link.external_id, "reason": str(exc)})
                    continue
                link.stock = level
                sent.append(link)
            with transaction.atomic(durable=True):
                WooLink.objects.bulk_update(sent, ["stock"])
            pushed += len(sent)
        self.report.stock_pushed = pushed

    def _location(self):
        if self.conn.location_id:
            return self.conn.location_id
        with transaction.atomic():
            location_id = inventory_api.create_location(code=LOCATION_CODE, name="WooCommerce", kind="warehouse", serves_web=True)
            WooConnection.objects.filter(pk=self.conn.pk).update(location_id=location_id)
        return location_id

    def _seen(self, raw: dict) -> None:
        when = mapping.modified(raw)
        if when and (self.newest is None or when > self.newest):
            self.newest = when

    def _apply(self, page: list[dict], kind: str, apply_one) -> None:
        """One page, one transaction; one savepoint per object."""
        with transaction.atomic(durable=True):
            for raw in page:
                external_id = raw.get("id")
                if not isinstance(external_id, int):
                    self.report.skip(kind, external_id, _("no id"))
                    continue
                self._seen(raw)
                try:
                    with transaction.atomic():
                        outcome = apply_one(raw)
                except _Skip as exc:
                    self.report.skip(kind, external_id, str(exc))
                    continue
                except (DomainError, IntegrityError, ValidationError) as exc:
                    self.report.skip(kind, external_id, _reason(exc))
                    continue
                self.report.count(kind, outcome)

    @staticmethod
    def _links(kind: str, ids) -> dict[int, WooLink]:
        return {l.external_id: l for l in WooLink.objects.filter(kind=kind, external_id__in=list(ids))}

    @staticmethod
    def _link(kind: str, external_id: int, local_id, fingerprint: str, raw: dict | None = None) -> None:
        WooLink.objects.update_or_create(kind=kind, external_id=external_id, defaults={
            "local_id": local_id, "fingerprint": fingerprint, "modified_at": mapping.modified(raw or {})})

    # categories: read whole, parents before children
    def _categories(self, items: list[dict]) -> None:
        by_id = {c["id"]: c for c in items if isinstance(c.get("id"), int)}
        ordered, placed = [], set()

        def place(cid, depth=0):
            if cid in placed or cid not in by_id or depth > 50:
                return
            parent = int(by_id[cid].get("parent") or 0)
            if parent:
                place(parent, depth + 1)
            placed.add(cid)
            ordered.append(by_id[cid])

        for cid in by_id:
            place(cid)
        self._apply(ordered, "categories", self._category)

    def _category(self, raw: dict) -> str:
        values, reason = mapping.category_values(raw)
        if reason:
            raise _Skip(reason)
        parent_id = None
        if values["parent"]:
            parent = WooLink.objects.filter(kind=LinkKind.CATEGORY, external_id=values["parent"]).first()
            if parent is None:
                raise _Skip(_("parent category %(id)s not imported") % {"id": values["parent"]})
            parent_id = parent.local_id
        fp = mapping.fingerprint([values["name"], str(parent_id)])
        link = WooLink.objects.filter(kind=LinkKind.CATEGORY, external_id=raw["id"]).first()
        if link and link.fingerprint == fp:
            return "unchanged"
        if link:
            catalog_api.sync_category(category_id=link.local_id, name=values["name"], parent_id=parent_id)
            outcome = "updated"
        else:
            local = catalog_api.create_category(name=values["name"], parent_id=parent_id)
            outcome = "created"
            link = WooLink(local_id=local)
        self._link(LinkKind.CATEGORY, raw["id"], link.local_id, fp)
        return outcome

    def _product(self, raw: dict, variations: list[dict]) -> str:
        values, reason = mapping.product_values(raw)
        if reason:
            raise _Skip(reason)
        categories = self._links(LinkKind.CATEGORY, values["categories"])
        category = next((categories[c].local_id for c in values["categories"] if c in categories), None)
        if category is None:
            raise _Skip(_("category %(id)s not imported") % {"id": values["categories"][0]})
        pid = raw["id"]
        wanted: list[tuple[int, dict]] = []
        if values["type"] == "simple":
            variant, reason = mapping.variant_values(raw, fallback_sku=f"WOO-{pid}")
            if reason:
                raise _Skip(reason)
            wanted.append((pid, variant))  # a simple product's variant: linked by the product's id
        else:
            for var in variations:
                variant, reason = mapping.variant_values(var, fallback_sku=f"WOO-{pid}-{var.get('id')}")
                if reason:
                    self.report.skip("variations", var.get("id"), reason)
                    continue
                wanted.append((int(var["id"]), variant))
            if not wanted:
                raise _Skip(_("no variation with a price"))
        fp = mapping.fingerprint([values, str(category), wanted])
        link = WooLink.objects.filter(kind=LinkKind.PRODUCT, external_id=pid).first()
        if link and link.fingerprint == fp:
            self.report.count("variations", "unchanged", len(wanted))
            return "unchanged"
        product_id = link.local_id if link else None
        if product_id is None:  # a product already in Comptoir with the same SKU: linked, not duplicated
            for _ext, variant in wanted:
                existing = catalog_api.variant_by_barcode(code=variant["sku"])
                if existing is not None and existing.sku == variant["sku"]:
                    product_id = existing.product_id
                    self.report.notes.append(_("product %(id)s: linked to the existing SKU %(sku)s") % {"id": pid, "sku": variant["sku"]})
                    break
        variant_links = self._links(LinkKind.VARIATION, [ext for ext, _v in wanted])
        skus = catalog_api.sync_product(
            product_id=product_id, name=values["name"], category_id=category, description=values["description"],
            is_active=values["is_active"],
            variants=[{"id": variant_links[ext].local_id if ext in variant_links else None,
                       **{k: v for k, v in variant.items() if k != "stock"}} for ext, variant in wanted])
        local_product = product_id or catalog_api.variants_by_ids(ids=[next(iter(skus.values()))]).popitem()[1].product_id
        ours = inventory_api.availability(variant_ids=[v for v in skus.values()], location_id=self.location_id)
        for ext, variant in wanted:
            variant_id = skus.get(variant["sku"])
            previous = variant_links.get(ext)
            self.report.count("variations", "updated" if previous else "created")
            shop_stock = variant["stock"]
            if shop_stock is not None and shop_stock < 0:
                self.report.notes.append(_("%(sku)s: WooCommerce stock %(quantity)s (backorders) counted as 0")
                                         % {"sku": variant["sku"], "quantity": shop_stock})
                shop_stock = 0
            if shop_stock is not None and variant_id:
                # Both sides may have sold since the last agreed level S: WooCommerce W, here L.
                # Pushing stock back, the new level is L + W - S (each side's sales count once);
                # otherwise WooCommerce's figure wins. The push itself runs after the pages.
                target = shop_stock
                if self.conn.push_stock and previous is not None and previous.stock is not None and variant_id in ours:
                    target = max(0, ours[variant_id].on_hand + shop_stock - previous.stock)
                try:
                    with transaction.atomic():
                        inventory_api.set_stock_level(variant_id=variant_id, product_id=local_product, location_id=self.location_id,
                                                      quantity=target, reference=f"woocommerce:{ext}")
                except DomainError as exc:
                    self.report.notes.append(_("%(sku)s: stock not set (%(reason)s)") % {"sku": variant["sku"], "reason": _reason(exc)})
            WooLink.objects.update_or_create(kind=LinkKind.VARIATION, external_id=ext, defaults={
                "local_id": variant_id, "fingerprint": mapping.fingerprint(variant), "stock": shop_stock,
                "parent_external_id": pid if values["type"] == "variable" else None})
        self._link(LinkKind.PRODUCT, pid, local_product, fp, raw)
        return "updated" if link or product_id else "created"

    def _customer(self, raw: dict) -> str:
        values, reason = mapping.customer_values(raw)
        if reason:
            raise _Skip(reason)
        return self._client(LinkKind.CUSTOMER, raw["id"], values, raw)[1]

    def _client(self, kind, external_id: int, values: dict, raw: dict | None) -> tuple[uuid.UUID, str]:
        fp = mapping.fingerprint(values)
        link = WooLink.objects.filter(kind=kind, external_id=external_id).first()
        if link and link.fingerprint == fp:
            return link.local_id, "unchanged"
        fields = {k: v for k, v in values.items() if k != "kind"}
        if link:
            core_api.update_client(client_id=link.local_id, **fields)
            client_id, outcome = link.local_id, "updated"
        else:
            client_id = core_api.create_client(kind=values["kind"], email=values["email"], first_name=values["first_name"],
                                               last_name=values["last_name"], company_name=values["company_name"],
                                               city=values["city"], postal_code=values["postal_code"], phone=values["phone"])
            core_api.update_client(client_id=client_id, address_line=values["address_line"], country=values["country"])
            outcome = "created"
        self._link(kind, external_id, client_id, fp, raw)
        return client_id, outcome

    def _order(self, raw: dict) -> str:
        values, reason = mapping.order_values(raw)
        if reason:
            raise _Skip(reason)
        oid = raw["id"]
        fp = mapping.fingerprint(values)
        link = WooLink.objects.filter(kind=LinkKind.ORDER, external_id=oid).first()
        if link and link.fingerprint == fp:
            return "unchanged"
        # The client: the customer's, or (a guest order) one made from the billing address.
        if values["customer"]:
            customer = WooLink.objects.filter(kind=LinkKind.CUSTOMER, external_id=values["customer"]).first()
            if customer is None:
                raise _Skip(_("customer %(id)s not imported") % {"id": values["customer"]})
            client_id = customer.local_id
        else:
            billing, reason = mapping.customer_values({"billing": values["billing"]})
            if reason:
                raise _Skip(_("guest order without a usable billing address (%(reason)s)") % {"reason": reason})
            client_id, _outcome = self._client(LinkKind.CUSTOMER, -oid, billing, None)  # guests: linked by -order id
        keys = [l["variation"] or l["product"] for l in values["lines"]]
        variants = self._links(LinkKind.VARIATION, keys)
        missing = [k for k in keys if k not in variants]
        if missing:
            raise _Skip(_("product %(id)s not imported") % {"id": missing[0]})
        summaries = catalog_api.variants_by_ids(ids=[variants[k].local_id for k in keys])
        lines, by_rate = [], {}
        for key, line in zip(keys, values["lines"]):
            variant_id = variants[key].local_id
            rate = summaries[variant_id].vat_rate if variant_id in summaries else Decimal("20.00")
            by_rate[rate] = by_rate.get(rate, Decimal("0")) + line["total"]
            lines.append(OrderLine(variant_id=variant_id, label=line["label"] or (summaries[variant_id].name if variant_id in summaries else ""),
                                   quantity=line["quantity"], unit_price=line["unit_price"], discount=line["discount"],
                                   total=line["total"], vat_rate=rate))
        vat = {str(rate): {"base": str(net_of(gross, rate)), "vat": str(gross - net_of(gross, rate))}
               for rate, gross in sorted(by_rate.items(), reverse=True)}
        note = f"WooCommerce #{values['number']}"
        order = Order.objects.select_for_update().filter(pk=link.local_id).first() if link else None
        if order is None:
            order = Order.objects.create(idempotency_key=f"woocommerce:{oid}", client_id=client_id, channel="woo",
                                         status=values["status"], subtotal=values["subtotal"], shipping_fee=values["shipping_fee"],
                                         total=values["total"], vat_breakdown=vat)
            OrderStatusChange.objects.create(order=order, from_status="", to_status=values["status"], note=note[:200])
            outcome = "created"
        else:
            if order.status != values["status"]:
                OrderStatusChange.objects.create(order=order, from_status=order.status, to_status=values["status"], note=note[:200])
            Order.objects.filter(pk=order.pk).update(status=values["status"], client_id=client_id, subtotal=values["subtotal"],
                                                     shipping_fee=values["shipping_fee"], total=values["total"], vat_breakdown=vat)
            order.lines.all().delete()
            outcome = "updated"
        for line in lines:
            line.order = order
        OrderLine.objects.bulk_create(lines)
        self._link(LinkKind.ORDER, oid, order.id, fp, raw)
        return outcome


def _reason(exc: Exception) -> str:
    field = getattr(exc, "field", None)
    messages = getattr(exc, "messages", None)
    text = "; ".join(str(m) for m in messages) if messages and not isinstance(exc, DomainError) else str(exc)
    return f"{field}: {text}" if field else text


def runs(*, limit: int = 50):
    return WooSyncRun.objects.all()[:limit]


def open_run_exists() -> bool:
    return WooSyncRun.objects.filter(Q(status__in=OPEN)).exists()
