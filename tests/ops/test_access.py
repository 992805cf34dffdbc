"""The metrics server answers only its own Host names, asks for a token or a password when
told to, and never runs more connection threads than it may; spoken to over real sockets."""

from __future__ import annotations

import base64
import datetime as dt
import http.client
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from integrations.shell.access import Gate, host_name
from integrations.shell.observe import Metrics, ObservabilityServer
from scheduler.errors import CredentialsError
from scheduler.model import MetricsAccess

NOW = dt.datetime(2026, 3, 9, 12, tzinfo=dt.UTC)
SECRET = "s3cret-0f-twenty-chars"
PAGES = {"/status": lambda: ("text/html; charset=utf-8", b"<p>dana@example.com</p>")}


@pytest.fixture
def serve() -> Iterator[Callable[..., int]]:
    servers: list[ObservabilityServer] = []

    def start(**options: object) -> int:
        server = ObservabilityServer(
            Metrics(), port=0, poll_interval=dt.timedelta(seconds=60), now=lambda: NOW,
            pages=PAGES, **options,  # type: ignore[arg-type]
        )  # fmt: skip
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()


def get(port: int, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("host", "status"),
    [
        pytest.param("127.0.0.1:{port}", 200, id="the-address"),
        pytest.param("localhost:{port}", 200, id="localhost"),
        pytest.param("LOCALHOST", 200, id="any-case-no-port"),
        pytest.param("rebind.attacker.example:{port}", 421, id="dns-rebinding"),
        pytest.param("127.0.0.1.nip.io:{port}", 421, id="a-name-for-loopback"),
        pytest.param("[::1]:{port}", 421, id="ipv6-loopback-not-listed"),
        pytest.param("", 421, id="empty"),
    ],
)
def test_only_the_configured_host_names_are_served(serve, host: str, status: int) -> None:
    port = serve()
    got, _, body = get(port, "/status", Host=host.format(port=port))
    assert got == status
    if status == 421:
        assert b"dana@example.com" not in body


def test_a_request_without_a_host_header_is_misdirected(serve) -> None:
    port = serve()
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"GET /status HTTP/1.0\r\n\r\n")
        reply = sock.recv(4096)
    assert reply.startswith(b"HTTP/1.0 421 ")
    assert b"dana@example.com" not in reply


def test_a_proxy_name_can_be_added_and_then_only_the_listed_names_work(serve) -> None:
    port = serve(gate=Gate(frozenset({"metrics.example.com"})))
    assert get(port, "/metrics", Host="metrics.example.com")[0] == 200
    assert get(port, "/metrics", Host=f"127.0.0.1:{port}")[0] == 421


def test_token_auth_wants_the_bearer_secret_except_for_healthz(serve) -> None:
    port = serve(gate=Gate(frozenset({"127.0.0.1"}), "token", secret=SECRET))
    status, headers, body = get(port, "/status", Host="127.0.0.1")
    assert (status, headers["WWW-Authenticate"]) == (401, 'Bearer realm="oneonone"')
    assert b"dana@example.com" not in body
    assert get(port, "/metrics", Host="127.0.0.1", Authorization="Bearer nope")[0] == 401
    assert get(port, "/metrics", Host="127.0.0.1", Authorization=f"Basic {SECRET}")[0] == 401
    assert get(port, "/metrics", Host="127.0.0.1", Authorization=f"Bearer {SECRET}")[0] == 200
    assert get(port, "/healthz", Host="127.0.0.1")[0] == 200  # health checks need no secret
    assert get(port, "/healthz", Host="evil.example")[0] == 421  # but the right name


def test_basic_auth_wants_the_user_and_the_secret(serve) -> None:
    port = serve(gate=Gate(frozenset({"127.0.0.1"}), "basic", "prometheus", SECRET))

    def basic(user: str, password: str) -> str:
        return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    status, headers, _ = get(port, "/status", Host="127.0.0.1")
    assert (status, headers["WWW-Authenticate"]) == (
        401,
        'Basic realm="oneonone", charset="UTF-8"',
    )
    assert get(port, "/status", Host="127.0.0.1", Authorization=basic("root", SECRET))[0] == 401
    assert get(port, "/status", Host="127.0.0.1", Authorization=basic("prometheus", "x"))[0] == 401
    assert get(port, "/status", Host="127.0.0.1", Authorization="Basic %%%")[0] == 401
    ok = get(port, "/status", Host="127.0.0.1", Authorization=basic("prometheus", SECRET))
    assert (ok[0], ok[2]) == (200, b"<p>dana@example.com</p>")


def test_the_secret_comes_from_a_systemd_credential_before_the_environment(tmp_path: Path) -> None:
    (tmp_path / "oneonone-metrics-secret").write_text("from-the-credential-file\n")
    environ = {"CREDENTIALS_DIRECTORY": str(tmp_path), "ONEONONE_METRICS_SECRET": "x" * 20}
    gate = Gate.from_config(MetricsAccess(auth="token"), environ)
    assert gate.secret == "from-the-credential-file"
    assert Gate.from_config(MetricsAccess(auth="token"), {"ONEONONE_METRICS_SECRET": "y" * 20})


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        pytest.param({}, "no secret is set: put it in the systemd credential", id="missing"),
        pytest.param({"ONEONONE_METRICS_SECRET": "short"}, "5 characters", id="short"),
    ],
)
def test_auth_without_a_usable_secret_refuses_to_start(environ, message: str) -> None:
    with pytest.raises(CredentialsError, match=message):
        Gate.from_config(MetricsAccess(auth="basic", username="prometheus"), environ)


@pytest.mark.parametrize(
    ("header", "name"),
    [("127.0.0.1:9464", "127.0.0.1"), ("[::1]:9464", "::1"), ("LocalHost.", "localhost"),
     ("metrics.example.com", "metrics.example.com"), ("[::1", "[::1")],
)  # fmt: skip
def test_the_host_name_is_read_without_port_brackets_or_case(header: str, name: str) -> None:
    assert host_name(header) == name


def test_at_most_max_connections_threads_and_the_next_caller_gets_503_at_once(serve) -> None:
    port = serve(max_connections=2, request_timeout=30)
    before = threading.active_count()
    idle = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(2)]
    try:
        time.sleep(0.3)  # both idle connections have their thread, waiting for a request
        began = time.monotonic()
        status, _, _ = get(port, "/healthz", Host="127.0.0.1")
        assert status == 503
        assert time.monotonic() - began < 1
        assert threading.active_count() <= before + 2
    finally:
        for sock in idle:
            sock.close()
    deadline = time.monotonic() + 5
    while get(port, "/healthz", Host="127.0.0.1")[0] != 200:  # the slots come back
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_an_idle_connection_is_closed_after_the_request_timeout(serve) -> None:
    port = serve(max_connections=1, request_timeout=0.3)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"GET /hea")  # and then nothing more: a slow client
        began = time.monotonic()
        assert sock.recv(4096) == b""  # the server hung up without an answer
        assert time.monotonic() - began < 3
    assert get(port, "/healthz", Host="127.0.0.1")[0] == 200  # its slot is free again
