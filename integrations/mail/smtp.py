"""A mailer that hands messages to an SMTP relay (an org relay, a local MTA, a test server).

SMTP has no idempotency key, so what matters here is telling the caller *how* a send failed:
refused before the message went out (safe to retry), refused for good (do not retry), a sending
limit (park the sender), or the connection lost while the message itself was on the wire (it may
or may not have been delivered, ``TransientError(reason="ambiguous")``), so the outbox can apply
its at-most-once / at-least-once policy per kind.
"""

from __future__ import annotations

import datetime as dt
import re
import smtplib
import ssl as ssl_lib
from collections.abc import Callable

from integrations.clock import SystemClock
from integrations.mail.mime import DEFAULT_DOMAIN, build_mime, mime_bytes, recipients
from scheduler.errors import (
    CredentialsError,
    OneOnOneError,
    SendRejected,
    TransientError,
    UsageLimited,
)
from scheduler.ports import OutgoingEmail

AMBIGUOUS = "ambiguous"
# 530 "authentication/STARTTLS required", 534/538 "mechanism too weak / encryption needed",
# 535 "bad credentials": a configuration problem for every message, not this message's fault.
_CREDENTIAL_CODES = frozenset({530, 534, 535, 538})
_LIMIT_WORDS = re.compile(r"limit|quota|too many|rate.?limit", re.IGNORECASE)


def classify_reply(code: int, text: str, *, what: str) -> OneOnOneError:
    """The error for an SMTP reply: sending limit, temporary (4xx) or permanent (5xx)."""
    message = f"{what}: {code} {text}".strip()
    if code in _CREDENTIAL_CODES:
        return CredentialsError(f"{message}: check email.smtp (TLS, username, password)")
    if _LIMIT_WORDS.search(text):
        return UsageLimited(message, status=code, reason="sendingLimit")
    if 400 <= code < 500:
        return TransientError(message, status=code)
    return SendRejected(message, status=code)


def _reply_text(raw: bytes | str) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


class SmtpMailer:
    """``Mailer`` over the standard library's ``smtplib``; ``send`` returns the Message-ID.

    ``starttls`` upgrades a plain connection (port 587); ``ssl`` is implicit TLS (port 465).
    ``password_fn`` is called only when ``username`` is set, at each send, so a rotated
    password in the keyring is picked up without a restart.
    """

    def __init__(
        self,
        host: str,
        port: int,
        *,
        starttls: bool = True,
        ssl: bool = False,
        username: str | None = None,
        password_fn: Callable[[], str | None] | None = None,
        timeout: float = 30,
        ssl_context: ssl_lib.SSLContext | None = None,
        date_fn: Callable[[], dt.datetime] | None = None,
        domain: str = DEFAULT_DOMAIN,
        local_hostname: str | None = None,
    ) -> None:
        if starttls and ssl:
            raise ValueError("choose STARTTLS or implicit TLS, not both")
        self.host, self.port = host, port
        self._starttls, self._ssl = starttls, ssl
        self._username, self._password_fn = username, password_fn
        self._timeout = timeout
        self._context = ssl_context
        self._date_fn = date_fn or SystemClock().now
        self._domain = domain
        self._local_hostname = local_hostname

    @property
    def _where(self) -> str:
        return f"SMTP {self.host}:{self.port}"

    def send(self, message: OutgoingEmail) -> str:
        mime = build_mime(message, date=self._date_fn(), domain=self._domain)
        data = mime_bytes(mime)
        rcpts = recipients(message)
        password = self._password()
        smtp = self._connect()
        try:
            self._login(smtp, password)
            self._envelope(smtp, message.sender.email, rcpts)
            self._data(smtp, data)
        finally:
            _quietly_close(smtp)
        return str(mime["Message-ID"])

    def check(self) -> str:
        """Connect, EHLO, STARTTLS and log in as a send would, then quit without sending.

        Raises the same errors as ``send``; returns what was checked, for ``doctor``.
        """
        password = self._password()
        smtp = self._connect()
        try:
            smtp.ehlo_or_helo_if_needed()
            self._login(smtp, password)
        except (smtplib.SMTPException, OSError) as exc:
            raise self._before_data(exc, "EHLO") from exc
        finally:
            _quietly_close(smtp)
        steps = ["connect", "EHLO"]
        steps += ["STARTTLS"] if self._starttls else ["TLS"] if self._ssl else []
        steps += [f"login as {self._username}"] if self._username else ["no login"]
        return f"{self._where}: " + ", ".join(steps) + " (nothing sent)"

    def _tls_context(self) -> ssl_lib.SSLContext:
        return self._context or ssl_lib.create_default_context()

    def _connect(self) -> smtplib.SMTP:
        try:
            smtp: smtplib.SMTP
            if self._ssl:
                smtp = smtplib.SMTP_SSL(
                    self.host,
                    self.port,
                    timeout=self._timeout,
                    context=self._tls_context(),
                    local_hostname=self._local_hostname,
                )
            else:
                smtp = smtplib.SMTP(
                    self.host,
                    self.port,
                    timeout=self._timeout,
                    local_hostname=self._local_hostname,
                )
            if self._starttls:
                smtp.starttls(context=self._tls_context())
            return smtp
        except smtplib.SMTPNotSupportedError as exc:
            raise CredentialsError(
                f"{self._where} does not offer STARTTLS; set email.smtp.starttls: false only "
                "for a relay on a trusted network"
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise self._before_data(exc, "connecting") from exc

    def _password(self) -> str | None:
        if not self._username:
            return None
        password = self._password_fn() if self._password_fn else None
        if not password:
            raise CredentialsError(
                f"no SMTP password for {self._username}: store one in the keyring or the "
                "environment"
            )
        return password

    def _login(self, smtp: smtplib.SMTP, password: str | None) -> None:
        if not self._username or password is None:
            return
        try:
            smtp.login(self._username, password)
        except smtplib.SMTPAuthenticationError as exc:
            if 400 <= exc.smtp_code < 500:
                raise TransientError(f"{self._where} login: {exc}", status=exc.smtp_code) from exc
            raise CredentialsError(
                f"{self._where} refused the login of {self._username} "
                f"({exc.smtp_code} {_reply_text(exc.smtp_error)}): check the password"
            ) from exc
        except smtplib.SMTPNotSupportedError as exc:
            raise CredentialsError(f"{self._where} does not offer AUTH") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise self._before_data(exc, "login") from exc

    def _envelope(self, smtp: smtplib.SMTP, sender: str, rcpts: list[str]) -> None:
        try:
            smtp.ehlo_or_helo_if_needed()
            code, reply = smtp.mail(sender)
            if code != 250:
                raise classify_reply(code, _reply_text(reply), what=f"MAIL FROM {sender}")
            refused: dict[str, tuple[int, bytes]] = {}
            for rcpt in rcpts:
                code, reply = smtp.rcpt(rcpt)
                if code not in (250, 251):
                    refused[rcpt] = (code, reply)
        except (smtplib.SMTPException, OSError) as exc:
            raise self._before_data(exc, "envelope") from exc
        if len(refused) == len(rcpts):
            # Any permanent refusal decides it; a purely temporary one is retried later.
            code, reply = max(refused.values(), key=lambda cr: cr[0])
            raise classify_reply(
                code, _reply_text(reply), what=f"every recipient refused ({', '.join(refused)})"
            )

    def _data(self, smtp: smtplib.SMTP, data: bytes) -> None:
        try:
            code, reply = smtp.data(data)
        except smtplib.SMTPResponseException as exc:
            raise classify_reply(exc.smtp_code, _reply_text(exc.smtp_error), what="DATA") from exc
        except (smtplib.SMTPException, OSError) as exc:
            # The message may be on the server already: nobody can tell.
            raise TransientError(
                f"{self._where}: connection lost during DATA ({exc!r})", reason=AMBIGUOUS
            ) from exc
        if code != 250:
            raise classify_reply(code, _reply_text(reply), what=f"{self._where} DATA")

    def _before_data(self, exc: BaseException, phase: str) -> OneOnOneError:
        if isinstance(exc, smtplib.SMTPResponseException):
            return classify_reply(
                exc.smtp_code, _reply_text(exc.smtp_error), what=f"{self._where} {phase}"
            )
        if isinstance(exc, ssl_lib.SSLCertVerificationError):
            return CredentialsError(
                f"{self._where}: TLS certificate not trusted ({exc.verify_message})"
            )
        return TransientError(f"{self._where} {phase}: {exc!r}")


def _quietly_close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()
