"""A fake WooCommerce shop (REST API v3 under /wp-json/wc/v3) on loopback, port 0, served by a
thread of the test process (a worker process reaches it too).

Catalogue: 5 categories (a tree), 25 products (12 variable with 3 sizes each, 12 simple, 1
grouped), 12 customers, 15 orders (3 of guests), so that per_page=10 gives 3 pages of products.
Supports page/per_page with X-WP-Total/X-WP-TotalPages, `modified_after`, authentication by
basic auth or consumer_key/consumer_secret query parameters (401 otherwise), `too_many = n`
(the next n requests answer 429 with Retry-After: 1) and `down = True` (503)."""
from __future__ import annotations

import base64
import copy
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from stdnum import ean

KEY, SECRET = "ck_test_0123456789", "cs_test_9876543210"
BASE_TIME = "2026-01-01T10:00:00"


def ean13(n: int) -> str:
    body = f"376{n:09d}"
    return body + ean.calc_check_digit(body)


def _catalogue() -> dict:
    categories = [
        {"id": 11, "name": "Vêtements", "slug": "vetements", "parent": 0},
        {"id": 12, "name": "T-shirts", "slug": "t-shirts", "parent": 11},
        {"id": 13, "name": "Pulls", "slug": "pulls", "parent": 11},
        {"id": 14, "name": "Accessoires", "slug": "accessoires", "parent": 0},
        {"id": 15, "name": "Non classé", "slug": "uncategorized", "parent": 0},
    ]
    products, variations = [], {}
    next_var = 5000
    for i in range(25):
        pid = 100 + i
        if i == 24:
            products.append({"id": pid, "name": "Lot découverte", "type": "grouped", "status": "publish", "sku": "LOT-1",
                             "regular_price": "", "price": "", "categories": [{"id": 14}], "date_modified_gmt": BASE_TIME,
                             "meta_data": [], "manage_stock": False, "stock_quantity": None})
            continue
        variable = i % 2 == 0  # 12 variable, 12 simple
        category = 12 if i % 3 == 0 else 13 if i % 3 == 1 else 14
        product = {"id": pid, "name": f"Article {i:02d}", "type": "variable" if variable else "simple", "status": "publish",
                   "description": f"<p>Description {i}</p>", "categories": [{"id": category, "name": "x"}],
                   "sku": f"ART-{i:02d}", "regular_price": "" if variable else f"{10 + i}.90", "price": "",
                   "global_unique_id": "", "meta_data": [], "date_modified_gmt": BASE_TIME,
                   "manage_stock": not variable, "stock_quantity": None if variable else 5 + i, "variations": []}
        if not variable:
            if i % 4 == 1:
                product["global_unique_id"] = ean13(pid)
            elif i % 4 == 3:
                product["meta_data"] = [{"id": 1, "key": "_alg_ean", "value": ean13(pid)}]
            if i == 5:
                product["sku"] = ""  # no SKU in the shop: imported as WOO-105
        else:
            variations[pid] = []
            for size, delta in (("S", 0), ("M", 0), ("L", 2)):
                vid = next_var
                next_var += 1
                variations[pid].append({"id": vid, "sku": f"ART-{i:02d}-{size}", "regular_price": f"{20 + i + delta}.00",
                                        "price": f"{20 + i + delta}.00", "sale_price": "", "status": "publish",
                                        "global_unique_id": ean13(vid) if size != "L" else "", "meta_data": [],
                                        "attributes": [{"id": 1, "name": "Taille", "option": size}],
                                        "manage_stock": True, "stock_quantity": 3 if size != "M" else 7,
                                        "date_modified_gmt": BASE_TIME})
                product["variations"].append(vid)
        products.append(product)
    customers = [{"id": 200 + i, "email": f"client{i}@example.fr", "first_name": f"Prénom{i}", "last_name": f"Nom{i}",
                  "date_modified_gmt": BASE_TIME, "billing": {"address_1": f"{i} rue de la Paix", "city": "Lyon",
                                                                "postcode": "69001", "country": "FR", "phone": "0472000000",
                                                                "email": f"client{i}@example.fr", "company": ""}}
                 for i in range(12)]
    statuses = ["processing", "completed", "pending", "on-hold", "cancelled", "refunded"]
    orders = []
    for i in range(15):
        simple = 101 + 2 * (i % 11)  # simple products have odd ids: 101, 103, ... 121
        pvar = 100 + 2 * (i % 12)
        vid = variations[pvar][i % 3]["id"]
        price_simple = next(p for p in products if p["id"] == simple)["regular_price"]
        price_var = next(v for v in variations[pvar] if v["id"] == vid)["regular_price"]
        t1, t2 = float(price_simple) * 2, float(price_var)
        items = [
            {"id": 1, "name": f"Article {simple - 100:02d}", "product_id": simple, "variation_id": 0, "quantity": 2,
             "subtotal": f"{t1 / 1.2:.2f}", "subtotal_tax": f"{t1 - t1 / 1.2:.2f}", "total": f"{t1 / 1.2:.2f}",
             "total_tax": f"{t1 - t1 / 1.2:.2f}"},
            {"id": 2, "name": f"Article {pvar - 100:02d}", "product_id": pvar, "variation_id": vid, "quantity": 1,
             "subtotal": f"{t2 / 1.2:.2f}", "subtotal_tax": f"{t2 - t2 / 1.2:.2f}", "total": f"{t2 / 1.2:.2f}",
             "total_tax": f"{t2 - t2 / 1.2:.2f}"},
        ]
        guest = i % 5 == 4
        orders.append({"id": 900 + i, "number": str(900 + i), "status": statuses[i % len(statuses)],
                       "customer_id": 0 if guest else 200 + (i % 12), "date_modified_gmt": BASE_TIME,
                       "total": f"{t1 + t2 + 4.90:.2f}", "total_tax": "0", "shipping_total": "4.08", "shipping_tax": "0.82",
                       "billing": {"first_name": "Invité", "last_name": f"Passant{i}", "email": f"invite{i}@example.fr",
                                   "city": "Nantes", "postcode": "44000", "country": "FR"},
                       "line_items": items})
    return {"categories": categories, "products": products, "variations": variations, "customers": customers,
            "orders": orders}


class WooState:
    def __init__(self):
        self.down = False
        self.too_many = 0
        self.requests: list[tuple[str, str, dict]] = []  # method, path, query
        self.stock_updates: list[tuple[str, dict]] = []
        self.data = _catalogue()

    def reset(self):
        self.__init__()

    def touch(self, kind: str, item_id: int, when: str, **changes):
        """Changes an object in the shop and sets its modification time (a variation: pass
        kind="variation" and its product's id is bumped too, as WooCommerce does on save)."""
        if kind == "variation":
            for pid, variations in self.data["variations"].items():
                for v in variations:
                    if v["id"] == item_id:
                        v.update(changes, date_modified_gmt=when)
                        return self.touch("products", pid, when)
            raise KeyError(item_id)
        for item in self.data[kind]:
            if item["id"] == item_id:
                item.update(changes, date_modified_gmt=when)
                return item
        raise KeyError(item_id)

    def get(self, kind: str, item_id: int) -> dict:
        return next(i for i in self.data[kind] if i["id"] == item_id)

    def paths(self, method="GET"):
        return [p for m, p, _q in self.requests if m == method]


class _Handler(BaseHTTPRequestHandler):
    state: WooState

    def log_message(self, *args):
        pass

    def _reply(self, code: int, body, headers: dict | None = None):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, str(v))
        self.end_headers()
        self.wfile.write(data)

    def _authorised(self, query: dict) -> bool:
        header = self.headers.get("Authorization") or ""
        if header.startswith("Basic "):
            user, _sep, password = base64.b64decode(header[6:]).decode().partition(":")
            return (user, password) == (KEY, SECRET)
        return (query.get("consumer_key"), query.get("consumer_secret")) == (KEY, SECRET)

    def _collection(self, items: list[dict], query: dict):
        since = query.get("modified_after")
        if since:
            items = [i for i in items if i.get("date_modified_gmt", "") > since[:19]]
        page, per_page = int(query.get("page", 1)), int(query.get("per_page", 10))
        total_pages = max(1, -(-len(items) // per_page))
        chunk = items[(page - 1) * per_page: page * per_page]
        return self._reply(200, copy.deepcopy(chunk), {"X-WP-Total": len(items), "X-WP-TotalPages": total_pages})

    def _route(self, method: str):
        st = self.state
        split = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(split.query).items()}
        public_query = {k: v for k, v in query.items() if k not in ("consumer_key", "consumer_secret")}
        st.requests.append((method, split.path, public_query))
        if st.down:
            return self._reply(503, {"code": "maintenance", "message": "maintenance"})
        if st.too_many > 0:
            st.too_many -= 1
            return self._reply(429, {"code": "too_many_requests", "message": "slow down"}, {"Retry-After": "1"})
        if not self._authorised(query):
            return self._reply(401, {"code": "woocommerce_rest_authentication_error",
                                     "message": "Invalid signature - provided signature does not match.", "data": {"status": 401}})
        parts = [p for p in split.path.split("/") if p]
        if parts[:3] != ["wp-json", "wc", "v3"]:
            return self._reply(404, {"code": "rest_no_route", "message": "No route"})
        parts = parts[3:]
        data = st.data
        if method == "GET":
            if parts == ["products", "categories"]:
                return self._collection(data["categories"], query)
            if parts == ["products"]:
                return self._collection(data["products"], query)
            if len(parts) == 3 and parts[0] == "products" and parts[2] == "variations":
                return self._collection(data["variations"].get(int(parts[1]), []), query)
            if parts == ["customers"]:
                return self._collection(data["customers"], query)
            if parts == ["orders"]:
                return self._collection(data["orders"], query)
        if method == "PUT" and parts and parts[0] == "products":
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            st.stock_updates.append(("/".join(parts), body))
            return self._reply(200, {"id": int(parts[-1]), **body})
        return self._reply(404, {"code": "rest_no_route", "message": "No route was found matching the URL"})

    def do_GET(self):
        self._route("GET")

    def do_PUT(self):
        self._route("PUT")


@pytest.fixture(scope="session")
def _fake_woocommerce_server():
    state = WooState()
    handler = type("Handler", (_Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.state = state
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def fake_woocommerce(_fake_woocommerce_server, settings):
    """The fake shop, reset, with fresh breakers; 10 objects a page; no rate-limit sleeping."""
    from contexts.commercial.channels.woocommerce import breaker

    _fake_woocommerce_server.state.reset()
    settings.WOOCOMMERCE_PER_PAGE = 10
    settings.WOOCOMMERCE_REQUESTS_PER_SECOND = 0
    settings.WOOCOMMERCE_HTTP_TIMEOUT_SECONDS = 5

    def clear():
        breaker.reset("woocommerce:*")

    clear()
    yield _fake_woocommerce_server
    clear()
