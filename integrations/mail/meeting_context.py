"""What every email about one occurrence gives its template: who (``manager``, ``rep``) and
which meeting (``meeting``: summary, start, end, minutes, and what an email adds, such as its
``number`` or ``when`` in words).

The prep emails, the event description, the move notice, the recap, the reminder and their
previews all build it here, so a template can count on the same names in every email.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from scheduler.model import Pair


def meeting_context(
    pair: Pair, start: dt.datetime, end: dt.datetime, **meeting: object
) -> dict[str, Any]:
    """``manager``, ``rep`` and ``meeting`` for the occurrence of ``pair`` from ``start`` to
    ``end``; ``meeting`` adds to (or overrides) the meeting's own fields."""
    return {
        "manager": pair.manager,
        "rep": pair.rep,
        "meeting": {
            "summary": pair.summary,
            "start": start,
            "end": end,
            "minutes": int((end - start).total_seconds() // 60),
            **meeting,
        },
    }
