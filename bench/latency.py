"""Bump → moved in the running service: how long a bumped 1:1 waits before it is moved.

Against a work directory kept by ``bench/scale.py --keep DIR`` (its sandbox state, config and
state database): start the sandbox, start ``python daemon.py run`` (the long-running service,
at the config's ``poll_interval``, 60 s in the benchmark's config), let it settle, then land
``--bumps`` conflicting meetings over 1:1s at random moments of a ``--minutes`` window, and
watch each bumped occurrence through the sandbox's admin API until the service has moved it.
Prints one line per bump and the p50, p95 and max of bump → moved, and the service's pass
lines (their length and when they ran).

Run: ``python bench/latency.py /tmp/keep/n1000-w4 --minutes 30 --bumps 40``
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from scale import Poster, _when, _z, occurrence_now  # noqa: E402

from integrations.sandbox import SandboxAdmin  # noqa: E402

WATCH_EVERY = 2.0  # seconds between two looks at a bumped occurrence
SETTLE = 90.0  # seconds for the service's first passes (a new process parses every calendar)


def candidates(admin: SandboxAdmin, managers: list[str], now: dt.datetime) -> list[dict[str, Any]]:
    """Occurrences of the service's series 1 to 8 days ahead, on the given managers' calendars."""
    out = []
    for manager in managers:
        masters = admin.list_events(manager, privateExtendedProperty="oneonone=series")
        ours = {m["id"] for m in masters if not m.get("recurringEventId")}
        items = admin.list_events(
            manager,
            singleEvents=True,
            timeMin=_z(now + dt.timedelta(days=1)),
            timeMax=_z(now + dt.timedelta(days=8)),
        )
        for item in items:
            if item.get("recurringEventId") in ours and item.get("status") != "cancelled":
                start = _when(item["start"])
                out.append(
                    {
                        "manager": manager,
                        "series": item["recurringEventId"],
                        "original": _when(item.get("originalStartTime") or item["start"]),
                        "start": start,
                        "end": _when(item["end"]),
                        "tz": item["start"].get("timeZone", "UTC"),
                    }
                )
    return out


def moved(admin: SandboxAdmin, bump: dict[str, Any]) -> bool:
    now = occurrence_now(admin, bump)
    return now is not None and _when(now["start"]) != bump["start"]


def land(poster: Poster, bump: dict[str, Any]) -> None:
    start, end = bump["start"], bump["end"]
    poster.insert(
        bump["manager"],
        {
            "summary": "Customer escalation",
            "start": {"dateTime": start.isoformat(), "timeZone": "UTC"},
            "end": {"dateTime": end.isoformat(), "timeZone": "UTC"},
        },
    )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


def watch(admin: SandboxAdmin, bumps: list[dict[str, Any]], deadline: float) -> None:
    """Note when each landed bump was first seen moved (``moved_at``)."""
    while time.monotonic() < deadline:
        pending = [b for b in bumps if "landed_at" in b and "moved_at" not in b]
        if not pending and all("landed_at" in b for b in bumps):
            return
        for bump in pending:
            if moved(admin, bump):
                bump["moved_at"] = time.monotonic()
                wait = bump["moved_at"] - bump["landed_at"]
                print(f"moved after {wait:5.1f} s: {bump['manager']} {_z(bump['original'])}")
        time.sleep(WATCH_EVERY)


PASS_LINE = re.compile(r"pass (\d+) done in ([\d.]+) s: \d+ managers?, (\d+) calendar requests?")


def passes(log: Path, managers: int) -> dict[str, Any]:
    """The service's passes as it logged them: length (median, max, max over median, the
    first pass of a new process apart) and calendar requests per manager and pass."""
    found = [(int(n), float(s), int(r)) for n, s, r in PASS_LINE.findall(log.read_text())]
    later = [f for f in found if f[0] > 1]
    lengths = [s for _, s, _ in later]
    median = percentile(lengths, 0.5)
    return {
        "passes": len(found),
        "first_pass_s": found[0][1] if found else None,
        "pass_median_s": median,
        "pass_max_s": max(lengths, default=0.0),
        "pass_max_over_median": round(max(lengths, default=0.0) / median, 2) if median else None,
        "requests_per_manager_per_pass": round(
            sum(r for _, _, r in later) / max(1, len(later) * managers), 3
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("work", type=Path, help="a directory kept by bench/scale.py --keep")
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--bumps", type=int, default=40)
    parser.add_argument(
        "--settle", type=float, default=SETTLE, help="seconds before the first bump lands"
    )
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    rng = random.Random(11)
    config = (args.work / "config.yaml").read_text()
    port = re.search(r"127\.0\.0\.1:(\d+)", config)
    assert port is not None
    state = str(args.work / "sandbox.db")
    sandbox = subprocess.Popen(
        [sys.executable, "-m", "integrations.sandbox", "--port", port.group(1), "--state", state],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert sandbox.stdout is not None
    url = sandbox.stdout.readline().strip()
    admin, poster = SandboxAdmin(url, timeout=300), Poster(url)
    log = (args.work / "service.log").open("w")
    service = subprocess.Popen(
        [sys.executable, str(ROOT / "daemon.py"), "run", "-c", str(args.work / "config.yaml")],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=dict(os.environ),
    )
    try:
        managers = re.findall(r"^- name: .*\n  email: (\S+)", config, re.M)
        now = dt.datetime.now(dt.UTC)
        pool = candidates(admin, rng.sample(managers, min(len(managers), 3 * args.bumps)), now)
        bumps = rng.sample(pool, min(len(pool), args.bumps))
        time.sleep(args.settle)
        t0 = time.monotonic()
        at = sorted(rng.uniform(0, args.minutes * 60) for _ in bumps)
        watcher = threading.Thread(
            target=watch, args=(admin, bumps, t0 + args.minutes * 60 + 300), daemon=True
        )
        watcher.start()
        for bump, offset in zip(bumps, at, strict=True):
            time.sleep(max(0.0, t0 + offset - time.monotonic()))
            land(poster, bump)
            bump["landed_at"] = time.monotonic()
        watcher.join()
        waits = [b["moved_at"] - b["landed_at"] for b in bumps if "moved_at" in b]
        figures = {
            "bumps": len(bumps),
            "moved": len(waits),
            "p50_s": round(percentile(waits, 0.5), 1),
            "p95_s": round(percentile(waits, 0.95), 1),
            "max_s": round(max(waits, default=0.0), 1),
            "loadavg": Path("/proc/loadavg").read_text().split()[:3],
        }
        figures.update(passes(args.work / "service.log", len(managers)))
        print(json.dumps(figures))
        if args.out:
            args.out.write_text(json.dumps({**figures, "waits_s": waits}, indent=1) + "\n")
    finally:
        service.terminate()
        service.wait(60)
        sandbox.terminate()
        sandbox.wait(60)
        log.close()
    print((args.work / "service.log").read_text()[-4000:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
