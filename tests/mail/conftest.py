"""Shared fixtures for the email layer: messages, a fixed date, and real SMTP servers."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from integrations.clock import FixedClock
from scheduler.ports import Address, OutgoingEmail

DATE = dt.datetime(2026, 3, 8, 14, 30, tzinfo=dt.UTC)
DANA = Address("dana@example.com", "Dana Whitfield")
SAM = Address("sam@example.com", "Sam Ortiz")
SERVICE = Address("oneonone@example.com", "1:1 keeper")


def make_email(key: str = "prep:dana:sam:2026-03-10", **changes: Any) -> OutgoingEmail:
    base = OutgoingEmail(
        key=key,
        kind="prep",
        sender=SERVICE,
        to=(SAM,),
        reply_to=DANA,
        subject="Your 1:1 with Dana on Tuesday",
        text="Bring your topics.\n",
        html="<p>Bring your topics.</p>",
        thread_key="occ:dana:sam:2026-03-10",
    )
    return replace(base, **changes)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(DATE)


@dataclass
class RecordingHandler:
    """An aiosmtpd handler that keeps every envelope and can refuse on demand."""

    received: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    rcpt_reply: dict[str, str] = field(default_factory=dict)
    data_reply: str | None = None
    drop_after_data: bool = False

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address in self.rcpt_reply:
            return self.rcpt_reply[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.data_reply is not None:
            return self.data_reply
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        if self.drop_after_data:
            server.transport.close()  # accepted, but the client never hears it
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Tls:
    server: ssl.SSLContext
    client: ssl.SSLContext


@pytest.fixture(scope="session")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Tls:
    """A self-signed certificate for 127.0.0.1 and the client context that trusts it."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder: Path = tmp_path_factory.mktemp("tls")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert_file, key_file)
    client = ssl.create_default_context(cafile=str(cert_file))
    return Tls(server=server, client=client)


def password_checker(user: str, password: str) -> Callable[..., AuthResult]:
    def authenticator(
        server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == user.encode()
            and auth_data.password == password.encode()
        )
        if ok:
            session.mechanisms_used = [*getattr(session, "mechanisms_used", []), mechanism]
        return AuthResult(success=ok, handled=False)

    return authenticator


@dataclass
class SmtpServer:
    port: int
    handler: RecordingHandler
    controller: Controller


@pytest.fixture
def smtp_server() -> Iterator[Callable[..., SmtpServer]]:
    """Start a real aiosmtpd server on 127.0.0.1 with the given SMTP options."""
    started: list[Controller] = []

    def start(**options: Any) -> SmtpServer:
        handler = RecordingHandler()
        port = free_port()
        controller = Controller(
            handler, hostname="127.0.0.1", port=port, server_hostname="localhost", **options
        )
        controller.start()
        started.append(controller)
        return SmtpServer(port=port, handler=handler, controller=controller)

    yield start
    for controller in started:
        controller.stop()
