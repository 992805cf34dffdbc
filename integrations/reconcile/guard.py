"""One stage of one manager's pass, guarded: an error is that manager's alone.

A revoked login parks the manager until she logs in again (``auth login`` unparks), a usage
limit parks her for an hour, and she is told once; any other error is reported for her and the
other managers are served. A plan, which writes nothing, only reports.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from integrations.reconcile.apply import Applier
from integrations.state.store import Store
from scheduler import errors
from scheduler.keys import auth_revoked_alert_key, auth_revoked_key, usage_limited_key

log = logging.getLogger("oneonone")

REVOKED_PARK = dt.timedelta(days=3650)  # until someone logs in again (``auth login`` unparks)
LIMIT_PARK = dt.timedelta(hours=1)


def guarded(
    store: Store,
    applier: Applier,
    owner: str,
    work: Callable[[], None],
    *,
    now: dt.datetime,
    apply: bool,
) -> str | None:
    """Run one stage for ``owner``; the error it met, in words, or None."""
    parked = store.parking.reason(owner, now)
    if parked is not None:
        return f"parked: {parked}"
    try:
        work()
    except (errors.AuthRevoked, errors.UsageLimited) as exc:
        if not apply:
            return str(exc)
        return park(store, applier, owner, exc, now=now)
    except errors.OneOnOneError as exc:
        log.warning("manager %s: %s", owner, exc)
        return str(exc)
    except Exception as exc:  # a bug: keep serving the other managers
        log.exception("manager %s: unexpected error", owner)
        return f"{type(exc).__name__}: {exc}"
    return None


def park(
    store: Store, applier: Applier, owner: str, exc: errors.OneOnOneError, *, now: dt.datetime
) -> str:
    """Park a manager whose login was revoked (until she logs in again), or who hit a usage
    limit (for an hour), and tell her."""
    if isinstance(exc, errors.AuthRevoked):
        store.parking.park(owner, until=now + REVOKED_PARK, reason=str(exc))
        if store.notices.first(auth_revoked_key(owner, now), now):
            applier.tell(owner, auth_revoked_alert_key(owner), str(exc), now=now)
    else:
        store.parking.park(owner, until=now + LIMIT_PARK, reason=str(exc))
        applier.tell(owner, usage_limited_key(owner, now), str(exc), now=now)
    return str(exc)
