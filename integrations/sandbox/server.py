"""The sandbox HTTP server: a threaded HTTP/1.1 keep-alive server that hands each request to
the admin API, the batch splitter or the Google router.

httplib2 silently re-sends a request (POSTs included) when a kept-alive connection drops, so
the handler always answers and always sends Content-Length.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.server
import pathlib
import socket
import threading
from collections.abc import Callable
from typing import Any

from integrations.clock import SystemClock
from integrations.google.retry import SANDBOX_FAULT
from integrations.sandbox import batch
from integrations.sandbox.admin import AdminApi
from integrations.sandbox.auth import Auth
from integrations.sandbox.events import Events
from integrations.sandbox.gmail import Gmail
from integrations.sandbox.metering import Meter
from integrations.sandbox.org import Org
from integrations.sandbox.reads import Reads
from integrations.sandbox.routes import GoogleApi
from integrations.sandbox.store import Store
from integrations.sandbox.wire import Request, Response


def sandbox_fault(exc: BaseException) -> Response:
    """A 500 for the sandbox's own bug, with a reason Google never sends (``SANDBOX_FAULT``), so
    the client says that the emulator failed, not Google, and does not retry what no retry cures.
    """
    message = f"the built-in sandbox failed: {exc!r}"
    error = {"domain": "sandbox", "reason": SANDBOX_FAULT, "message": message}
    return Response.of_json(
        {"error": {"code": 500, "message": message, "status": "INTERNAL", "errors": [error]}}, 500
    )


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: with Nagle on, a kept-alive client's delayed ACK
    # holds the body back ~40 ms on every request (Google's front ends answer in one go).
    disable_nagle_algorithm = True
    server: _Server

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        req = Request.from_target(self.command, self.path, dict(self.headers.items()), body)
        try:
            response = self.server.sandbox.handle(req)
        except Exception as exc:  # a bug must still produce a reply, never a dropped socket
            response = sandbox_fault(exc)
        self.send_response(response.status, response.reason)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: tests read the request log through the admin API instead."""


class _Server(http.server.ThreadingHTTPServer):
    """Tracks open connections so that stopping really hangs up on kept-alive clients (they
    reconnect, as after a real outage, instead of talking to a stopped emulator)."""

    daemon_threads = True
    sandbox: Sandbox

    def server_activate(self) -> None:
        self.open_sockets: set[socket.socket] = set()
        self.sockets_lock = threading.Lock()
        super().server_activate()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.sockets_lock:
            self.open_sockets.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.sockets_lock:
            self.open_sockets.discard(request)
        super().shutdown_request(request)

    def hang_up(self) -> None:
        with self.sockets_lock:
            sockets = list(self.open_sockets)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class Sandbox:
    """A local emulator of Google Calendar v3, Gmail v1 send and the OAuth token endpoint."""

    def __init__(
        self,
        state_path: pathlib.Path | None = None,
        now: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.now = now or SystemClock().now
        self.lock = threading.RLock()
        self.store = Store(state_path)
        self.meter = Meter()
        self.auth = Auth(self.store, self.now)
        self.org = Org()
        self.events = Events(self.store, self.now, self.org)
        self.reads = Reads(self.store, self.now, self.meter.rng, self.org)
        self.gmail = Gmail(self.store)
        self.google = GoogleApi(
            self.lock, self.auth, self.events, self.reads, self.gmail, self.meter
        )
        self.admin = AdminApi(
            self.lock, self.store, self.auth, self.events, self.reads, self.gmail, self.meter,
            lambda: self.url,
        )  # fmt: skip
        self.url = ""
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def handle(self, req: Request) -> Response:
        if req.path.startswith("/_sandbox/"):
            return self.admin.dispatch(req)
        if req.path in batch.BATCH_PATHS and req.method == "POST":
            parts = 0

            def part(inner: Request) -> Response:
                nonlocal parts
                parts += 1
                return self.google.dispatch(inner)

            response = batch.handle(req, part)
            with self.lock:
                self.meter.record("batch", response.status, None, req.path)
                self.meter.batch_parts += parts  # so round trips = total - batch_parts
            return response
        return self.google.dispatch(req)

    def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        server = _Server((host, port), _Handler)
        server.sandbox = self
        self._server = server
        self.url = f"http://{host}:{server.server_address[1]}/"
        self._thread = threading.Thread(
            target=server.serve_forever, args=(0.05,), name="sandbox", daemon=True
        )
        self._thread.start()
        return self.url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.hang_up()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        with self.lock:
            self.store.close()
