"""``oneonone plan``: every action the next pass would take, and why, in the people's words.

Each action is one block: what, for whom, in the zones of the people concerned, and why; an
alert to a manager also shows its subject line as she would read it. Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Callable

from integrations.mail.alerts import Moved, word_alert
from integrations.reconcile.pass_report import PassReport
from scheduler.actions import Action, Notice
from scheduler.model import Config
from scheduler.people import People
from scheduler.words import plural

Print = Callable[[str], None]


def plan_lines(report: PassReport, config: Config, people: People) -> list[str]:
    """The plan as printed (without the sandbox's counts), and how many managers it did not
    plan again: nothing changed since their last empty plan (``reconcile.quiet``)."""
    unchanged = [_unchanged(report.quiet, len(config.managers))] if report.quiet else []
    if not report.outcomes and not report.manager_errors:
        return ["nothing to do: every pair has its series as configured", *unchanged]
    lines: list[str] = []
    for outcome in report.outcomes:
        action = outcome.action
        lines += [
            f"{action.verb:16} {people.of(action.pair_key).label}",
            f"    {people.say(action)}",
            f"    why: {action.reason}",
            *_alert_words(action, config),
        ]
    lines += [f"error    {people.of(o).label}: {e}" for o, e in report.manager_errors.items()]
    return lines + unchanged


def _unchanged(quiet: int, managers: int) -> str:
    return (
        f"{quiet} of {plural(managers, 'manager')} unchanged since their last pass found "
        "nothing to do: not planned again"
    )


def _alert_words(action: Action, config: Config) -> list[str]:
    """The subject of the alert a notice sends, as the manager will read it."""
    if not isinstance(action, Notice):
        return []
    try:
        manager = config.manager(action.owner).person
    except KeyError:
        return []
    pair = next((p for p in config.pairs if p.key == action.pair_key), None)
    moved = Moved(*action.moved) if action.moved is not None else None
    words = word_alert(manager, key=action.key, text=action.reason, pair=pair, moved=moved)
    return [f"    says: {words.subject}"]
