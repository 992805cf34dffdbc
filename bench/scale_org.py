"""A seeded synthetic sales org and its calendars, for the scale benchmark (``bench/scale.py``).

N managers × 8 reps over five time zones; every rep has a 1:1 slot on a weekday between 09:00
and 16:00 manager-local that also falls inside the rep's own working hours. Every person gets
4-7 timed meetings per weekday over the next two weeks (a daily team stand-up, a few weekly
recurring meetings, one-off meetings, some with colleagues from the team or from other teams)
plus the odd all-day event. The 1:1 slots are left free, so a cold start creates series and
moves nothing: every move the benchmark sees is a bump it landed itself.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import random
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

ZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "Europe/London",
)
REPS_PER_MANAGER = 8
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")
WORK = (9 * 60, 17 * 60 + 30)  # everyone's default working hours, own zone, in minutes
WEEKDAYS = "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
Span = tuple[dt.datetime, dt.datetime]


@dataclasses.dataclass(frozen=True)
class Person:
    name: str
    email: str
    tz: str


@dataclasses.dataclass(frozen=True)
class Rep:
    person: Person
    day: int  # 0 = monday, manager's zone
    minute: int  # start, minutes after midnight, manager's zone
    minutes: int  # length


@dataclasses.dataclass
class Team:
    manager: Person
    reps: list[Rep]

    @property
    def people(self) -> list[Person]:
        return [self.manager, *(r.person for r in self.reps)]


def at(day: dt.date, minute: int, tz: str) -> dt.datetime:
    """``minute`` after local midnight of ``day`` in ``tz``, as aware UTC."""
    local = dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=ZoneInfo(tz))
    return local.astimezone(dt.UTC)


def _fits_rep(day: dt.date, minute: int, minutes: int, manager_tz: str, rep_tz: str) -> bool:
    start = at(day, minute, manager_tz).astimezone(ZoneInfo(rep_tz))
    local = start.hour * 60 + start.minute
    return start.weekday() < 5 and local >= WORK[0] and local + minutes <= WORK[1]


def _next_weekday(today: dt.date, weekday: int) -> dt.date:
    return today + dt.timedelta(days=(weekday - today.weekday()) % 7)


def _rep(
    i: int,
    j: int,
    manager: Person,
    taken: list[tuple[int, int, int]],
    rng: random.Random,
    today: dt.date,
) -> Rep:
    region = ZONES[:4] if manager.tz != "Europe/London" else ("Europe/London",) * 3 + ZONES[:1]
    tz = rng.choice(region)
    person = Person(f"Rep {i:04d}-{j}", f"r{i:04d}-{j}@scale.example.com", tz)
    for attempt in range(400):
        day, minute = rng.randrange(5), rng.randrange(9 * 60, 16 * 60 + 1, 30)
        minutes = rng.choice((30, 45, 45, 60))
        clash = any(d == day and m < minute + minutes and minute < m + n for d, m, n in taken)
        ok = _fits_rep(_next_weekday(today, day), minute, minutes, manager.tz, tz)
        if not clash and (ok or attempt > 300):
            taken.append((day, minute, minutes))
            return Rep(person, day, minute, minutes)
    raise RuntimeError(f"no 1:1 slot left for {person.email}")


def build_org(n: int, rng: random.Random, today: dt.date) -> list[Team]:
    teams = []
    for i in range(n):
        manager = Person(f"Manager {i:04d}", f"m{i:04d}@scale.example.com", rng.choice(ZONES))
        taken: list[tuple[int, int, int]] = []
        reps = [_rep(i, j, manager, taken, rng, today) for j in range(REPS_PER_MANAGER)]
        teams.append(Team(manager, reps))
    return teams


def config_dict(
    teams: list[Team], *, endpoint: str, creds: str, state: str, outbox: str
) -> dict[str, Any]:
    managers = [
        {
            "name": t.manager.name,
            "email": t.manager.email,
            "timezone": t.manager.tz,
            "reps": [
                {
                    "name": r.person.name,
                    "email": r.person.email,
                    "timezone": r.person.tz,
                    "day": DAYS[r.day],
                    "time": f"{r.minute // 60:02d}:{r.minute % 60:02d}",
                    "duration": f"{r.minutes}m",
                }
                for r in t.reps
            ],
        }
        for t in teams
    ]
    return {
        "timezone": "America/Chicago",
        "calendar": {
            "provider": "google",
            "google": {
                "auth": "authorized_user_file",
                "authorized_user_file": creds,
                "api_endpoint": endpoint,
            },
            "poll_interval": "60s",
        },
        "email": {"provider": "outbox", "outbox_dir": outbox},
        "state": state,
        "managers": managers,
    }


def _body(
    summary: str,
    start: dt.datetime,
    end: dt.datetime,
    tz: str,
    attendees: list[str],
    rrule: str | None = None,
) -> dict[str, Any]:
    zone = ZoneInfo(tz)
    body: dict[str, Any] = {
        "summary": summary,
        "start": {"dateTime": start.astimezone(zone).isoformat(), "timeZone": tz},
        "end": {"dateTime": end.astimezone(zone).isoformat(), "timeZone": tz},
    }
    if attendees:
        body["attendees"] = [{"email": e} for e in attendees]
    if rrule:
        body["recurrence"] = [rrule]
    return body


class Calendars:
    """Places meetings person by person, keeping each one clear of everyone's busy time."""

    def __init__(
        self,
        teams: list[Team],
        rng: random.Random,
        now: dt.datetime,
        days: int,
        density: tuple[int, int],
    ) -> None:
        self.teams, self.rng, self.now, self.days, self.density = teams, rng, now, days, density
        self.people = {p.email: p for t in teams for p in t.people}
        self.team_of = {p.email: t for t in teams for p in t.people}
        self.blocked: dict[tuple[str, dt.date], list[Span]] = collections.defaultdict(list)
        self.reserved: set[tuple[str, dt.date]] = set()
        self.count: collections.Counter[tuple[str, dt.date]] = collections.Counter()
        self.target: dict[tuple[str, dt.date], int] = {}
        self.inserts: list[tuple[str, dict[str, Any]]] = []
        self.one_on_ones: list[tuple[str, str, Span]] = []

    def dates(self, tz: str) -> Iterator[dt.date]:
        today = self.now.astimezone(ZoneInfo(tz)).date()
        for k in range(self.days):
            day = today + dt.timedelta(days=k)
            if day.weekday() < 5:
                yield day

    def free(self, emails: list[str], span: Span) -> bool:
        for email in emails:
            for key in {(email, span[0].date()), (email, span[1].date())}:
                if any(s < span[1] and span[0] < e for s, e in self.blocked[key]):
                    return False
        return True

    def block(self, emails: list[str], span: Span, *, counted: bool = True) -> None:
        for email in emails:
            for key in {(email, span[0].date()), (email, span[1].date())}:
                self.blocked[key].append(span)
            if counted:
                local = span[0].astimezone(ZoneInfo(self.people[email].tz)).date()
                self.count[(email, local)] += 1

    def build(self) -> list[tuple[str, dict[str, Any]]]:
        for team in self.teams:
            self._one_on_ones(team)
            self._standup(team)
        for person in self.people.values():
            self._weekly(person)
            self._all_day(person)
        order = list(self.people.values())
        self.rng.shuffle(order)
        for person in order:
            for day in self.dates(person.tz):
                self._fill(person, day)
        return self.inserts

    def _one_on_ones(self, team: Team) -> None:
        tz = team.manager.tz
        for rep in team.reps:
            for day in self.dates(tz):
                if day.weekday() != rep.day:
                    continue
                span = (s := at(day, rep.minute, tz), s + dt.timedelta(minutes=rep.minutes))
                emails = [team.manager.email, rep.person.email]
                self.block(emails, span, counted=False)
                self.reserved.update((e, span[0].date()) for e in emails)
                self.one_on_ones.append((team.manager.email, rep.person.email, span))

    def _standup(self, team: Team) -> None:
        tz, manager = team.manager.tz, team.manager.email
        minutes = list(range(9 * 60, 16 * 60 + 45, 15))
        self.rng.shuffle(minutes)
        days = list(self.dates(tz))
        emails = [p.email for p in team.people]
        for minute in minutes:
            spans = [(at(d, minute, tz), at(d, minute + 15, tz)) for d in days]
            if all(self.free([manager], s) for s in spans):
                for span in spans:
                    self.block(emails, span)
                body = _body("Team stand-up", *spans[0], tz, emails[1:], WEEKDAYS)
                self.inserts.append((manager, body))
                return

    def _weekly(self, person: Person) -> None:
        team = self.team_of[person.email]
        for _ in range(self.rng.randint(1, 3)):
            weekday = self.rng.randrange(5)
            minute = self.rng.randrange(9 * 60, 17 * 60, 15)
            length = self.rng.choice((30, 30, 60))
            mates = [p.email for p in team.people if p.email != person.email]
            # with colleagues, always two of them: a recurring event with exactly the manager and
            # one rep would be adopted as their 1:1 (calendar.adopt_existing)
            guests = self.rng.sample(mates, 2) if self.rng.random() < 0.4 else []
            emails = [person.email, *guests]
            days = [d for d in self.dates(person.tz) if d.weekday() == weekday]
            spans = [(at(d, minute, person.tz), at(d, minute + length, person.tz)) for d in days]
            if spans and all(self.free(emails, s) for s in spans):
                for span in spans:
                    self.block(emails, span)
                rrule = "RRULE:FREQ=WEEKLY"
                body = _body("Weekly sync", *spans[0], person.tz, emails[1:], rrule)
                self.inserts.append((person.email, body))

    def _all_day(self, person: Person) -> None:
        days = list(self.dates(person.tz))
        if self.rng.random() < 0.3:  # a reminder-style all-day event: shown, not busy
            day = self.rng.choice(days)
            self.inserts.append((person.email, _all_day_body("Quarter close", day, True)))
        free_days = [d for d in days if (person.email, d) not in self.reserved]
        if free_days and self.rng.random() < 0.1:  # an offsite: busy all day, never on a 1:1 day
            day = self.rng.choice(free_days)
            self.inserts.append((person.email, _all_day_body("Customer offsite", day, False)))

    def _fill(self, person: Person, day: dt.date) -> None:
        key = (person.email, day)
        target = self.target.setdefault(key, self.rng.randint(*self.density))
        failures = 0
        while self.count[key] < target and failures < 30:
            emails = [person.email, *self._guests(person, day)]
            minute = self.rng.randrange(WORK[0], WORK[1] - 30, 15)
            length = min(self.rng.choice((30, 30, 45, 60)), WORK[1] - minute)
            span = (at(day, minute, person.tz), at(day, minute + length, person.tz))
            if not self.free(emails, span):
                failures += 1
                continue
            self.block(emails, span)
            summary = "Pipeline review" if len(emails) > 1 else "Customer call"
            self.inserts.append((person.email, _body(summary, *span, person.tz, emails[1:])))

    def _guests(self, person: Person, day: dt.date) -> list[str]:
        if self.rng.random() >= 0.3:
            return []
        team = self.team_of[person.email]
        pool = [p.email for p in team.people if p.email != person.email]
        guests = {self.rng.choice(pool) for _ in range(self.rng.randint(1, 2))}
        if self.rng.random() < 0.3:  # someone from another team
            guests.add(self.rng.choice(list(self.people)))
        guests.discard(person.email)
        return [g for g in guests if self.count[(g, day)] < self.target.get((g, day), 7)]


def _all_day_body(summary: str, day: dt.date, transparent: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "summary": summary,
        "start": {"date": day.isoformat()},
        "end": {"date": (day + dt.timedelta(days=1)).isoformat()},
    }
    if transparent:
        body["transparency"] = "transparent"
    return body
