"""The naive baseline the service is measured against: what a plain script would do.

Per manager and pass: one ``events.list`` of the next two weeks with ``singleEvents=true`` (every
page), and one free/busy query for the manager's reps. At the first pass, each rep's weekly
series is inserted one request at a time. No sync token, no cache, no batch: the same
google-api-python-client, the same credentials files, the same worker threads as the service.
It decides nothing: it is a floor for the I/O of a naive design, not a rival implementation.

Run by ``bench/scale.py`` in the same invocation as the service's passes, after them (its series
carry a tag of their own and never touch the service's). By hand:
``python bench/baseline.py CONFIG SANDBOX_URL --passes 3 [--insert]``: one JSON line per pass.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

import google_auth_httplib2  # noqa: E402
import httplib2  # noqa: E402
import yaml  # noqa: E402
from google.oauth2.credentials import Credentials  # noqa: E402
from googleapiclient.discovery import build_from_document  # noqa: E402

from integrations.google.google_client import _discovery  # noqa: E402
from integrations.sandbox import SandboxAdmin  # noqa: E402

WINDOW = dt.timedelta(days=14)
TAG = "benchBaselineRep"
BYDAY = {
    "monday": "MO",
    "tuesday": "TU",
    "wednesday": "WE",
    "thursday": "TH",
    "friday": "FR",
}


class Baseline:
    def __init__(self, config: dict[str, Any], url: str, workers: int) -> None:
        self.managers = config["managers"]
        self.tz = config.get("timezone", "UTC")
        self.creds_path = config["calendar"]["google"]["authorized_user_file"]
        self.url = url if url.endswith("/") else url + "/"
        self.local = threading.local()
        self.creds: dict[str, Credentials] = {}
        self.pool = concurrent.futures.ThreadPoolExecutor(workers)

    def service(self, email: str) -> Any:
        """A built Calendar service per manager, as a plain script builds it."""
        cache = getattr(self.local, "services", None)
        if cache is None:
            cache = self.local.services = {}
        if email not in cache:
            if email not in self.creds:
                info = json.loads(Path(self.creds_path.format(email=email)).read_text())
                self.creds[email] = Credentials(
                    None,
                    refresh_token=info["refresh_token"],
                    token_uri=info["token_uri"],  # from_authorized_user_info drops it
                    client_id=info["client_id"],
                    client_secret=info["client_secret"],
                )
            doc = dict(_discovery("calendar", "v3"), rootUrl=self.url)
            http = google_auth_httplib2.AuthorizedHttp(self.creds[email], http=httplib2.Http())
            cache[email] = build_from_document(doc, http=http)
        return cache[email]

    def manager_pass(self, manager: dict[str, Any], now: dt.datetime, insert: bool) -> int:
        cal = self.service(manager["email"])
        lo, hi = now.isoformat(), (now + WINDOW).isoformat()
        items: list[dict[str, Any]] = []
        request = cal.events().list(
            calendarId="primary", timeMin=lo, timeMax=hi, singleEvents=True, maxResults=250
        )
        while request is not None:
            page = request.execute()
            items += page.get("items", [])
            request = cal.events().list_next(request, page)
        reps = [r["email"] for r in manager["reps"]]
        cal.freebusy().query(
            body={"timeMin": lo, "timeMax": hi, "items": [{"id": r} for r in reps]}
        ).execute()
        if not insert:
            return len(items)
        have = {i.get("extendedProperties", {}).get("private", {}).get(TAG) for i in items}
        for rep in manager["reps"]:
            if rep["email"] not in have:
                cal.events().insert(
                    calendarId="primary", body=self.series(manager, rep, now)
                ).execute()
        return len(items)

    def series(
        self, manager: dict[str, Any], rep: dict[str, Any], now: dt.datetime
    ) -> dict[str, Any]:
        tz = manager.get("timezone", self.tz)
        day = now.date() + dt.timedelta(days=14)
        while day.strftime("%A").lower() != rep["day"]:
            day += dt.timedelta(days=1)
        # At 06:00, before anyone's 1:1: the service neither adopts it (not the configured
        # time) nor takes it for a conflict that bumps a 1:1 in later runs on the same data.
        start = dt.datetime.combine(day, dt.time(6, 0))
        end = start + dt.timedelta(minutes=30)
        return {
            "summary": f"1:1 {manager['name']} / {rep['name']}",
            "start": {"dateTime": start.isoformat(), "timeZone": tz},
            "end": {"dateTime": end.isoformat(), "timeZone": tz},
            "recurrence": [f"RRULE:FREQ=WEEKLY;BYDAY={BYDAY[rep['day']]}"],
            "attendees": [{"email": manager["email"]}, {"email": rep["email"]}],
            "extendedProperties": {"private": {TAG: rep["email"]}},
        }

    def run_pass(self, insert: bool) -> int:
        now = dt.datetime.now(dt.UTC)
        jobs = [self.pool.submit(self.manager_pass, m, now, insert) for m in self.managers]
        return sum(j.result() for j in jobs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", type=Path)
    parser.add_argument("url")
    parser.add_argument("--passes", type=int, default=1)
    parser.add_argument("--insert", action="store_true", help="first pass inserts the series")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("ONEONONE_WORKERS", 4)))
    args = parser.parse_args(argv)
    config = yaml.safe_load(args.config.read_text())
    admin = SandboxAdmin(args.url, timeout=300)
    baseline = Baseline(config, args.url, args.workers)
    for number in range(args.passes):
        admin.reset_counts()
        c0, t0 = time.process_time(), time.perf_counter()
        items = baseline.run_pass(insert=args.insert and number == 0)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        counts = admin.counts()
        print(
            json.dumps(
                {
                    "pass": number,
                    "wall_s": round(wall, 2),
                    "cpu_s": round(cpu, 2),
                    "items": items,
                    "requests": counts["total"],
                    "by_method": counts["by_method"],
                }
            ),
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
