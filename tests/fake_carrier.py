"""Fake carrier (Sendcloud-like) and postal provider (Maileva-like) APIs on loopback, port 0,
served by a thread of the test process (a worker process reaches them too). `down = True`
makes every request answer 503; `requests` counts what reached the server."""
from __future__ import annotations

import base64
import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

PDF = b"%PDF-1.4\n% fake label\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


class FakeState:
    def __init__(self):
        self.down = False
        self.requests: list[tuple[str, str]] = []
        self.parcels: dict[str, dict] = {}  # id -> parcel
        self.tracking: dict[str, list[dict]] = {}  # tracking number -> statuses
        self.sendings: dict[str, dict] = {}  # our reference -> sending
        self.cancelled: list[str] = []
        self._ids = itertools.count(1000)

    def reset(self):
        self.__init__()

    def set_tracking(self, tracking_number: str, *statuses: tuple[int, str]):
        self.tracking[tracking_number] = [{"timestamp": ts, "status": code, "message": code.replace("_", " ")}
                                          for ts, code in statuses]

    def set_sending(self, reference: str, status: str):
        self.sendings[reference]["status"] = status


class _Handler(BaseHTTPRequestHandler):
    state: FakeState

    def log_message(self, *args):
        pass

    def _reply(self, code: int, body=None, *, raw: bytes | None = None, content_type="application/json"):
        data = raw if raw is not None else json.dumps(body or {}).encode()
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(length) or b"{}")

    def _route(self, method: str):
        st = self.state
        st.requests.append((method, self.path))
        if st.down:
            return self._reply(503, {"error": {"message": "maintenance"}})
        parts = [p for p in self.path.split("/") if p]
        # carrier
        if method == "POST" and parts == ["api", "v2", "parcels"]:
            parcel = self._body().get("parcel") or {}
            if not parcel.get("postal_code"):
                return self._reply(400, {"error": {"message": "postal_code is required"}})
            for existing in st.parcels.values():  # the same order number: the same parcel
                if existing["order_number"] == parcel.get("order_number"):
                    return self._reply(200, {"parcel": existing})
            pid = str(next(st._ids))
            st.parcels[pid] = {"id": pid, "tracking_number": f"3SABC{pid}", "order_number": parcel.get("order_number")}
            return self._reply(200, {"parcel": st.parcels[pid]})
        if method == "GET" and parts[:4] == ["api", "v2", "labels", "label_printer"] and len(parts) == 5:
            if parts[4] not in st.parcels:
                return self._reply(404, {"error": {"message": "no such parcel"}})
            return self._reply(200, raw=PDF, content_type="application/pdf")
        if method == "POST" and parts[:3] == ["api", "v2", "parcels"] and parts[-1] == "cancel":
            st.cancelled.append(parts[3])
            return self._reply(200, {"status": "cancelled"})
        if method == "GET" and parts[:3] == ["api", "v2", "tracking"] and len(parts) == 4:
            return self._reply(200, {"tracking_number": parts[3], "statuses": st.tracking.get(parts[3], [])})
        # postal provider
        if method == "POST" and parts == ["v1", "sendings"]:
            body = self._body()
            lines = body.get("address_lines") or []
            if not lines or any(len(l) > 38 for l in lines) or not base64.b64decode(body.get("document", "")).startswith(b"%PDF"):
                return self._reply(422, {"error": "bad sending"})
            ref = body["custom_id"]
            st.sendings.setdefault(ref, {"id": ref, "status": "submitted", "cost": "5.36" if "registered" in body["postage_type"] else "1.43"})
            return self._reply(201, st.sendings[ref])
        if method == "GET" and parts[:2] == ["v1", "sendings"] and len(parts) == 3:
            if parts[2] not in st.sendings:
                return self._reply(404, {"error": "no such sending"})
            return self._reply(200, st.sendings[parts[2]])
        if method == "GET" and parts[:2] == ["v1", "sendings"] and len(parts) == 4 and parts[3] == "proof":
            sending = st.sendings.get(parts[2])
            if not sending or sending["status"] != "delivered":
                return self._reply(404, {"error": "no proof yet"})
            return self._reply(200, raw=PDF.replace(b"fake label", b"proof of delivery"), content_type="application/pdf")
        return self._reply(404, {"error": {"message": "unknown route"}})

    def do_GET(self):
        self._route("GET")

    def do_POST(self):
        self._route("POST")


@pytest.fixture(scope="session")
def _fake_logistics_server():
    state = FakeState()
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
def fake_carrier(_fake_logistics_server, settings):
    """The fake server, reset, with fresh breakers; the postal provider's base points at it."""
    from contexts.logistics.gateways import breaker

    _fake_logistics_server.state.reset()
    settings.POSTAL_API_BASE = _fake_logistics_server.url
    settings.POSTAL_API_TOKEN = "test-token"
    settings.LOGISTICS_HTTP_TIMEOUT_SECONDS = 5
    from urllib.parse import urlsplit

    names = [f"carrier:{urlsplit(_fake_logistics_server.url).netloc}", "postal"]
    for name in names:
        breaker.reset(name)
    yield _fake_logistics_server
    for name in names:
        breaker.reset(name)
