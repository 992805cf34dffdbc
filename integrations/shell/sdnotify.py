"""Telling systemd how the service is doing (``Type=notify``): ready, reloading, stopping, status.

The protocol is one datagram of ``KEY=value`` lines to the unix socket named by
``$NOTIFY_SOCKET`` (a path, or ``@name`` in the abstract namespace); see sd_notify(3). It is a
few lines, so it is written here rather than pulled in with libsystemd bindings. Without the
variable (not under systemd, or in tests) every call does nothing.

``systemctl status`` shows the last ``STATUS=``, so a refused reload stays visible there; the
reload itself reports success or failure through ``ExecReload=oneonone reload``, which waits for
the service's answer (``integrations.shell.reload``).
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable, Mapping

log = logging.getLogger(__name__)

STATUS_LIMIT = 400  # characters: a status is one line in ``systemctl status``


def monotonic_usec() -> int:
    """CLOCK_MONOTONIC in microseconds, as ``MONOTONIC_USEC=`` wants it."""
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000


class SystemdNotifier:
    def __init__(
        self,
        environ: Mapping[str, str] | None = None,
        *,
        usec: Callable[[], int] = monotonic_usec,
    ) -> None:
        address = (os.environ if environ is None else environ).get("NOTIFY_SOCKET", "")
        self.address = "\0" + address[1:] if address.startswith("@") else address
        self._usec = usec

    @property
    def enabled(self) -> bool:
        return bool(self.address)

    def ready(self, status: str) -> bool:
        return self.send(READY="1", STATUS=status)

    def reloading(self, status: str) -> bool:
        # systemd 253+ (Type=notify-reload) matches a reload by MONOTONIC_USEC; older ones
        # ignore the field.
        return self.send(RELOADING="1", MONOTONIC_USEC=str(self._usec()), STATUS=status)

    def stopping(self, status: str) -> bool:
        return self.send(STOPPING="1", STATUS=status)

    def status(self, status: str) -> bool:
        return self.send(STATUS=status)

    def send(self, **fields: str) -> bool:
        """Send one notification; False when there is no socket or it cannot be reached."""
        if not self.enabled:
            return False
        if "STATUS" in fields:
            fields["STATUS"] = one_line(fields["STATUS"])
        message = "\n".join(f"{key}={value}" for key, value in fields.items()).encode()
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
                sock.sendto(message, self.address)
        except OSError as exc:  # systemd gone or restarted: the service itself must go on
            log.warning("cannot notify systemd at %s: %s", self.address.lstrip("\0"), exc)
            return False
        return True


def one_line(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= STATUS_LIMIT else flat[: STATUS_LIMIT - 1] + "…"
