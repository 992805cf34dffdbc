"""Reading the config file: the one place the shell turns a path into a validated ``Config``.

The command line, the service's reload and ``doctor`` all read the file through here, so they
report the same problems the same way (``ConfigError``, every problem at once).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from integrations.shell.paths import LocalPaths
from scheduler.config import parse_config_bytes
from scheduler.errors import ConfigError, Problem
from scheduler.model import Config


def load_config(path: str | Path, *, now: dt.datetime) -> Config:
    """Read and validate a config file; every problem is reported at once (``ConfigError``)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(
            str(path), [Problem(str(path), 0, "", f"cannot read: {exc.strerror}")]
        ) from exc
    config = parse_config_bytes(
        data,
        filename=str(path),
        base_dir=path.resolve().parent,
        paths=LocalPaths(),
        now=now,
    )
    return dataclasses.replace(config, source=path)
