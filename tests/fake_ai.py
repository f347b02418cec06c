"""A fake OpenAI-compatible provider (POST /v1/chat/completions) on loopback, port 0, served by a
thread of the test process (a worker process reaches it too). It answers a deterministic text
made from the prompt, with token counts; `down = True` makes it answer 503, `refuse = True` 401.
`requests` keeps every body that reached it.

For a developer (the demo tenant uses it only if it is started):
    .venv/bin/python -m tests.fake_ai --port 8440
then set the tenant's AI settings: base URL http://127.0.0.1:8440/v1, model fake-model."""
from __future__ import annotations

import argparse
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class FakeAIState:
    def __init__(self):
        self.down = False
        self.refuse = False
        self.requests: list[dict] = []
        self.headers: list[dict] = []

    def reset(self):
        self.__init__()

    @property
    def completions(self) -> int:
        return len(self.requests)


def fake_text(body: dict) -> str:
    """What the fake model writes: a short French text naming the product of the prompt."""
    prompt = (body.get("messages") or [{}])[-1].get("content", "")
    facts = {}
    if "Produit :" in prompt:
        try:
            facts = json.loads(prompt.split("Produit :", 1)[1])
        except ValueError:
            facts = {}
    name = facts.get("nom") or "ce produit"
    brand = f" de {facts['marque']}" if facts.get("marque") else ""
    details = ", ".join(f"{k} : {'/'.join(v)}" for k, v in (facts.get("attributs") or {}).items())
    if "méta-description" in prompt:
        return f"{name}{brand} : découvrez-le en boutique et en ligne."
    if "texte alternatif" in prompt:
        return f"Photo de {name}{brand}."
    return f"{name}{brand}, un article choisi pour vous." + (f" Disponible en {details}." if details else "")


class _Handler(BaseHTTPRequestHandler):
    state: FakeAIState

    def log_message(self, *args):
        pass

    def _reply(self, code: int, body: dict):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            return self._reply(400, {"error": {"message": "invalid JSON"}})
        if not self.path.rstrip("/").endswith("/chat/completions"):
            return self._reply(404, {"error": {"message": "unknown route"}})
        st = self.state
        st.requests.append(body)
        st.headers.append(dict(self.headers))
        if st.down:
            return self._reply(503, {"error": {"message": "overloaded"}})
        if st.refuse:
            return self._reply(401, {"error": {"message": "invalid api key"}})
        if not body.get("model") or not body.get("messages"):
            return self._reply(400, {"error": {"message": "model and messages are required"}})
        text = fake_text(body)
        prompt_tokens = sum(len(m.get("content", "").split()) for m in body["messages"])
        self._reply(200, {
            "id": f"chatcmpl-{len(st.requests)}", "object": "chat.completion", "model": body["model"],
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": text}}],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": len(text.split()),
                      "total_tokens": prompt_tokens + len(text.split())},
        })


def serve(port: int = 0) -> ThreadingHTTPServer:
    state = FakeAIState()
    handler = type("Handler", (_Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.state = state
    server.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    return server


@pytest.fixture(scope="session")
def _fake_ai_server():
    server = serve()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def fake_ai(_fake_ai_server):
    """The fake provider, reset, with a fresh breaker."""
    from contexts.catalog.content import provider

    _fake_ai_server.state.reset()
    name = provider.breaker_name(_fake_ai_server.url)
    provider.reset_breaker(name)
    yield _fake_ai_server
    provider.reset_breaker(name)


def main() -> None:
    parser = argparse.ArgumentParser(description="A fake OpenAI-compatible provider on loopback (development only).")
    parser.add_argument("--port", type=int, default=8440)
    args = parser.parse_args()
    server = serve(args.port)
    print(f"fake AI provider: base URL {server.url}, model: any (e.g. fake-model); Ctrl-C stops it", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
