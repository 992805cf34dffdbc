"""What a pass with nothing to tell does not load into the long-running process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _loaded_after(code: str) -> set[str]:
    probe = code + "\nimport sys\nprint(' '.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(out.stdout.split())


def test_the_invite_writer_loads_icalendar_only_when_it_writes_a_part() -> None:
    loaded = _loaded_after("import integrations.mail.invites")
    assert "integrations.mail.invites" in loaded
    assert "icalendar" not in loaded


def test_reading_a_config_file_leaves_the_parser_libraries_out_of_the_process() -> None:
    config = ROOT / "config.example.yaml"
    loaded = _loaded_after(
        "import datetime as dt\n"
        "from integrations.shell.config_file import load_config\n"
        f"load_config({str(config)!r}, now=dt.datetime(2026, 11, 27, tzinfo=dt.UTC))"
    )
    assert "integrations.shell.config_file" in loaded
    assert not {"yaml", "pydantic", "scheduler.config"} & loaded


def test_with_threads_running_the_config_is_read_in_the_process_itself_never_in_a_fork() -> None:
    # A fork copies only the calling thread; a lock held by another would stall the child.
    config = ROOT / "config.example.yaml"
    loaded = _loaded_after(
        "import datetime as dt, threading\n"
        "from integrations.shell.config_file import load_config\n"
        "stop = threading.Event()\n"
        "threading.Thread(target=stop.wait, daemon=True).start()\n"
        f"c = load_config({str(config)!r}, now=dt.datetime(2026, 11, 27, tzinfo=dt.UTC))\n"
        "stop.set()\n"
        "assert len(c.managers) == 2, c.managers"
    )
    assert {"yaml", "pydantic", "scheduler.config"} <= loaded


def test_the_login_code_loads_the_keyring_only_when_it_asks_the_keyring() -> None:
    loaded = _loaded_after("import integrations.google.auth, integrations.google.secrets")
    assert "integrations.google.secrets" in loaded
    assert "keyring" not in loaded


def test_a_command_sets_up_its_logging_without_the_metrics_server_or_the_prometheus_client() -> (
    None
):
    config = ROOT / "config.example.yaml"
    loaded = _loaded_after(
        "import contextlib, io, sys, daemon\n"
        f"sys.argv = ['oneonone', 'check', '-c', {str(config)!r}]\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    daemon.main()"
    )
    assert "integrations.shell.logs" in loaded
    assert not {"prometheus_client", "http.server", "integrations.shell.observe"} & loaded


def test_the_command_line_offers_the_preview_emails_without_loading_the_mail_stack() -> None:
    loaded = _loaded_after(
        "import daemon\n"
        "argv = ['preview', 'sam@example.com', '--email', 'recap']\n"
        "args = daemon.build_parser().parse_args(argv)\n"
        "assert args.email == 'recap', args"
    )
    assert "integrations.views.preview_emails" in loaded
    assert not {"jinja2", "integrations.views.preview", "integrations.mail.render"} & loaded
