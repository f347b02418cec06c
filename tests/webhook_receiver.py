"""A webhook receiver on loopback for the tests: records what it receives, answers the status
codes it is told to (in order, then the last one), verifies signatures with our helper."""
from __future__ import annotations

import http.server
import threading

from contexts.engagement.webhooks.signing import HEADER, verify_signature


class Receiver:
    def __init__(self, *, statuses=(200,), secret: str = "", redirect_to: str = ""):
        self.statuses, self.secret, self.redirect_to = list(statuses), secret, redirect_to
        self.received: list[dict] = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                header = self.headers.get(HEADER, "")
                receiver.received.append({
                    "body": body, "headers": dict(self.headers), "path": self.path,
                    "valid": bool(receiver.secret) and verify_signature(body, header, receiver.secret, tolerance=300),
                })
                status = receiver.statuses[min(len(receiver.received), len(receiver.statuses)) - 1]
                self.send_response(status)
                if receiver.redirect_to:
                    self.send_header("Location", receiver.redirect_to)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/comptoir"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
