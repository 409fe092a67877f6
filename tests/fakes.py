"""Loopback fakes shared by the tests of outgoing channels (webhooks, Telegram Bot API,
SMS gateways): a real HTTP server on a free port that records every POST and answers as
the test sets it."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeHTTPServer:
    """Records each POST as {path, headers, body, json}; answers ``status`` with ``answer``
    (a dict is sent as JSON, bytes as they are)."""

    def __init__(self, answer: dict | bytes | None = None, status: int = 200):
        self.requests: list[dict] = []
        self.status = status
        self.answer: dict | bytes = answer if answer is not None else {"ok": True}
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server API
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                try:
                    parsed = json.loads(body)
                except ValueError:
                    parsed = None
                outer.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body, "json": parsed}
                )
                answer = outer.answer
                data = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
                self.send_response(outer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):  # keep the test output quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()
