"""Every exception the service raises on purpose.

    OneOnOneError
    ├── UserError                 a sentence for a person; no traceback
    │   ├── ConfigError           every problem of a config file at once (exit 78)
    │   ├── CredentialsError      missing/unusable credentials or token store
    │   ├── StateBusy             another command holds the state's lock (exit 75)
    │   └── TemplateError         an email template fails to render (file and line)
    ├── CalendarError             a calendar call failed in a way the core must know
    │   ├── AlreadyExists         409: the client-chosen id is taken (maybe by us, earlier)
    │   ├── PreconditionFailed    412: the event changed since we read it
    │   ├── SyncTokenExpired      410: full resync needed
    │   ├── NotFound              404
    │   ├── AuthRevoked           invalid_grant: the manager must log in again
    │   ├── UsageLimited          403 quotaExceeded / sending limits: park the user
    │   └── TransientError        5xx / 429 / rate limits after retries ran out
    └── SendRejected              the mail server/API refused a message for good (5xx)

Bugs are any other exception: logged with their traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


class OneOnOneError(Exception):
    """Base of every deliberate error."""


class UserError(OneOnOneError):
    """Something a person must fix; the message says what to do next."""

    exit_code = 1


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class ConfigError(UserError):
    exit_code = 78  # EX_CONFIG

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems
        n = len(problems)
        lines = [f"{file} has {n} problem{'s' if n != 1 else ''}:"]
        lines += [f"  {p}" for p in problems]
        super().__init__("\n".join(lines))


class CredentialsError(UserError):
    exit_code = 77  # EX_NOPERM


class StateBusy(UserError):
    """Another oneonone command is changing the same state; waiting longer did not help."""

    exit_code = 75  # EX_TEMPFAIL


class TemplateError(UserError):
    """A built-in or overriding Jinja2 template is broken or needs a variable nobody passes."""


class CalendarError(OneOnOneError):
    def __init__(self, message: str, *, status: int = 0, reason: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason


class AlreadyExists(CalendarError):
    pass


class PreconditionFailed(CalendarError):
    pass


class SyncTokenExpired(CalendarError):
    pass


class NotFound(CalendarError):
    pass


class AuthRevoked(CalendarError):
    pass


class UsageLimited(CalendarError):
    pass


class TransientError(CalendarError):
    pass


class SendRejected(OneOnOneError):
    """A message was refused permanently (bad recipient, policy): re-sending cannot help."""

    def __init__(self, message: str, *, status: int = 0) -> None:
        super().__init__(message)
        self.status = status
