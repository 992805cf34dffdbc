"""``python -m integrations.sandbox --port 8085 [--state PATH]``: run the sandbox as a process.

Prints its URL on one line, then serves until SIGTERM or SIGINT and exits 0.
"""

from __future__ import annotations

import argparse
import pathlib
import signal
import sys
import threading
from types import FrameType

from integrations.sandbox.server import Sandbox


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m integrations.sandbox")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8085)
    parser.add_argument("--state", type=pathlib.Path, default=None)
    args = parser.parse_args(argv)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    sandbox = Sandbox(state_path=args.state)
    url = sandbox.start(host=args.host, port=args.port)
    print(url, flush=True)
    while not stop.wait(0.5):
        pass
    sandbox.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
