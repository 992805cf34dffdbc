"""The command line as a process: the version it reports, and how it ends when its reader has
gone away."""

from __future__ import annotations

import os
import sys
from importlib import metadata


def version() -> str:
    try:
        return metadata.version("oneonone")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


def reader_went_away() -> int:
    """``oneonone check | head``: the reader closed the pipe; stop quietly, as ``cat`` does.

    Python would flush stdout again at exit and print the error; pointing stdout at /dev/null
    first keeps that quiet (the recipe in the ``signal`` module's documentation)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return 141  # 128 + SIGPIPE, what a shell reports for a writer cut off by its reader
