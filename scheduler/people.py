"""Who an action or an audit row concerns, by name and zone, for the command line's words.

Actions and audit rows carry a pair key (``manager@x/rep@y``) or an address; a person reads
names, and times in the zone of the one concerned. A key the config no longer knows (a removed
manager) falls back to the addresses and UTC, named as such.
"""

from __future__ import annotations

from dataclasses import dataclass

from scheduler.actions import Action, describe
from scheduler.model import Config
from scheduler.words import UTC


@dataclass(frozen=True)
class Concerned:
    """The people an action or row concerns: a label and the zones to show times in."""

    label: str
    zone: str  # the manager's (or UTC for an operator, or for a key no longer configured)
    rep_zone: str | None = None


class People:
    """Names and zones by pair key or address, from one config."""

    def __init__(self, config: Config | None, *, utc: bool = False) -> None:
        self.utc = utc
        self._pairs = {p.key: p for p in config.pairs} if config else {}
        self._managers = {m.person.email: m.person for m in config.managers} if config else {}
        self._zones = {p.rep.email: p.rep.timezone for p in self._pairs.values()} | {
            email: person.timezone for email, person in self._managers.items()
        }

    @classmethod
    def empty(cls) -> People:
        """No config at hand: addresses and UTC."""
        return cls(None, utc=True)

    def of(self, key: str) -> Concerned:
        pair = self._pairs.get(key)
        if pair is not None:
            label = f"{pair.manager.name} → {pair.rep.name}"
            if self.utc:
                return Concerned(label, UTC)
            return Concerned(label, pair.manager.timezone, pair.rep.timezone)
        owner, _, rep = key.partition("/")
        manager = self._managers.get(owner.lower())
        if manager is None:
            return Concerned(key.replace("/", " → "), UTC)
        label = f"{manager.name} → {rep}" if rep else manager.name
        return Concerned(label, UTC if self.utc else manager.timezone)

    def zone_of(self, address: str) -> str:
        """The zone of the person at ``address`` (a manager or a rep); UTC for anyone else."""
        return UTC if self.utc else self._zones.get(address.strip().lower(), UTC)

    def say(self, action: Action) -> str:
        """``describe`` in the zones of the people concerned."""
        who = self.of(action.pair_key)
        return describe(action, who.zone, who.rep_zone)
