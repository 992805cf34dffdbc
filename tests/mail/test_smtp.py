"""The SMTP mailer against a real aiosmtpd server on 127.0.0.1: plain, STARTTLS, TLS, AUTH."""

from __future__ import annotations

import email.policy
import socket
from collections.abc import Callable
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

import pytest

from integrations.clock import FixedClock
from integrations.mail.smtp import SmtpMailer
from scheduler.errors import CredentialsError, SendRejected, TransientError, UsageLimited
from scheduler.ports import Address
from tests.mail.conftest import SmtpServer, Tls, free_port, make_email, password_checker

Start = Callable[..., SmtpServer]


def mailer(port: int, clock: FixedClock, **options: Any) -> SmtpMailer:
    options.setdefault("starttls", False)
    return SmtpMailer(
        "127.0.0.1", port, date_fn=clock.now, local_hostname="localhost", timeout=5, **options
    )


def parse(raw: bytes) -> EmailMessage:
    msg = BytesParser(policy=email.policy.default).parsebytes(raw)
    assert isinstance(msg, EmailMessage)
    return msg


def test_plain_smtp_delivers_to_every_recipient_and_returns_the_message_id(
    smtp_server: Start, clock: FixedClock
) -> None:
    server = smtp_server()
    msg = make_email(cc=(Address("ops@example.com", "Ops"),))
    message_id = mailer(server.port, clock).send(msg)
    ((mail_from, rcpts, content),) = server.handler.received
    assert mail_from == "oneonone@example.com"
    assert rcpts == ["sam@example.com", "ops@example.com"]
    parsed = parse(content)
    assert parsed["Message-ID"] == message_id
    assert parsed["Subject"] == msg.subject
    assert parsed.get_body(preferencelist=("html",)).get_content().strip() == msg.html


def test_starttls_with_a_trusted_self_signed_certificate_delivers(
    smtp_server: Start, clock: FixedClock, tls: Tls
) -> None:
    server = smtp_server(tls_context=tls.server, require_starttls=True)
    mailer(server.port, clock, starttls=True, ssl_context=tls.client).send(make_email())
    assert len(server.handler.received) == 1


def test_implicit_tls_delivers(smtp_server: Start, clock: FixedClock, tls: Tls) -> None:
    server = smtp_server(ssl_context=tls.server)
    mailer(server.port, clock, ssl=True, ssl_context=tls.client).send(make_email())
    assert len(server.handler.received) == 1


def test_an_untrusted_certificate_is_a_credentials_problem_and_sends_nothing(
    smtp_server: Start, clock: FixedClock, tls: Tls
) -> None:
    server = smtp_server(tls_context=tls.server, require_starttls=True)
    with pytest.raises(CredentialsError, match="certificate"):
        mailer(server.port, clock, starttls=True).send(make_email())  # system CAs only
    assert server.handler.received == []


def test_a_server_requiring_starttls_refuses_a_plain_client_as_a_config_problem(
    smtp_server: Start, clock: FixedClock, tls: Tls
) -> None:
    server = smtp_server(tls_context=tls.server, require_starttls=True)
    with pytest.raises(CredentialsError, match="530"):
        mailer(server.port, clock).send(make_email())
    assert server.handler.received == []


@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN"])
def test_login_with_the_password_from_the_callback_over_starttls(
    smtp_server: Start, clock: FixedClock, tls: Tls, mechanism: str
) -> None:
    other = {"PLAIN": "LOGIN", "LOGIN": "PLAIN"}[mechanism]
    server = smtp_server(
        tls_context=tls.server,
        require_starttls=True,
        auth_required=True,
        auth_require_tls=True,
        auth_exclude_mechanism=[other],
        authenticator=password_checker("keeper", "s3cret"),
    )
    asked: list[str] = []

    def password() -> str:
        asked.append("keeper")
        return "s3cret"

    mailer(
        server.port,
        clock,
        starttls=True,
        ssl_context=tls.client,
        username="keeper",
        password_fn=password,
    ).send(make_email())
    assert asked == ["keeper"]
    assert len(server.handler.received) == 1


def test_a_wrong_password_is_a_credentials_problem(
    smtp_server: Start, clock: FixedClock, tls: Tls
) -> None:
    server = smtp_server(
        tls_context=tls.server,
        require_starttls=True,
        auth_required=True,
        authenticator=password_checker("keeper", "s3cret"),
    )
    with pytest.raises(CredentialsError, match="refused the login"):
        mailer(
            server.port,
            clock,
            starttls=True,
            ssl_context=tls.client,
            username="keeper",
            password_fn=lambda: "wrong",
        ).send(make_email())
    assert server.handler.received == []


def test_a_missing_password_is_reported_before_connecting_anywhere(clock: FixedClock) -> None:
    with _listening() as port, pytest.raises(CredentialsError, match="no SMTP password"):
        mailer(port, clock, username="keeper", password_fn=lambda: None).send(make_email())


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        pytest.param("550 5.1.1 no such user", SendRejected, id="550-rejected"),
        pytest.param("450 4.2.1 mailbox busy", TransientError, id="450-transient"),
        pytest.param("452 4.5.3 too many recipients, daily limit", UsageLimited, id="452-limit"),
    ],
)
def test_refused_recipients_map_to_the_right_error(
    smtp_server: Start, clock: FixedClock, reply: str, error: type[Exception]
) -> None:
    server = smtp_server()
    server.handler.rcpt_reply["sam@example.com"] = reply
    with pytest.raises(error):
        mailer(server.port, clock).send(make_email())
    assert server.handler.received == []


def test_one_refused_recipient_does_not_stop_the_others(
    smtp_server: Start, clock: FixedClock
) -> None:
    server = smtp_server()
    server.handler.rcpt_reply["sam@example.com"] = "550 5.1.1 no such user"
    mailer(server.port, clock).send(make_email(cc=(Address("ops@example.com"),)))
    ((_, rcpts, _),) = server.handler.received
    assert rcpts == ["ops@example.com"]


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        pytest.param("554 5.7.1 message rejected as spam", SendRejected, id="554"),
        pytest.param("550 5.4.5 Daily user sending quota exceeded", UsageLimited, id="550-quota"),
        pytest.param("421 4.7.0 Try again later", TransientError, id="421"),
    ],
)
def test_a_refused_message_body_maps_to_the_right_error(
    smtp_server: Start, clock: FixedClock, reply: str, error: type[Exception]
) -> None:
    server = smtp_server()
    server.handler.data_reply = reply
    with pytest.raises(error) as caught:
        mailer(server.port, clock).send(make_email())
    assert getattr(caught.value, "reason", "") != "ambiguous"


def test_losing_the_connection_after_the_message_went_out_is_flagged_ambiguous(
    smtp_server: Start, clock: FixedClock
) -> None:
    server = smtp_server()
    server.handler.drop_after_data = True
    with pytest.raises(TransientError) as caught:
        mailer(server.port, clock).send(make_email())
    assert caught.value.reason == "ambiguous"
    assert len(server.handler.received) == 1


def test_an_unreachable_server_is_a_plain_transient_error(clock: FixedClock) -> None:
    with pytest.raises(TransientError) as caught:
        mailer(free_port(), clock).send(make_email())
    assert caught.value.reason == ""


def test_starttls_and_implicit_tls_together_are_refused() -> None:
    with pytest.raises(ValueError, match="not both"):
        SmtpMailer("127.0.0.1", 25, starttls=True, ssl=True)


class _listening:
    """A bound but silent port: reaching it would hang, proving no connection was tried."""

    def __enter__(self) -> int:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        return int(self.sock.getsockname()[1])

    def __exit__(self, *exc: object) -> None:
        self.sock.close()


def test_check_connects_says_ehlo_upgrades_and_logs_in_without_sending(
    smtp_server: Start, clock: FixedClock, tls: Tls
) -> None:
    server = smtp_server(
        tls_context=tls.server,
        require_starttls=True,
        auth_required=True,
        auth_require_tls=True,
        authenticator=password_checker("keeper", "s3cret"),
    )
    checked = mailer(
        server.port,
        clock,
        starttls=True,
        ssl_context=tls.client,
        username="keeper",
        password_fn=lambda: "s3cret",
    ).check()
    assert checked.endswith("connect, EHLO, STARTTLS, login as keeper (nothing sent)")
    assert server.handler.received == []
    wrong = mailer(
        server.port,
        clock,
        starttls=True,
        ssl_context=tls.client,
        username="keeper",
        password_fn=lambda: "guess",
    )
    with pytest.raises(CredentialsError, match="refused the login of keeper"):
        wrong.check()
    assert server.handler.received == []
