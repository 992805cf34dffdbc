"""The process keeps one glibc heap for all its threads (``process.one_malloc_arena``): what
each worker thread's heap grew to while it parsed a batch's answers is not kept per thread.
Counted from glibc's own report (``malloc_info``), in a fresh interpreter each time."""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

glibc = sys.platform.startswith("linux") and hasattr(ctypes.CDLL(None), "gnu_get_libc_version")
pytestmark = pytest.mark.skipif(not glibc, reason="malloc arenas are glibc's")

PROGRAM = textwrap.dedent(
    """
    import ctypes, os, sys, tempfile, threading
    from integrations.shell.process import one_malloc_arena
    if sys.argv[1] == "one":
        print("set" if one_malloc_arena() else "not set")
    else:
        print("as is")
    kept, ready = [], threading.Barrier(4)
    def work():
        ready.wait()  # all four threads allocate at once, as the pass's workers do
        kept.append([bytes(200_000 + i) for i in range(20)])
    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads: t.start()
    for t in threads: t.join()
    libc = ctypes.CDLL(None)
    libc.fdopen.restype = ctypes.c_void_p
    with tempfile.TemporaryFile() as f:
        stream = libc.fdopen(os.dup(f.fileno()), b"w")
        libc.malloc_info(0, ctypes.c_void_p(stream))
        libc.fclose(ctypes.c_void_p(stream))
        f.seek(0)
        print(f.read().decode().count("<heap nr="))
    """
)


def heaps(mode: str, **env: str) -> tuple[str, int]:
    environ = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"} | env
    out = subprocess.run(
        [sys.executable, "-c", PROGRAM, mode],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return out[0] if out[0] != "not" else " ".join(out[:2]), int(out[-1])


def test_the_threads_of_the_process_share_one_heap() -> None:
    assert heaps("as")[1] > 1  # glibc's own way: the threads made heaps of their own
    said, count = heaps("one")
    assert (said, count) == ("set", 1)


def test_an_operators_malloc_arena_max_is_left_as_it_is() -> None:
    said, count = heaps("one", MALLOC_ARENA_MAX="4")
    assert said == "not set"
    assert count > 1
