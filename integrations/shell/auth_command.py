"""``oneonone auth login|status|logout EMAIL``: the Google login flows, and what a new login
changes in the state (a manager parked for a dead login is served again)."""

from __future__ import annotations

import sys

from integrations.google.auth import login, logout, role_problem, status
from integrations.state.store import Store
from scheduler.model import Config


def command(
    config: Config, action: str, email: str, *, no_browser: bool, force: bool = False
) -> int:
    email = email.lower()
    if config.calendar.provider == "sandbox":
        print("The calendar provider is the built-in sandbox: it needs no Google login.")
        return 0
    if action == "login":
        problem = None if force else role_problem(config, email)
        if problem is not None:
            print(f"oneonone: {problem}", file=sys.stderr)
            return 2
        print(login(config, email, no_browser=no_browser, out=print))
        state = Store(config.state)  # a manager parked for a dead login is served again
        try:
            state.parking.unpark(email)
        finally:
            state.close()
        return 0
    if action == "status":
        ok, text = status(config, email)
        print(text)
        return 0 if ok else 1
    print(logout(config, email))
    return 0
