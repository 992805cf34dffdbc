"""``oneonone run``: start the service, log what it serves, and run it until it is told to stop."""

from __future__ import annotations

import logging
from pathlib import Path

from integrations.shell.logs import setup_logging
from integrations.shell.service import Service
from scheduler.model import Config
from scheduler.ports import Clock

log = logging.getLogger("oneonone.service")


def _log_to_stderr_once(json_logs: bool) -> None:
    """The service logs at INFO, as JSON lines with --json-logs, through the redacting handler."""
    setup_logging(json=json_logs)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # a line per wake-up is noise


def serve(
    config_path: str | Path,
    config: Config,
    *,
    clock: Clock | None = None,
    sandbox_url: str | None = None,
    json_logs: bool = False,
    command: str = "oneonone run",
    lock_wait: float = 0.0,
) -> int:
    """Run the service until SIGTERM/SIGINT; returns the exit code (0 on a clean stop)."""
    _log_to_stderr_once(json_logs)
    for warning in config.warnings:
        log.warning("config: %s", warning)
    service = Service(
        config_path,
        config,
        clock=clock,
        sandbox_url=sandbox_url,
        command=command,
        lock_wait=lock_wait,
    )
    service.start()
    return service.run_forever()
