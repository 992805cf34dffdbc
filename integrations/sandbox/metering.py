"""Request accounting and fault injection: what tests assert on and how they make Google flaky.

Every Google-route request (each batch part too) is counted by discovery method id, status and
user; faults match a method id (or ``*``) and fire a fixed number of times or at a seeded rate.
A fault ``after`` the request answers with its error only once the request has taken effect: a
5xx tells the client nothing about whether a write happened, and a retry must cope with both.
"""

from __future__ import annotations

import collections
import dataclasses
import random
from typing import Any

WRITE_METHODS = frozenset(
    {
        "calendar.events.insert",
        "calendar.events.patch",
        "calendar.events.update",
        "calendar.events.delete",
        "gmail.users.messages.send",
    }
)


@dataclasses.dataclass
class Fault:
    method: str = "*"
    status: int = 503
    reason: str = "backendError"
    times: int | None = None
    rate: float | None = None
    latency: float = 0.0
    retry_after: int | None = None
    message: str | None = None
    after: bool = False  # apply the request, then answer with this error

    def describe(self) -> str:
        return self.message or {
            429: "Rate Limit Exceeded",
            403: "Rate Limit Exceeded" if "RateLimit" in self.reason else "Forbidden",
            500: "Backend Error",
            503: "The service is currently unavailable.",
        }.get(self.status, self.reason)


class Meter:
    def __init__(self, seed: int = 0) -> None:
        self.rng = random.Random(seed)
        self.faults: list[Fault] = []
        self.recent: collections.deque[dict[str, Any]] = collections.deque(maxlen=2000)
        self.reset()

    def reset(self) -> None:
        self.total = 0
        self.writes = 0
        self.batch_parts = 0  # requests that came inside a batch (each also counted by method)
        self.by_method: collections.Counter[str] = collections.Counter()
        self.by_status: collections.Counter[str] = collections.Counter()
        self.by_user: collections.Counter[str] = collections.Counter()

    def add_fault(self, spec: dict[str, Any]) -> None:
        if "seed" in spec:
            self.rng.seed(spec["seed"])
        fields = {f.name for f in dataclasses.fields(Fault)}
        self.faults.append(Fault(**{k: v for k, v in spec.items() if k in fields}))

    def clear_faults(self) -> None:
        self.faults.clear()

    def pick_fault(self, method: str) -> Fault | None:
        """The first fault that fires for this request (consuming one of its ``times``)."""
        for fault in list(self.faults):
            if fault.method not in ("*", method):
                continue
            if fault.rate is not None and self.rng.random() >= fault.rate:
                continue
            if fault.times is not None:
                fault.times -= 1
                if fault.times <= 0:
                    self.faults.remove(fault)
            return fault
        return None

    def record(self, method: str, status: int, user: str | None, path: str) -> None:
        self.total += 1
        if method in WRITE_METHODS:
            self.writes += 1
        self.by_method[method] += 1
        self.by_status[str(status)] += 1
        if user:
            self.by_user[user] += 1
        self.recent.append({"method": method, "user": user, "status": status, "path": path})

    def counts(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "writes": self.writes,
            "batch_parts": self.batch_parts,
            "by_method": dict(self.by_method),
            "by_status": dict(self.by_status),
            "by_user": dict(self.by_user),
        }

    def requests(self, limit: int) -> list[dict[str, Any]]:
        return list(self.recent)[-limit:] if limit > 0 else []
