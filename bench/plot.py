"""Draws the scale benchmark's figure (``docs/scale.png``) from its JSON.

Left: Google requests per pass against the number of managers, with the idle pass's lower bound
(one ``events.list`` per watched calendar). Right: wall time of each pass. Both log-log, for the
runs with the default worker count. With ``--before OLD.json`` it also draws an earlier set of
runs, faded and dashed, to compare before and after a change. Needs the ``bench`` extra
(matplotlib).
Run: ``python bench/plot.py docs/performance-data-batch.json docs/scale.png --before
docs/performance-data-after.json``
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


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def _series(left: Any, right: Any, runs: list[dict[str, Any]], *, suffix: str, faded: bool) -> None:
    n = [r["managers"] for r in runs]
    style = {"alpha": 0.45, "linestyle": "--", "marker": "x"} if faded else {"marker": "o"}
    for k, (key, label) in enumerate(PASSES):
        left.plot(n, [r[key]["requests"] for r in runs], f"C{k}", label=label + suffix, **style)
        right.plot(n, [r[key]["wall_s"] for r in runs], f"C{k}", label=label + suffix, **style)
    left.plot(
        n,
        [r["cold"]["by_method"].get("batch", 0) for r in runs],
        "C4",
        marker="s",
        markersize=4,
        label="cold start, batch round trips for the series" + suffix,
        **({"alpha": 0.45, "linestyle": "--"} if faded else {}),
    )
    steady = [r for r in runs if r.get("service", {}).get("passes")]
    if steady:  # a pass of the long-running service (median of passes 2-6), no start-up
        right.plot(
            [r["managers"] for r in steady],
            [_median([p["wall_s"] for p in r["service"]["passes"][1:6]]) for r in steady],
            "C3",
            label="steady pass of the running service" + suffix,
            **style,
        )
    if not faded:
        left.plot(
            n,
            [r["cold"]["round_trips"] for r in runs],
            "C0:",
            marker=".",
            label="cold start, HTTP round trips" + suffix,
        )


def _loads(data: dict[str, Any]) -> str:
    """The 1-minute load averages the runs saw (other work on a shared machine)."""
    seen = [
        r[k]["loadavg_1m"]
        for r in data["runs"]
        for k in ("cold", "idle2", "busy")
        if "loadavg_1m" in r.get(k, {})
    ]
    return f"{min(seen):.1f}–{max(seen):.1f}" if seen else "?"


def plot(
    data: dict[str, Any],
    out: Path,
    workers: int = 4,
    before: dict[str, Any] | None = None,
) -> None:
    runs = _runs(data, workers)
    n = [r["managers"] for r in runs]
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 7.2 if before else 6.2))
    if before is not None:
        _series(left, right, _runs(before, workers), suffix=" (before)", faded=True)
    commit = data.get("machine", {}).get("commit", "?")
    _series(left, right, runs, suffix=f" (at {commit})" if before else "", faded=False)
    left.plot(n, n, "k:", label="lower bound: 1 events.list per manager")
    left.plot(n, [m * 8 / 50 for m in n], "C4:", label="goal: N × 8 / 50 series batches")
    right.plot(
        n,
        [r["seed"]["seed_s"] for r in runs],
        "C7--",
        marker=".",
        label="seeding the sandbox (not the service)",
    )
    for axis, title, unit in (
        (left, "Google API requests per pass", "requests"),
        (right, "Wall time per pass (run --once: own process, incl. start-up)", "seconds"),
    ):
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xlabel("managers (× 8 reps)")
        axis.set_ylabel(unit)
        axis.set_title(title, fontsize=10)
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2)
    machine = data.get("machine", {})
    fig.suptitle(
        f"oneonone scale benchmark — {machine.get('nproc', '?')} cores, "
        f"Python {machine.get('python', '?')}, `daemon.py run --once`, "
        f"ONEONONE_WORKERS={workers}; load average {_loads(data)}",
        fontsize=11,
    )
    fig.tight_layout()
    fig.savefig(out, dpi=110)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, nargs="?", default=Path("docs/performance-data.json"))
    parser.add_argument("out", type=Path, nargs="?", default=Path("docs/scale.png"))
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--before", type=Path, default=None, help="earlier runs, drawn faded")
    args = parser.parse_args(argv)
    before = json.loads(args.before.read_text()) if args.before else None
    plot(json.loads(args.data.read_text()), args.out, args.workers, before)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
