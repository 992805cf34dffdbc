"""oneonone: keeps a sales team's recurring 1:1s alive in Google Calendar.

Entry point and command line (``oneonone …`` or ``python daemon.py …``). It wires the adapters
to the core and prints what happened; the deciding happens in ``scheduler``.
"""

from __future__ import annotations

import argparse
import atexit
import datetime as dt
import gc
import json
import logging
import os
import shlex
import sys
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path

from integrations.shell.process import one_malloc_arena, reader_went_away, version
from scheduler.errors import UserError
from scheduler.model import Config

DEFAULT_CONFIG = "config.yaml"
LOCK_WAIT = 30.0
"""Seconds a command waits for another one using the same state before exiting 75."""


def load_config(path: str | Path, meanwhile: Callable[[], object] | None = None) -> Config:
    """Read and validate a config file now (``ConfigError`` names every problem at once);
    ``meanwhile``, the command's imports, runs while the file is parsed in a child."""
    from integrations.shell.config_file import load_config as load

    return load(path, now=_now(), meanwhile=meanwhile)


def _now() -> dt.datetime:
    from integrations.clock import SystemClock

    return SystemClock().now()


def cmd_check(args: argparse.Namespace) -> int:
    # What check builds (the config, the series, the templates) lives until the process
    # ends, where the collector would walk all of it once more only for it to be freed:
    # frozen for the exit instead (about 0.1 s at N=1,000).
    atexit.register(gc.freeze)
    from integrations.views.check_state import StateAhead
    from integrations.views.check_templates import TemplateCheck

    # While the config is parsed: the built-in templates are checked, and the state file the
    # config most likely names is read (its rows are used if the config names that file).
    templates, state = TemplateCheck(), StateAhead(args.config)

    def meanwhile() -> None:
        templates.prepare()
        state.read(now=_now())

    config = load_config(args.config, meanwhile=meanwhile)
    from integrations.views.check_view import print_check

    print_check(config, now=_now(), out=print, utc=args.utc, ahead=state)
    from integrations.mail.notify import describe_sender

    print(describe_sender(config))
    problems = templates.problems(config.templates_dir)
    for problem in problems:
        print(f"template: {problem}")
    if problems:
        return 78
    print("templates: every email renders")
    return 0


def holding_state(config: Config, args: argparse.Namespace) -> AbstractContextManager[object]:
    """The state's lock for a command that changes the state (waiting up to ``--lock-wait``)."""
    from integrations.state.statelock import holding

    return holding(Path(config.state), command=args.command_line, wait=args.lock_wait)


def _import_wiring() -> None:
    """The Google client and the adapters (about 0.4 s), imported while the config is parsed."""
    import integrations.shell.wiring  # noqa: F401


def cmd_plan(args: argparse.Namespace) -> int:
    config = load_config(args.config, meanwhile=_import_wiring)
    from integrations.shell.wiring import wire
    from integrations.views.plan_view import plan_lines
    from integrations.views.run_report import print_counts
    from scheduler.people import People

    people = People(config, utc=args.utc)
    # The lock is held although nothing is written: a plan read while a pass writes would
    # show half of that pass's work as still to do.
    with holding_state(config, args), wire(config, readonly=True) as wired:
        report = wired.run_pass(now=_now(), apply=False)
        for line in plan_lines(report, config, people):
            print(line)
        print_counts(wired.sandbox_counts(), print)
    return 1 if report.manager_errors else 0


def cmd_run(args: argparse.Namespace) -> int:
    config = load_config(args.config, meanwhile=_import_wiring)
    from integrations.shell.wiring import wire

    if not args.once:
        from integrations.shell.serve import serve

        return serve(
            args.config,
            config,
            json_logs=args.json_logs,
            command=args.command_line,
            lock_wait=args.lock_wait,
        )
    from integrations.views.progress import PassProgress
    from integrations.views.run_report import (
        exit_code,
        print_actions,
        print_counts,
        print_emails,
        summary_lines,
    )
    from scheduler.people import People

    people = People(config, utc=args.utc)
    with holding_state(config, args), wire(config) as wired:
        with PassProgress(len(config.managers), sys.stdout) as progress:
            report = wired.run_pass(now=_now(), progress=progress.step)
        print_actions(report, print, people)
        if not report.outcomes and not report.manager_errors:
            print("nothing to do: every pair has its series as configured")
        if wired.runner.notifier is not None:
            print_emails(report.emails, wired.runner.notifier.deliveries, print, people)
        print_counts(wired.sandbox_counts(), print)
        if report.outcomes or report.manager_errors:
            print("\n".join(summary_lines(report, progress.elapsed)))
    return exit_code(report)


def cmd_reload(args: argparse.Namespace) -> int:
    """Ask the running service to re-read its config, and wait for its answer."""
    from integrations.shell.reload import reload_command

    return reload_command(args.config, load_config, pid=args.pid, timeout=args.timeout)


def cmd_log(args: argparse.Namespace) -> int:
    from integrations.state.store import Store
    from integrations.views import log_view
    from scheduler.people import People

    config = load_config(args.config)
    if not Path(config.state).exists():
        print("no state yet: run 'oneonone run --once' first")
        return 0
    store = Store(config.state)
    try:
        rows = store.audit.rows(pair=args.pair, limit=args.limit)
    finally:
        store.close()
    if args.json:
        log_view.print_json(rows, print)
    else:
        log_view.print_rows(rows, People(config, utc=args.utc), print, explain=args.explain)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    """Per rep: next 1:1, last held, 8-week record, streak, recap, open items (state DB only)."""
    from integrations.state.status_read import read_status
    from integrations.views.status import matching_managers, status_text

    config = load_config(args.config)
    wanted = matching_managers(config, args.manager)
    if not wanted:
        names = ", ".join(f"{m.person.name} <{m.person.email}>" for m in config.managers)
        print(
            f"oneonone: no manager in {args.config} matches {args.manager!r} (managers: {names})",
            file=sys.stderr,
        )
        return 2
    if not Path(config.state).exists():
        print("no state yet: run 'oneonone run --once' first")
        return 0
    statuses = [s for s in read_status(config, now=_now()) if s.manager.email in wanted]
    print(status_text(statuses, utc=args.utc), end="")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    """Print the config's JSON Schema (committed as ``oneonone.schema.json`` for editors)."""
    from scheduler.config import config_json_schema

    print(json.dumps(config_json_schema(), indent=2, sort_keys=True, ensure_ascii=False))
    return 0


def cmd_auth(args: argparse.Namespace) -> int:
    from integrations.shell.auth_command import command

    config = load_config(args.config)
    return command(config, args.action, args.email, no_browser=args.no_browser, force=args.force)


def cmd_doctor(args: argparse.Namespace) -> int:
    from integrations.shell.doctor import doctor

    return doctor(args.config)


def cmd_outbox(args: argparse.Namespace) -> int:
    """Pending and failed emails: list, show, retry, drop."""
    from integrations.views import outbox_cli

    config = load_config(args.config)
    state = Path(config.state)
    if not state.exists():
        print("no state yet: run 'oneonone run --once' first")
        return 0
    if args.action == "list":
        from scheduler.people import People

        zone_of = People(config, utc=args.utc).zone_of
        return outbox_cli.list_messages(state, print, everything=args.all, zone_of=zone_of)
    if not args.key:
        print(f"oneonone: outbox {args.action} needs the key of an email", file=sys.stderr)
        return 2
    if args.action == "show":
        return outbox_cli.show_message(state, args.key, print)
    if args.action == "retry":
        return outbox_cli.retry_message(state, args.key, print, now=_now())
    return outbox_cli.drop_message(state, args.key, print)


def cmd_preview(args: argparse.Namespace) -> int:
    """Render an email of a pair's next or given occurrence without queueing anything."""
    from integrations.views.preview import preview

    config = load_config(args.config)
    on = dt.date.fromisoformat(args.on) if args.on else None
    html = Path(args.html) if args.html else None
    return preview(config, args.pair, args.email, now=_now(), on=on, out=print, html_file=html)


def cmd_demo(args: argparse.Namespace) -> int:
    from integrations.shell.demo import run_demo

    return run_demo()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="oneonone", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="log each step")
    parser.add_argument("--version", action="version", version=f"oneonone {version()}")
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", help="oneonone COMMAND -h tells more"
    )

    def plain(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        # -v after the command too; SUPPRESS keeps a -v given before it
        p.add_argument(
            "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="log each step"
        )
        return p

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        p = plain(name, help_text)
        p.add_argument(
            "-c",
            "--config",
            default=os.environ.get("ONEONONE_CONFIG", DEFAULT_CONFIG),
            help="config file (default: $ONEONONE_CONFIG or ./config.yaml)",
        )
        p.add_argument(
            "--utc",
            action="store_true",
            help="print times in UTC (for operators) instead of each person's own zone",
        )
        return p

    def lock_wait(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument(
            "--lock-wait",
            type=float,
            default=LOCK_WAIT,
            metavar="SECONDS",
            help="wait this long for another command using the state (default: %(default)ss)",
        )
        return p

    add("check", "validate the config and print what it means").set_defaults(func=cmd_check)
    lock_wait(add("plan", "what a pass would do now, changing nothing")).set_defaults(func=cmd_plan)
    run = lock_wait(add("run", "run the service (or one pass with --once)"))
    run.add_argument("--once", action="store_true", help="one full pass, then exit")
    run.add_argument(
        "--json-logs", action="store_true", help="log one JSON object per line (for journald)"
    )
    run.set_defaults(func=cmd_run)
    reload = add("reload", "make the running service re-read its config; wait for its answer")
    reload.add_argument("--pid", type=int, help="the service's pid (systemd: $MAINPID)")
    reload.add_argument(
        "--timeout", type=float, default=60.0, metavar="SECONDS", help="default: %(default)ss"
    )
    reload.set_defaults(func=cmd_reload)
    log_p = add("log", "the audit trail: what the service did and why")
    log_p.add_argument("--pair", help="only pairs whose key contains this text")
    log_p.add_argument(
        "--limit", type=int, default=200, help="the last this many rows, oldest first (200)"
    )
    log_p.add_argument("--explain", action="store_true", help="show the details of each decision")
    log_p.add_argument("--json", action="store_true", help="one JSON object per line")
    log_p.set_defaults(func=cmd_log)
    status = add("status", "what is coming, per rep")
    status.add_argument("--manager", help="only managers whose name or address contains this text")
    status.set_defaults(func=cmd_status)
    plain(
        "schema", "print the config's JSON Schema (oneonone schema > oneonone.schema.json)"
    ).set_defaults(func=cmd_schema)
    auth_p = add("auth", "Google login for a manager")
    auth_p.add_argument(
        "action",
        choices=["login", "status", "logout"],
        help="login: store a login; status: check it works; logout: remove it",
    )
    auth_p.add_argument("email", help="the manager's (or a rep's) Google address")
    auth_p.add_argument(
        "--no-browser",
        action="store_true",
        help="print the URL instead of opening a browser (headless servers)",
    )
    auth_p.add_argument(
        "--force",
        action="store_true",
        help="log in an address that is neither a manager nor a rep in the config",
    )
    auth_p.set_defaults(func=cmd_auth)
    add("doctor", "check config, state, token store, logins and calendars").set_defaults(
        func=cmd_doctor
    )
    plain("demo", "a scripted week on the built-in sandbox, in a temporary folder").set_defaults(
        func=cmd_demo
    )
    outbox = add("outbox", "emails not sent yet or failed: list, show, retry, drop")
    outbox.add_argument(
        "action",
        nargs="?",
        default="list",
        choices=["list", "show", "retry", "drop"],
        help="list (default), show one, retry one now, or drop one for good",
    )
    outbox.add_argument("key", nargs="?", help="an email's key, or any prefix naming one")
    outbox.add_argument("--all", action="store_true", help="list the sent emails too")
    outbox.set_defaults(func=cmd_outbox)
    from integrations.views.preview_emails import EMAILS

    preview_p = add("preview", "render an email of a pair's next occurrence; nothing is queued")
    preview_p.add_argument("pair", help="the rep's address (or manager/rep)")
    preview_p.add_argument("--email", default="prep_rep", choices=EMAILS, help="which email")
    preview_p.add_argument(
        "--on", help="the pair's first occurrence on or after this date (YYYY-MM-DD)"
    )
    preview_p.add_argument("--html", help="also write the HTML part to this file")
    preview_p.set_defaults(func=cmd_preview)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    args.command_line = shlex.join(["oneonone", *argv])  # named to whoever waits for the lock
    one_malloc_arena()  # before any thread starts
    from integrations.redaction import redact_known
    from integrations.shell.logs import setup_logging

    # Every command logs through one redacting path: no token or password in any line.
    setup_logging(json=False, level=logging.INFO if args.verbose else logging.WARNING)
    try:
        code: int = args.func(args)
        return code
    except UserError as exc:
        print(redact_known(f"oneonone: {exc}"), file=sys.stderr)  # no secret we know of
        return exc.exit_code
    except BrokenPipeError:
        return reader_went_away()
    except Exception:
        logging.getLogger("oneonone").exception("unexpected error (a bug; please report it)")
        return 70  # EX_SOFTWARE


if __name__ == "__main__":
    sys.exit(main())
