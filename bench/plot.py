"""Draws the scale benchmark's figure (``docs/scale.png``) from its JSON.

Left: Google requests per pass against the number of managers, with the idle pass's lower bound
(one ``events.list`` per watched calendar). Right: wall time of each pass. Both log-log, for the
runs with the default worker count. Needs the ``bench`` extra (matplotlib).
Run: ``python bench/plot.py docs/performance-data.json docs/scale.png``
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

PASSES = (("cold", "cold start"), ("idle2", "idle pass"), ("busy", "busy pass (5 % bumped)"))


def _runs(data: dict[str, Any], workers: int) -> list[dict[str, Any]]:
    runs = [r for r in data["runs"] if r["workers"] == workers and r["managers"] >= 10]
    return sorted(runs, key=lambda r: r["managers"])


def plot(data: dict[str, Any], out: Path, workers: int = 4) -> None:
    runs = _runs(data, workers)
    n = [r["managers"] for r in runs]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.4))
    for key, label in PASSES:
        left.plot(n, [r[key]["requests"] for r in runs], marker="o", label=label)
        right.plot(n, [r[key]["wall_s"] for r in runs], marker="o", label=label)
    left.plot(
        n,
        [r["cold"]["round_trips"] for r in runs],
        "C0--",
        marker=".",
        label="cold start, HTTP round trips",
    )
    left.plot(n, n, "k:", label="lower bound: 1 events.list per manager")
    right.plot(
        n,
        [r["seed"]["seed_s"] for r in runs],
        "C7--",
        marker=".",
        label="seeding the sandbox (not the service)",
    )
    for axis, title, unit in (
        (left, "Google API requests per pass", "requests"),
        (right, "Wall time per pass (own process, incl. start-up)", "seconds"),
    ):
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xlabel("managers (× 8 reps)")
        axis.set_ylabel(unit)
        axis.set_title(title, fontsize=10)
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize=8)
    machine = data.get("machine", {})
    fig.suptitle(
        f"oneonone scale benchmark — {machine.get('nproc', '?')} cores, "
        f"Python {machine.get('python', '?')}, `daemon.py run --once` (one manager at a time)",
        fontsize=11,
    )
    fig.tight_layout()
    fig.savefig(out, dpi=110)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, nargs="?", default=Path("docs/performance-data.json"))
    parser.add_argument("out", type=Path, nargs="?", default=Path("docs/scale.png"))
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args(argv)
    plot(json.loads(args.data.read_text()), args.out, args.workers)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
