"""One line of ``oneonone doctor``: a status, what was checked, and what to do about it.

Its own module so that each group of checks (``doctor``, ``doctor_mail``) imports it without
importing the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from integrations.redaction import redact_known

Status = Literal["ok", "FAIL", "warn"]


@dataclass(frozen=True)
class Check:
    status: Status
    what: str
    detail: str

    def line(self) -> str:
        head = f"{self.status:4}  {self.what} — "
        lines = redact_known(self.detail).splitlines() or [""]  # our sentences show NAME=…
        return head + "\n".join([lines[0], *("      " + rest for rest in lines[1:])])
