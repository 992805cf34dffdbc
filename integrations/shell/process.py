"""The command line as a process: the version it reports, and how it ends when its reader has
gone away."""

from __future__ import annotations

import ctypes
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


M_ARENA_MAX = -8
"""glibc's ``mallopt`` parameter for the most heaps ("arenas") the threads may have."""


def one_malloc_arena() -> bool:
    """Give the whole process one glibc heap, as ``MALLOC_ARENA_MAX=1`` would; True if set.

    glibc gives each thread that allocates a heap of its own, up to eight per core, and a heap
    keeps what it grew to. The pass's worker threads hold the GIL for nearly all they do, so
    separate heaps buy no speed here, while each one keeps the peak of the batch answers its
    thread parsed: at N=1,000 the cold start peaked at 153 MB with them and 138 MB with one
    (docs/performance.md). Called before any thread starts. Left alone when the variable is set
    (the operator's choice), and on a C library other than glibc."""
    if "MALLOC_ARENA_MAX" in os.environ or not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None)
        if not hasattr(libc, "gnu_get_libc_version"):
            return False
        return bool(libc.mallopt(M_ARENA_MAX, 1))
    except (OSError, AttributeError):
        return False
