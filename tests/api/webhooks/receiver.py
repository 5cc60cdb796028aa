"""A real HTTP receiver for webhook tests (http.server in a thread, or run as its own process)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver(ThreadingHTTPServer):
    """Records every request; answers from `plan` (status codes, in order), then 204; may hang."""

    daemon_threads = True
    request_queue_size = 128  # the default 5 drops parallel connects (1 s SYN retry)

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.received: list[dict] = []
        self.plan: list[int] = []
        self.hang_first = False
        #: work_order_id → how many times to answer 500 for it first (ordering tests).
        self.failures: dict[str, int] = {}
        self.got_request = threading.Event()
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hooks"

    def bodies(self) -> list[dict]:
        return [json.loads(r["body"]) for r in self.received]


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", 0))).decode()
        with self.server.lock:
            self.server.received.append({"headers": dict(self.headers), "body": body, "path": self.path})
            hang = self.server.hang_first and len(self.server.received) == 1
            status = self.server.plan.pop(0) if self.server.plan else 204
            subject = json.loads(body).get("data", {}).get("work_order_id")
            if self.server.failures.get(subject):
                self.server.failures[subject] -= 1
                status = 500
        self.server.got_request.set()
        if hang:
            threading.Event().wait(60)  # the worker is killed while waiting for this answer
        self.send_response(status)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


def start() -> Receiver:
    server = Receiver()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
