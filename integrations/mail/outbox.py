"""A mailer that writes each message as an ``.eml`` file instead of sending it.

It exists for the demo, for trying a config before any mail server is set up, and for tests:
a person can open the files in any mail client. Files are written atomically (temp file, fsync,
``os.replace``) so a crash never leaves half a message, and privately (folder 0700, files 0600)
because prep emails carry KPIs and coaching notes.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from integrations.mail.mime import DEFAULT_DOMAIN, build_mime, mime_bytes, short_hash
from scheduler.ports import OutgoingEmail


class OutboxMailer:
    """``Mailer`` writing ``<folder>/<YYYYmmddTHHMMSS>-<kind>-<hash of key>.eml``.

    The key hash in the name makes a re-send of the same message easy to spot (same suffix,
    later timestamp); a re-send within the same second gets ``-2``, ``-3``… rather than hiding
    the first file. ``send`` returns the file name.
    """

    def __init__(
        self,
        folder: Path,
        *,
        date_fn: Callable[[], dt.datetime],
        domain: str = DEFAULT_DOMAIN,
    ) -> None:
        self.folder = Path(folder)
        self._date_fn = date_fn
        self._domain = domain

    def _ensure_folder(self) -> None:
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(self.folder, 0o700)

    def _free_name(self, stem: str) -> str:
        name, n = f"{stem}.eml", 1
        while (self.folder / name).exists():
            n += 1
            name = f"{stem}-{n}.eml"
        return name

    def send(self, message: OutgoingEmail) -> str:
        date = self._date_fn()
        data = mime_bytes(build_mime(message, date=date, domain=self._domain))
        self._ensure_folder()
        stamp = date.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S")
        name = self._free_name(f"{stamp}-{message.kind}-{short_hash(message.key)}")
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".eml")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.folder / name)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _fsync_dir(self.folder)
        return name


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable; not every platform can open a directory.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
