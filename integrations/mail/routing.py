"""Two ways out: the main transport, and the one alerts take when they must not depend on it.

With ``email.provider: gmail`` every message is sent as its manager, with her token; an alert
that her token died would be sent with that same dead token. ``email.alerts`` names a transport
that does not depend on any manager's login (SMTP, or the outbox folder); a message marked
``transport="alerts"`` goes that way, everything else the main way.
"""

from __future__ import annotations

from dataclasses import dataclass

from scheduler.ports import Mailer, OutgoingEmail


@dataclass(frozen=True)
class RoutingMailer:
    """``Mailer`` that hands each message to the transport it names."""

    main: Mailer
    alerts: Mailer

    def send(self, message: OutgoingEmail) -> str:
        return (self.alerts if message.transport == "alerts" else self.main).send(message)
