"""The manager's view of their 1:1s: per rep, what is next, what happened, what is still open.

Three readers of one gathering (``state.status_read``): ``oneonone status`` (``status_text``), the
read-only ``/status`` page (``status_html``) and, in ``mail.digest``, the weekly digest.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from collections.abc import Sequence

from integrations.mail.render import Renderer
from integrations.state.status_read import WINDOW, ManagerStatus, read_status, rep_row
from scheduler import words
from scheduler.model import Config

COLUMNS = (
    ("rep", "REP"),
    ("next_manager", "NEXT 1:1 (MANAGER)"),
    ("next_rep", "REP'S TIME"),
    ("last_held", "LAST HELD"),
    ("held", "HELD"),
    ("moved", "MOVED"),
    ("missed", "MISSED"),
    ("streak", "STREAK"),
    ("recap", "RECAP"),
    ("open_items", "OPEN ITEMS"),
)


def status_text(statuses: Sequence[ManagerStatus], *, utc: bool = False) -> str:
    """A plain table per manager; the oldest open item of each rep on a line below."""
    blocks = []
    for ms in statuses:
        rows = [rep_row(rs, utc=utc) for rs in ms.reps]
        widths = {k: max([len(t)] + [len(r[k]) for r in rows]) for k, t in COLUMNS}
        zone = "times in UTC" if utc else ms.manager.timezone
        lines = [
            f"{ms.manager.name} <{ms.manager.email}> ({zone}); "
            f"held / moved / missed over the last {WINDOW.days // 7} weeks",
            "  " + "  ".join(t.ljust(widths[k]) for k, t in COLUMNS).rstrip(),
        ]
        for row in rows:
            lines.append("  " + "  ".join(row[k].ljust(widths[k]) for k, _ in COLUMNS).rstrip())
            if row["oldest_item"]:
                lines.append(f"    oldest open item: {row['oldest_item']}")
            if row["paused"]:
                lines.append(f"    no 1:1 on: {row['paused']}")
        if not rows:
            lines.append("  no reps")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def status_html(
    statuses: Sequence[ManagerStatus],
    *,
    now: dt.datetime,
    renderer: Renderer | None = None,
    single: bool = False,
) -> str:
    """The read-only status page (HTML autoescaped): every manager with a link to her own
    page, or (``single``) one manager's page; times in each manager's zone."""
    renderer = renderer or Renderer()
    view = {
        "weeks": WINDOW.days // 7,
        "single": single,
        "managers": [
            {
                "name": ms.manager.name,
                "email": ms.manager.email,
                "timezone": ms.manager.timezone,
                "href": "/status/" + urllib.parse.quote(ms.manager.email, safe="@"),
                "generated": words.when(now, ms.manager.timezone),
                "reps": [rep_row(rs) for rs in ms.reps],
            }
            for ms in statuses
        ],
    }
    return renderer.html_env.get_template("status_page.html.j2").render(view=view)


def status_page(config: Config, *, now: dt.datetime) -> tuple[str, bytes]:
    """``ObservabilityServer(pages={"/status": lambda: status_page(config, now=clock.now())})``."""
    html = status_html(
        read_status(config, now=now), now=now, renderer=Renderer(config.templates_dir)
    )
    return "text/html; charset=utf-8", html.encode("utf-8")


def manager_page(config: Config, who: str, *, now: dt.datetime) -> tuple[str, bytes] | None:
    """``/status/<address>``: one manager's page; None (not found) for anyone else."""
    if all(m.person.email != who.strip().lower() for m in config.managers):
        return None
    statuses = read_status(config, now=now, manager=who.strip().lower())
    html = status_html(statuses, now=now, renderer=Renderer(config.templates_dir), single=True)
    return "text/html; charset=utf-8", html.encode("utf-8")


def matching_managers(config: Config, text: str | None) -> set[str]:
    """Managers whose name or address contains ``text`` (any case), as ``log --pair`` does."""
    needle = (text or "").casefold()
    return {
        m.person.email
        for m in config.managers
        if needle in m.person.email.casefold() or needle in m.person.name.casefold()
    }
