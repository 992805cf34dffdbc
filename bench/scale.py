"""Scale benchmark: how many Google requests, how much time and memory a pass costs for N
managers × 8 reps, with the sandbox and the service each in a process of their own.

For each N: generate the org (``bench/scale_org.py``), start ``python -m integrations.sandbox``,
seed realistic calendars through its admin API, then run ``python daemon.py run --once`` for a
cold start, two idle passes and a busy pass (5 % of next week's occurrences bumped by a
conflicting meeting or a rep's decline), and check that every bumped occurrence moved.
Request counts come from the sandbox's meter (``/_sandbox/counts``), reset before each pass.

Run: ``python bench/scale.py --managers 10 100 1000 --out docs/performance-data.json``
Smoke: ``python bench/scale.py --managers 3 --quick`` (under a minute).
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import datetime as dt
import http.client
import json
import os
import platform
import pstats
import random
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import yaml  # noqa: E402
from scale_org import Calendars, Team, build_org, config_dict  # noqa: E402

from integrations.sandbox import SandboxAdmin  # noqa: E402

# One pass as the long-running service makes it. ``run --once`` calls Runner.run_pass directly and
# so always runs one manager at a time, whatever ONEONONE_WORKERS says.
SERVICE_PASS = """
import sys, daemon
from integrations.shell.wiring import wire
with wire(daemon.load_config(sys.argv[1])) as wired:
    report = wired.run_pass(now=daemon._now())
for o in report.outcomes:
    print(f"{o.result:8} {o.action.verb:16} {o.action.pair_key}")
for owner, error in report.manager_errors.items():
    print(f"error    {owner}: {error}")
sys.exit(1 if report.failed else 0)
"""
SERVICE_LOOP = """
import json, sys, time, daemon
from integrations.sandbox import SandboxAdmin
from integrations.shell.wiring import wire
admin = SandboxAdmin(sys.argv[3])
with wire(daemon.load_config(sys.argv[1])) as wired:
    for number in range(int(sys.argv[2])):
        admin.reset_counts()
        t0, c0 = time.perf_counter(), time.process_time()
        report = wired.run_pass(now=daemon._now())
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        status = open("/proc/self/status").read().split("\\n")
        rss = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
        counts = admin.counts()
        print(json.dumps({
            "pass": number, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
            "rss_mb": round(rss / 1024, 1),
            "loadavg_1m": float(open("/proc/loadavg").read().split()[0]),
            "failed": report.failed, "requests": counts["total"], "by_method": counts["by_method"],
        }), flush=True)
"""
SEED = 7
BUMP_SHARE = 0.05
DECLINE_SHARE = 0.3  # of the bumps; the rest are conflicting meetings on the manager's calendar
SEED_THREADS = 8
WAITS = ("recv_into", "acquire", "poll", "select", "sleep", "connect", "wait", "read")


class Poster:
    """Keep-alive POSTs to the admin API (urllib opens a connection per call: too slow here)."""

    def __init__(self, url: str) -> None:
        parts = urllib.parse.urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.local = threading.local()

    def insert(self, email: str, body: dict[str, Any]) -> dict[str, Any]:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        path = f"/_sandbox/users/{urllib.parse.quote(email, safe='@')}/events"
        conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
        response = conn.getresponse()
        data = response.read()
        if response.status != 200:
            raise RuntimeError(f"seeding {email}: {response.status} {data[:300]!r}")
        return dict(json.loads(data))


def _parallel(fn: Any, items: list[Any], threads: int = SEED_THREADS) -> list[Any]:
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        return list(pool.map(fn, items))


def _z(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _when(node: dict[str, Any]) -> dt.datetime:
    return dt.datetime.fromisoformat(node["dateTime"].replace("Z", "+00:00")).astimezone(dt.UTC)


def occurrence_now(admin: SandboxAdmin, occ: dict[str, Any]) -> dict[str, Any] | None:
    """The bumped occurrence (``manager``, ``series``, ``original``) as the manager's calendar
    holds it now, deleted ones included; None when it is not there."""
    original = occ["original"]
    found = admin.instances(
        occ["manager"],
        occ["series"],
        _z(original - dt.timedelta(days=1)),
        _z(original + dt.timedelta(days=10)),
        show_deleted=True,
    )
    same = [i for i in found if _when(i["originalStartTime"]) == original]
    return same[0] if same else None


def _proc_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _proc_hwm_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Bench:
    """One benchmark run: an org of ``n`` managers against a fresh sandbox process."""

    def __init__(
        self,
        n: int,
        workers: int,
        work: Path,
        *,
        quick: bool,
        profile: bool,
        latency: float = 0,
        service_passes: int = 0,
        baseline: bool = False,
    ) -> None:
        self.baseline = baseline
        self.latency = latency
        self.service_passes = service_passes
        self.n, self.workers, self.work, self.quick, self.profile = n, workers, work, quick, profile
        self.rng = random.Random(SEED + n)
        self.result: dict[str, Any] = {"managers": n, "reps": n * 8, "workers": workers}
        self.bumped: set[tuple[str, dt.datetime]] = set()

    # -- set-up ---------------------------------------------------------------------------
    def start_sandbox(self) -> None:
        cmd = [
            sys.executable,
            "-m",
            "integrations.sandbox",
            "--port",
            "0",
            "--state",
            str(self.work / "sandbox.db"),
        ]
        self.sandbox = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert self.sandbox.stdout is not None
        self.url = self.sandbox.stdout.readline().strip()
        self.admin = SandboxAdmin(self.url, timeout=300)
        self.poster = Poster(self.url)

    def stop_sandbox(self) -> None:
        pid = self.sandbox.pid
        self.result["sandbox"] = {"cpu_s": _proc_cpu(pid), "peak_rss_mb": _proc_hwm_mb(pid)}
        self.sandbox.terminate()
        self.sandbox.wait(30)
        if self.sandbox.stdout is not None:
            self.sandbox.stdout.close()

    def setup(self) -> None:
        now = dt.datetime.now(dt.UTC)
        self.teams: list[Team] = build_org(self.n, self.rng, now.date())
        creds = self.work / "creds"
        creds.mkdir(parents=True, exist_ok=True)

        def credentials(email: str) -> None:
            grant = self.admin.issue_token(email)
            info = {"type": "authorized_user", **grant}
            (creds / f"{email}.json").write_text(json.dumps(info))

        _parallel(credentials, [t.manager.email for t in self.teams])
        config = config_dict(
            self.teams,
            endpoint=self.url,
            creds=str(creds / "{email}.json"),
            state=str(self.work / "state.db"),
            outbox=str(self.work / "outbox"),
        )
        self.config = self.work / "config.yaml"
        self.config.write_text(yaml.safe_dump(config, sort_keys=False))
        t0 = time.perf_counter()
        days, density = (7, (2, 3)) if self.quick else (14, (4, 7))
        calendars = Calendars(self.teams, self.rng, now, days, density)
        inserts = calendars.build()
        generated = time.perf_counter() - t0
        t0 = time.perf_counter()
        _parallel(lambda item: self.poster.insert(*item), inserts)
        people = len(calendars.people)
        per_day = sum(calendars.count.values()) / max(1, len(calendars.count))
        self.result["seed"] = {
            "inserts": len(inserts),
            "people": people,
            "timed_meetings_per_person_weekday": round(per_day, 2),
            "generate_s": round(generated, 2),
            "seed_s": round(time.perf_counter() - t0, 2),
        }
        print(
            f"N={self.n}: seeded {len(inserts)} events for {people} people "
            f"in {self.result['seed']['seed_s']} s",
            flush=True,
        )

    # -- passes ---------------------------------------------------------------------------
    def run_pass(
        self,
        label: str,
        *,
        workers: int | None = None,
        profile: bool = False,
        service: bool = False,
    ) -> dict[str, Any]:
        workers = workers or self.workers
        self.admin.reset_counts()
        prof = self.work / f"{label}.prof"
        # Peak RSS from /usr/bin/time: a child's own ru_maxrss is not to be trusted here, since
        # Linux records the (vforking) parent's high-water mark into it at exec.
        rss = self.work / f"{label}.rss"
        cmd = [
            "/usr/bin/time",
            "-f",
            "%M",
            "-o",
            str(rss),
            sys.executable,
            *(["-m", "cProfile", "-o", str(prof)] if profile else []),
            *(
                ["-c", SERVICE_PASS]
                if service
                else [str(ROOT / "daemon.py"), "run", "--once", "-c"]
            ),
            str(self.config),
        ]
        env = dict(os.environ, ONEONONE_WORKERS=str(workers))
        sandbox_cpu = _proc_cpu(self.sandbox.pid)
        log = self.work / f"{label}.log"
        t0 = time.perf_counter()
        with log.open("w") as out:
            child = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env)
            _, status, usage = os.wait4(child.pid, 0)
            child.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - t0
        counts = self.admin.counts()
        outcomes = outcome_counts(log.read_text())
        by = counts["by_method"]
        batches = by.get("batch", 0)
        parts = counts.get("batch_parts", by.get("calendar.events.insert", 0) if batches else 0)
        result = {
            "label": label,
            "workers": workers,
            "loadavg_1m": float(Path("/proc/loadavg").read_text().split()[0]),
            "exit": child.returncode,
            "wall_s": round(wall, 2),
            "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
            "peak_rss_mb": round(int(rss.read_text().split()[-1]) / 1024, 1),
            "sandbox_cpu_s": round(_proc_cpu(self.sandbox.pid) - sandbox_cpu, 2),
            "requests": counts["total"] - batches,
            "round_trips": counts["total"] - parts,
            "by_method": by,
            "by_status": counts["by_status"],
            "outcomes": dict(outcomes),
        }
        tokens = by.get("oauth2.token", 0)
        result["per_manager"] = round(result["requests"] / self.n, 3)
        result["per_manager_without_token"] = round((result["requests"] - tokens) / self.n, 3)
        if profile:
            result["profile"] = summarize_profile(prof)
        print(
            f"N={self.n} w={workers} {label}: {result['requests']} requests "
            f"({result['round_trips']} round trips) in {result['wall_s']} s, "
            f"exit {child.returncode}",
            flush=True,
        )
        return result

    # -- bumps ----------------------------------------------------------------------------
    def occurrences(self, now: dt.datetime) -> list[dict[str, Any]]:
        lo, hi = now + dt.timedelta(days=1), now + dt.timedelta(days=8)

        def of_manager(team: Team) -> list[dict[str, Any]]:
            manager = team.manager.email
            masters = self.admin.list_events(manager)
            ours = {
                m["id"]: m["extendedProperties"]["private"]["oneononeRep"]
                for m in masters
                if m.get("extendedProperties", {}).get("private", {}).get("oneononeRep")
                and m.get("status") != "cancelled"
            }
            items = self.admin.list_events(
                manager, singleEvents=True, timeMin=_z(lo), timeMax=_z(hi)
            )
            return [
                {
                    "manager": manager,
                    "rep": ours[i["recurringEventId"]],
                    "tz": team.manager.tz,
                    "series": i["recurringEventId"],
                    "id": i["id"],
                    "start": _when(i["start"]),
                    "end": _when(i["end"]),
                    "original": _when(i.get("originalStartTime") or i["start"]),
                }
                for i in items
                if i.get("recurringEventId") in ours and i.get("status") != "cancelled"
            ]

        return [o for found in _parallel(of_manager, self.teams) for o in found]

    def land_bumps(self) -> list[dict[str, Any]]:
        occs = [
            o
            for o in self.occurrences(dt.datetime.now(dt.UTC))
            if (o["series"], o["original"]) not in self.bumped
        ]
        chosen = self.rng.sample(occs, min(len(occs), max(1, round(BUMP_SHARE * len(occs)))))
        for k, occ in enumerate(chosen):
            occ["kind"] = "decline" if k < DECLINE_SHARE * len(chosen) else "conflict"
            if occ["kind"] == "conflict":
                start = occ["start"] + dt.timedelta(minutes=self.rng.choice((-15, 0, 0, 15)))
                end = start + dt.timedelta(minutes=self.rng.choice((30, 60, 60)))
                occ["conflict"] = (start, end)
            self.bumped.add((occ["series"], occ["original"]))

        def land(occ: dict[str, Any]) -> None:
            if occ["kind"] == "decline":
                self.admin.respond(occ["rep"], occ["id"], "declined")
            else:
                tz = ZoneInfo(occ["tz"])
                start, end = occ["conflict"]
                self.poster.insert(
                    occ["manager"],
                    {
                        "summary": "Customer escalation",
                        "start": {
                            "dateTime": start.astimezone(tz).isoformat(),
                            "timeZone": occ["tz"],
                        },
                        "end": {"dateTime": end.astimezone(tz).isoformat(), "timeZone": occ["tz"]},
                    },
                )

        _parallel(land, chosen)
        return chosen

    def verify(self, bumps: list[dict[str, Any]]) -> dict[str, Any]:
        def check(occ: dict[str, Any]) -> str:
            original = occ["original"]
            now = occurrence_now(self.admin, occ)
            if now is None or now.get("status") == "cancelled":
                return "gone"
            start, end = _when(now["start"]), _when(now["end"])
            if start == occ["start"]:
                return "not-moved"
            if "conflict" in occ and start < occ["conflict"][1] and occ["conflict"][0] < end:
                return "moved-into-conflict"
            zone = ZoneInfo(occ["tz"])
            same_day = start.astimezone(zone).date() == original.astimezone(zone).date()
            return "moved-same-day" if same_day else "moved-other-day"

        found = _parallel(check, bumps)
        verdicts = collections.Counter(found)
        kinds = collections.Counter(b["kind"] for b in bumps)
        odd = [
            {
                "verdict": v,
                "kind": b["kind"],
                "manager": b["manager"],
                "rep": b["rep"],
                "series": b["series"],
                "start": _z(b["start"]),
                "why": self.why(b),
            }
            for v, b in zip(found, bumps, strict=True)
            if v != "moved-same-day"
        ]
        return {"bumps": len(bumps), "kinds": dict(kinds), "verdicts": dict(verdicts), "odd": odd}

    def why(self, bump: dict[str, Any]) -> str:
        db = sqlite3.connect(self.work / "state.db")
        try:
            row = db.execute(
                "SELECT action, reason FROM audit WHERE pair_key = ? AND action != 'write-agenda' "
                "ORDER BY id DESC LIMIT 1",
                (f"{bump['manager']}/{bump['rep']}",),
            ).fetchone()
        finally:
            db.close()
        return f"{row[0]}: {row[1]}" if row else "nothing in the audit"

    def busy_pass(
        self, label: str, *, workers: int | None = None, profile: bool = False
    ) -> dict[str, Any]:
        t0 = time.perf_counter()
        bumps = self.land_bumps()
        landed = time.perf_counter()
        result = self.run_pass(label, workers=workers, profile=profile)
        result["land_s"] = round(landed - t0, 2)
        result["bump_to_moved_s"] = round(time.perf_counter() - landed, 2)
        result.update(self.verify(bumps))
        result["per_bump"] = per_bump(result, self.n)
        return result

    def run(self) -> dict[str, Any]:
        self.start_sandbox()
        try:
            self.setup()
            self.result["cold"] = self.run_pass("cold")
            self.result["idle"] = self.run_pass("idle")
            self.result["idle2"] = self.run_pass("idle2")
            self.result["busy"] = self.busy_pass("busy")
            if self.profile:
                self.run_pass("settle", workers=1)
                self.result["profile_idle"] = self.run_pass("profile-idle", workers=1, profile=True)
                self.result["profile_busy"] = self.busy_pass(
                    "profile-busy", workers=1, profile=True
                )
            if self.latency:
                self.result["latency"] = self.latency_passes()
            if self.service_passes:
                self.result["service"] = self.service_loop(self.service_passes)
            if self.baseline:
                self.result["baseline"] = self.run_baseline()
                self.result["ratios"] = ratios(self.result)
        finally:
            self.stop_sandbox()
        return self.result

    def service_loop(self, passes: int) -> dict[str, Any]:
        """``passes`` idle passes back to back in one process, as the long-running service makes
        them (``Wired.run_pass``): requests, wall time and resident memory after each."""
        cmd = [sys.executable, "-c", SERVICE_LOOP, str(self.config), str(passes), self.url]
        env = dict(os.environ, ONEONONE_WORKERS=str(self.workers))
        done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
        each = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
        for row in each:
            print(
                f"N={self.n} w={self.workers} service pass {row['pass']}: "
                f"{row['requests']} requests in {row['wall_s']} s, cpu {row['cpu_s']} s, "
                f"rss {row['rss_mb']} MB",
                flush=True,
            )
        return {"passes": each}

    def baseline_process(self, label: str, passes: int, *, insert: bool) -> dict[str, Any]:
        """``bench/baseline.py`` in a process of its own: the process's wall and CPU time and
        peak memory, and each pass's figures as it prints them."""
        rss = self.work / f"{label}.rss"
        cmd = ["/usr/bin/time", "-f", "%M", "-o", str(rss), sys.executable]
        cmd += [str(ROOT / "bench" / "baseline.py"), str(self.config), self.url]
        cmd += ["--passes", str(passes), "--workers", str(self.workers)]
        cmd += ["--insert"] if insert else []
        load = float(Path("/proc/loadavg").read_text().split()[0])
        log = self.work / f"{label}.log"
        t0 = time.perf_counter()
        with log.open("w") as out:
            child = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
            _, status, usage = os.wait4(child.pid, 0)
            child.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - t0
        lines = log.read_text().splitlines()
        each = [json.loads(line) for line in lines if line.startswith("{")]
        result = {
            "label": label,
            "loadavg_1m": load,
            "exit": child.returncode,
            "wall_s": round(wall, 2),
            "peak_rss_mb": round(int(rss.read_text().split()[-1]) / 1024, 1),
            "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
            "passes": each,
        }
        print(
            f"N={self.n} baseline {label}: "
            + ", ".join(
                f"{p['requests']} requests {p['wall_s']} s cpu {p['cpu_s']} s" for p in each
            ),
            flush=True,
        )
        return result

    def run_baseline(self) -> dict[str, Any]:
        """The naive baseline against the same sandbox: a cold start (its own series inserted
        one by one), an idle pass, each in a process of its own like ``run --once``, then idle
        passes back to back in one process like the long-running service."""
        return {
            "cold": self.baseline_process("baseline-cold", 1, insert=True),
            "idle": self.baseline_process("baseline-idle", 1, insert=False),
            "loop": self.baseline_process(
                "baseline-loop", max(2, self.service_passes), insert=False
            ),
        }

    def latency_passes(self) -> dict[str, Any]:
        """Idle passes the way the long-running service makes them (``Wired.run_pass``, which
        honours ONEONONE_WORKERS), with 1, 4 and 8 workers: as is, and with every Google request
        held ``latency`` seconds, as over a WAN."""
        out: dict[str, Any] = {"latency_s": self.latency}
        out["idle_by_workers"] = {
            w: self.run_pass(f"service-w{w}", workers=w, service=True) for w in (1, 4, 8)
        }
        self.admin.add_fault(method="*", status=0, latency=self.latency)
        try:
            out["latency_idle_by_workers"] = {
                w: self.run_pass(f"latency-w{w}", workers=w, service=True) for w in (1, 4, 8)
            }
        finally:
            self.admin.clear_faults()
        return out


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2] if ordered else 0.0


def ratios(result: dict[str, Any]) -> dict[str, Any]:
    """Service over baseline, for requests, wall and CPU time: cold start and idle as
    processes of their own (``run --once``), and the steady pass of a long-running process."""
    base = result["baseline"]
    out: dict[str, Any] = {}
    for name, ours, theirs in (
        ("cold", result["cold"], base["cold"]),
        ("idle", result["idle2"], base["idle"]),
    ):
        requests = theirs["passes"][0]["requests"]
        out[name] = {
            "requests": round(ours["requests"] / max(1, requests), 2),
            "wall": round(ours["wall_s"] / max(0.01, theirs["wall_s"]), 2),
            "cpu": round(ours["cpu_s"] / max(0.01, theirs.get("cpu_s", 0.0)), 2),
        }
    service = result.get("service", {}).get("passes", [])[1:]
    steady = base["loop"]["passes"][1:]
    if service and steady:
        out["steady"] = {
            key: round(
                _median([p[key] for p in service]) / max(0.001, _median([p[key] for p in steady])),
                2,
            )
            for key in ("requests", "wall_s", "cpu_s")
        }
    return out


def outcome_counts(output: str) -> collections.Counter[str]:
    """Each action's count per result (``move-occurrence:done``), from ``run --once``'s summary.

    Only the summary block counts every action (``  done     move-occurrence 414, notice 31``):
    the lines above it list failures in full but the rest only when they are few. A manager
    in error has an ``error`` line of its own."""
    outcomes: collections.Counter[str] = collections.Counter()
    in_summary = False
    for line in output.splitlines():
        words = line.split(maxsplit=1)
        if words and words[0] == "error":
            outcomes["manager-error"] += 1
        in_summary = line.startswith("summary:") or (in_summary and line.startswith("  "))
        if in_summary and line.startswith("  ") and len(words) == 2:
            for part in words[1].split(", "):
                verb, _, count = part.rpartition(" ")
                outcomes[f"{verb}:{words[0]}"] += int(count)
    return outcomes


def per_bump(result: dict[str, Any], managers: int) -> dict[str, Any]:
    """Requests the bumps cost: the pass minus its per-manager floor (one events.list each, one
    token refresh each) and minus agenda writes that fell due."""
    by = result["by_method"]
    outcomes = result["outcomes"]
    agendas = sum(v for k, v in outcomes.items() if k.startswith("write-agenda:"))
    agenda_done = outcomes.get("write-agenda:done", 0)
    freebusy = by.get("calendar.freebusy.query", 0)
    instances = by.get("calendar.events.instances", 0) - agendas
    patches = by.get("calendar.events.patch", 0) - agenda_done
    moves = outcomes.get("move-occurrence:done", 0)
    total = freebusy + instances + patches
    return {
        "freebusy": freebusy,
        "instances": instances,
        "patch": patches,
        "moves_done": moves,
        "requests_per_bump": round(total / max(1, result["bumps"]), 2),
        "requests_per_move": round(total / max(1, moves), 2),
        "list_pages_per_manager": round(by.get("calendar.events.list", 0) / managers, 2),
    }


def summarize_profile(path: Path, top: int = 15) -> dict[str, Any]:
    stats = pstats.Stats(str(path))
    entries = []
    for (file, line, func), (_cc, calls, tottime, cumtime, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        entries.append((file, line, func, calls, tottime, cumtime))
    total = max((e[5] for e in entries), default=0.0)
    waits = sum(e[4] for e in entries if e[0] == "~" and any(w in e[2] for w in WAITS))
    ours = [e for e in entries if str(ROOT) in e[0] and "/bench/" not in e[0]]

    def row(e: tuple[Any, ...]) -> dict[str, Any]:
        name = e[0].replace(str(ROOT) + "/", "") if e[0] != "~" else "builtin"
        return {
            "fn": f"{name}:{e[1]}:{e[2]}",
            "calls": e[3],
            "tottime": round(e[4], 3),
            "cumtime": round(e[5], 3),
        }

    busy = [e for e in entries if not (e[0] == "~" and any(w in e[2] for w in WAITS))]
    return {
        "total_s": round(total, 2),
        "waits_s": round(waits, 2),
        "ours_by_cumtime": [row(e) for e in sorted(ours, key=lambda e: -e[5])[:top]],
        "all_by_tottime": [row(e) for e in sorted(busy, key=lambda e: -e[4])[:top]],
    }


def machine() -> dict[str, Any]:
    mem = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
    t0 = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import daemon, integrations.shell.wiring, integrations.reconcile.runner, "
            "googleapiclient.discovery",
        ],
        cwd=ROOT,
        check=True,
    )
    return {
        "nproc": os.cpu_count(),
        "mem_gb": round(int(mem) / 1024 / 1024, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "import_s": round(time.perf_counter() - t0, 2),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
    }


def table(runs: list[dict[str, Any]]) -> str:
    head = (
        "N",
        "w",
        "seed ev",
        "seed s",
        "cold req",
        "cold rt",
        "cold s",
        "cold cpu",
        "rss MB",
        "idle req/mgr",
        "(no token)",
        "idle s",
        "bumps",
        "moved",
        "req/bump",
        "busy s",
    )
    lines = [" | ".join(head), " | ".join("---" for _ in head)]
    for r in runs:
        cold, idle, busy = r["cold"], r["idle2"], r["busy"]
        moved = sum(v for k, v in busy["verdicts"].items() if k.startswith("moved-")) - busy[
            "verdicts"
        ].get("moved-into-conflict", 0)
        cells = (
            r["managers"],
            r["workers"],
            r["seed"]["inserts"],
            r["seed"]["seed_s"],
            cold["requests"],
            cold["round_trips"],
            cold["wall_s"],
            cold["cpu_s"],
            max(cold["peak_rss_mb"], idle["peak_rss_mb"], busy["peak_rss_mb"]),
            idle["per_manager"],
            idle["per_manager_without_token"],
            idle["wall_s"],
            busy["bumps"],
            moved,
            busy["per_bump"]["requests_per_bump"],
            busy["wall_s"],
        )
        lines.append(" | ".join(str(c) for c in cells))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--managers", type=int, nargs="+", default=[10, 100])
    parser.add_argument("--workers", type=int, nargs="+", default=[4])
    parser.add_argument(
        "--profile",
        type=int,
        nargs="*",
        default=[],
        help="profile an idle and a busy pass (1 worker) at these N",
    )
    parser.add_argument("--latency", type=float, default=0.1, help="seconds per request")
    parser.add_argument(
        "--latency-at",
        type=int,
        nargs="*",
        default=[],
        help="at these N, also time idle passes with 1, 4 and 8 workers and --latency per request",
    )
    parser.add_argument(
        "--service-passes",
        type=int,
        default=0,
        help="then this many idle passes in one long-running process (memory, requests per pass)",
    )
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip the naive baseline (bench/baseline.py)"
    )
    parser.add_argument("--out", type=Path, default=None, help="JSON file (merged by N, workers)")
    parser.add_argument("--quick", action="store_true", help="sparse calendars: a smoke run")
    parser.add_argument("--keep", type=Path, default=None, help="work here and keep the files")
    args = parser.parse_args(argv)
    data: dict[str, Any] = {"runs": []}
    if args.out and args.out.exists():
        data = json.loads(args.out.read_text())
    data["machine"] = machine()
    fresh = []
    with tempfile.TemporaryDirectory(prefix="oneonone-scale-") as tmp:
        base = args.keep or Path(tmp)
        for n in args.managers:
            for workers in args.workers:
                work = base / f"n{n}-w{workers}"
                work.mkdir(parents=True, exist_ok=True)
                bench = Bench(
                    n,
                    workers,
                    work,
                    quick=args.quick,
                    profile=n in args.profile,
                    latency=args.latency if n in args.latency_at else 0,
                    service_passes=args.service_passes,
                    baseline=not args.no_baseline,
                )
                fresh.append(bench.run())
    print(table(fresh))
    for r in fresh:
        if "ratios" in r:
            print(f"N={r['managers']} service/baseline: {json.dumps(r['ratios'])}")
    keys = {(r["managers"], r["workers"]) for r in fresh}
    data["runs"] = sorted(
        [r for r in data["runs"] if (r["managers"], r["workers"]) not in keys] + fresh,
        key=lambda r: (r["managers"], r["workers"]),
    )
    if args.out:
        args.out.write_text(json.dumps(data, indent=1, default=str) + "\n")
    failed = [r for r in fresh for p in ("cold", "idle", "busy") if r[p]["exit"] != 0]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
