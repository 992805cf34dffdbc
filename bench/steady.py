"""Passes of one long-running process against a kept org: wall and CPU per pass, and how many
managers each pass left unplanned because nothing changed (``reconcile.quiet``).

Against a work directory kept by ``bench/scale.py --keep DIR``, with its sandbox running on the
port its config names (``python -m integrations.sandbox --port PORT --state DIR/sandbox.db``).
The first pass of a process plans everyone; the later ones are what ``oneonone run`` costs
every ``poll_interval``. ``--profile FILE`` writes a cProfile of the last pass.

Run: ``ONEONONE_WORKERS=4 python bench/steady.py /tmp/keep/n1000-w4 --passes 5``
"""

from __future__ import annotations

import argparse
import cProfile
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

import daemon  # noqa: E402
from integrations.shell.wiring import wire  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("work", type=Path, help="a directory kept by bench/scale.py --keep")
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--profile", type=Path, default=None, help="cProfile of the last pass")
    args = parser.parse_args(argv)
    config = daemon.load_config(args.work / "config.yaml")
    with wire(config) as wired:
        for number in range(args.passes):
            profile = cProfile.Profile() if args.profile and number == args.passes - 1 else None
            t0, c0 = time.perf_counter(), time.process_time()
            if profile is not None:
                profile.enable()
            report = wired.run_pass(now=daemon._now())
            if profile is not None:
                profile.disable()
                profile.dump_stats(args.profile)
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            load = Path("/proc/loadavg").read_text().split()[0]
            print(
                f"pass {number + 1}: {wall:.2f} s wall, {cpu:.2f} s CPU, "
                f"{report.quiet} of {len(config.managers)} managers unchanged, "
                f"{len(report.outcomes)} actions, load {load}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
