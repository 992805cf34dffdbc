"""The emails the reconcile pass sends: move notices to reps and alerts to managers.

Each message is rendered from the templates and queued in the send-once outbox with a key that
names what it is about (the occurrence and the move number, or the alert's subject), so a pass
repeated after a crash queues nothing twice. Delivery happens at the end of the pass.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from dataclasses import dataclass
from typing import Any

from integrations.mail.deliveries import Deliveries
from integrations.render import Renderer
from scheduler.model import Config, Pair, Person
from scheduler.ports import Address, OutgoingEmail


def thread_key(series_id: str, original_start: dt.datetime) -> str:
    """Prep, move notice and recap of one occurrence share this thread."""
    return f"occ:{series_id}:{original_start.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"


@dataclass
class Notifier:
    config: Config
    deliveries: Deliveries
    renderer: Renderer

    def sender_for(self, manager: Person) -> Address:
        if self.config.email.provider == "gmail":  # Gmail sends as the authenticated manager
            return Address(manager.email, manager.name)
        name, addr = email.utils.parseaddr(self.config.email.sender)
        return Address(addr, name)

    def queue(self, message: OutgoingEmail, *, now: dt.datetime) -> bool:
        return self.deliveries.enqueue(message, not_before=now, now=now)

    def move_notice(
        self,
        pair: Pair,
        *,
        series_id: str,
        original_start: dt.datetime,
        old_start: dt.datetime,
        start: dt.datetime,
        end: dt.datetime,
        reason: str,
        number: int,
        now: dt.datetime,
    ) -> bool:
        context: dict[str, Any] = {
            "manager": pair.manager,
            "rep": pair.rep,
            "meeting": {
                "summary": pair.summary,
                "start": start,
                "end": end,
                "minutes": int((end - start).total_seconds() // 60),
                "number": number,
            },
            "move": {
                "old_start": old_start,
                "reason": reason,
                "shorter": end - start < pair.duration,
            },
        }
        rendered = self.renderer.render("move_notice", **context)
        stamp = f"{original_start.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"
        return self.queue(
            OutgoingEmail(
                key=f"move:{series_id}:{stamp}:{number}",
                kind="move",
                sender=self.sender_for(pair.manager),
                to=(Address(pair.rep.email, pair.rep.name),),
                subject=rendered.subject,
                text=rendered.text,
                html=rendered.html,
                reply_to=Address(pair.manager.email, pair.manager.name),
                thread_key=thread_key(series_id, original_start),
            ),
            now=now,
        )

    def alert(
        self,
        manager: Person,
        *,
        key: str,
        title: str,
        what_happened: str,
        what_we_did: str,
        what_you_can_do: list[str],
        now: dt.datetime,
    ) -> bool:
        context: dict[str, Any] = {
            "manager": manager,
            "alert": {
                "title": title,
                "what_happened": what_happened,
                "what_we_did": what_we_did,
                "what_you_can_do": what_you_can_do,
            },
        }
        rendered = self.renderer.render("alert", **context)
        to = [Address(manager.email, manager.name)]
        cc = (Address(self.config.ops_email),) if self.config.ops_email else ()
        return self.queue(
            OutgoingEmail(
                key=f"alert:{key}",
                kind="alert",
                sender=self.sender_for(manager),
                to=tuple(to),
                cc=cc,
                subject=rendered.subject,
                text=rendered.text,
                html=rendered.html,
            ),
            now=now,
        )
