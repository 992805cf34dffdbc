"""What an operator sees of the unattended service: metrics, a health check and safe logs.

``Metrics`` owns a private Prometheus registry (so tests and several instances never collide);
``ObservabilityServer`` serves ``/metrics``, ``/healthz`` and pages added by others on
127.0.0.1 only, to the configured Host names and callers (``shell.access``), with a bounded
number of connection threads; ``setup_logging`` emits text or JSON lines with tokens and secrets
masked (``integrations.redaction``), because googleapiclient and OAuth errors like to echo them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import logging
import socket
import threading
import urllib.parse
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

from integrations.shell.access import Gate
from scheduler.model import MetricsAccess

log = logging.getLogger(__name__)

Page = Callable[[], tuple[str, bytes]]
SubPage = Callable[[str], tuple[str, bytes] | None]
"""A page under a prefix, given the rest of the path (URL-decoded); None when there is none."""


class Metrics:
    """The service's counters and gauges, plus the time of the last good pass for /healthz."""

    def __init__(self) -> None:
        r = self.registry = CollectorRegistry(auto_describe=True)
        self.passes = Counter("oneonone_passes", "Reconcile passes", ["result"], registry=r)
        self.pass_duration = Histogram(
            "oneonone_pass_duration_seconds",
            "Duration of one reconcile pass",
            buckets=(0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
            registry=r,
        )
        self.api_requests = Counter(
            "oneonone_api_requests", "Google API requests", ["method", "status"], registry=r
        )
        self.emails = Counter("oneonone_emails", "Emails", ["kind", "result"], registry=r)
        self.bumps_found = Counter("oneonone_bumps_found", "Bumped occurrences seen", registry=r)
        self.bumps_moved = Counter("oneonone_bumps_moved", "Bumped occurrences moved", registry=r)
        self.recaps_sent = Counter("oneonone_recaps_sent", "Recaps sent", registry=r)
        self.recaps_late = Counter(
            "oneonone_recaps_late", "Recaps sent after their deadline", registry=r
        )
        self.parked_users = Gauge(
            "oneonone_parked_users", "Managers parked by usage limits or a dead login", registry=r
        )
        self.last_good_pass_timestamp = Gauge(
            "oneonone_last_good_pass_timestamp_seconds",
            "Unix time of the last pass that finished without failures",
            registry=r,
        )
        self._lock = threading.Lock()
        self._last_good: dt.datetime | None = None

    @property
    def last_good_pass(self) -> dt.datetime | None:
        with self._lock:
            return self._last_good

    def pass_done(self, duration: float, ok: bool, now: dt.datetime) -> None:
        self.passes.labels(result="ok" if ok else "failed").inc()
        self.pass_duration.observe(duration)
        if ok:
            with self._lock:
                self._last_good = now
            self.last_good_pass_timestamp.set(now.timestamp())

    def api_request_total(self) -> int:
        """Calendar requests counted so far, every method and status together."""
        return int(
            sum(
                sample.value
                for metric in self.api_requests.collect()
                for sample in metric.samples
                if sample.name.endswith("_total")
            )
        )

    def api_request(self, method: str, status: int | str) -> None:
        self.api_requests.labels(method=method, status=str(status)).inc()

    def email(self, kind: str, result: str) -> None:
        self.emails.labels(kind=kind, result=result).inc()

    def bumps(self, found: int = 0, moved: int = 0) -> None:
        self.bumps_found.inc(found)
        self.bumps_moved.inc(moved)

    def recap_sent(self, late: bool) -> None:
        self.recaps_sent.inc()
        if late:
            self.recaps_late.inc()

    def set_parked_users(self, count: int) -> None:
        self.parked_users.set(count)

    def render(self) -> bytes:
        return generate_latest(self.registry)


def health(
    metrics: Metrics, *, now: dt.datetime, started: dt.datetime, poll_interval: dt.timedelta
) -> tuple[int, str]:
    """HTTP status and text for /healthz: healthy while the last good pass is < 3 polls old."""
    limit = 3 * poll_interval
    last = metrics.last_good_pass
    if last is None:
        if now - started < limit:
            return 200, "starting: no pass yet\n"
        return 503, f"no pass yet ({_secs(now - started)} since start)\n"
    age = now - last
    if age < limit:
        return 200, "ok\n"
    return 503, f"last good pass {_secs(age)} ago (limit {_secs(limit)})\n"


def _secs(delta: dt.timedelta) -> str:
    return f"{int(delta.total_seconds())}s"


BUSY = b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


class _LoopbackServer(ThreadingHTTPServer):
    """A thread per connection, but at most ``max_connections`` of them: past that a caller
    gets 503 at once, so a flood of (or a few idle) connections cannot pile up threads."""

    daemon_threads = True
    max_connections = 16

    def server_activate(self) -> None:
        self._slots = threading.BoundedSemaphore(self.max_connections)
        super().server_activate()

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            with contextlib.suppress(OSError):
                request.sendall(BUSY)
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self._slots.release()  # before the hang-up: whoever sees it close finds a free slot
            self.shutdown_request(request)


class ObservabilityServer:
    """``/metrics``, ``/healthz`` and extra pages over HTTP on loopback, in a daemon thread."""

    def __init__(
        self,
        metrics: Metrics,
        *,
        host: str = "127.0.0.1",
        port: int,
        poll_interval: dt.timedelta,
        now: Callable[[], dt.datetime],
        pages: Mapping[str, Page] | None = None,
        gate: Gate | None = None,
        max_connections: int = 16,
        request_timeout: float = 10.0,
        subpages: Mapping[str, SubPage] | None = None,
    ) -> None:
        address = ipaddress.ip_address("127.0.0.1" if host == "localhost" else host)
        if not address.is_loopback:
            raise ValueError(
                f"the metrics server binds loopback only, not {host}; "
                "put a reverse proxy in front of it to expose it"
            )
        self.metrics = metrics
        self.host = str(address)
        self.family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
        self.port = port
        self.poll_interval = poll_interval
        self.now = now
        self.pages: dict[str, Page] = dict(pages or {})
        self.gate = gate or Gate(frozenset(MetricsAccess.hosts))
        self.max_connections = max_connections
        self.request_timeout = request_timeout  # a connection idle this long is closed
        self.subpages: dict[str, SubPage] = dict(subpages or {})
        self._server: _LoopbackServer | None = None
        self._thread: threading.Thread | None = None
        self.started: dt.datetime | None = None

    def start(self) -> int:
        """Bind and serve; returns the port (useful with ``port=0``)."""
        handler = _make_handler(self)
        server_class = type(
            "Server",
            (_LoopbackServer,),
            {"address_family": self.family, "max_connections": self.max_connections},
        )
        self._server = server_class((self.host, self.port), handler)
        self.started = self.now()
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.1,), name="observability", daemon=True
        )
        self._thread.start()
        return int(self._server.server_address[1])

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def respond(self, path: str) -> tuple[int, str, bytes]:
        """Status, content type and body for one GET, without any socket involved."""
        path = path.split("?", 1)[0]
        if path == "/metrics":
            return 200, CONTENT_TYPE_LATEST, self.metrics.render()
        if path == "/healthz":
            status, text = health(
                self.metrics,
                now=self.now(),
                started=self.started or self.now(),
                poll_interval=self.poll_interval,
            )
            return status, "text/plain; charset=utf-8", text.encode()
        page = self.pages.get(path) or self._subpage(path)
        if page is None:
            return 404, "text/plain; charset=utf-8", b"not found\n"
        try:
            found = page()
        except Exception:
            log.exception("page %s failed", path)
            return 500, "text/plain; charset=utf-8", b"internal error\n"
        if found is None:
            return 404, "text/plain; charset=utf-8", b"not found\n"
        content_type, body = found
        return 200, content_type, body

    def _subpage(self, path: str) -> Callable[[], tuple[str, bytes] | None] | None:
        for prefix, page in self.subpages.items():
            rest = path[len(prefix) :]
            if path.startswith(prefix) and rest and "/" not in rest:
                return lambda: page(urllib.parse.unquote(rest))
        return None


def _make_handler(owner: ObservabilityServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "oneonone"
        timeout = owner.request_timeout

        def do_GET(self) -> None:
            refusal = owner.gate.refuse(self.path, self.headers)
            if refusal is not None:
                status, headers, text = refusal
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self._send(text, "text/plain; charset=utf-8")
                return
            status, content_type, body = owner.respond(self.path)
            self.send_response(status)
            self._send(body, content_type)

        def _send(self, body: bytes, content_type: str) -> None:
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            log.debug("observability %s", format % args)

    return Handler


# --- logging -------------------------------------------------------------------------------
