"""Who belongs to which organisation, and who has a Google calendar at all.

Google's behaviour depends on both, and the service must be tested against it:

- Free/busy answers only for calendars the caller may see. Inside a Workspace organisation
  everyone sees everyone's free/busy by default; "a calendar the caller cannot see" gets a
  per-calendar ``errors: [{domain: global, reason: notFound}]`` with HTTP 200
  (developers.google.com/workspace/calendar/api/v3/reference/freebusy/query, FreeBusyCalendar).
- ``sendUpdates=externalOnly`` notifies "non-Google Calendar guests only"
  (developers.google.com/workspace/calendar/api/v3/reference/events/patch): a guest whose
  address has no Google calendar, whatever their organisation.
- A guest without a Google calendar keeps no copy of the event: what their calendar shows comes
  only from the invitation, update and cancellation emails Google sent them.

By default each address is its own domain's organisation (``dana@example.com`` and
``sam@example.com`` share one); ``domains`` joins several domains into one organisation, and
``non_google_domains`` names domains whose users have no Google calendar.
"""

from __future__ import annotations

from collections.abc import Iterable


def domain_of(email: str) -> str:
    return email.rpartition("@")[2].lower()


class Org:
    def __init__(self) -> None:
        self.domains: frozenset[str] = frozenset()
        self.non_google_domains: frozenset[str] = frozenset()

    def configure(
        self,
        domains: Iterable[str] | None = None,
        non_google_domains: Iterable[str] | None = None,
    ) -> None:
        if domains is not None:
            self.domains = frozenset(d.lower() for d in domains)
        if non_google_domains is not None:
            self.non_google_domains = frozenset(d.lower() for d in non_google_domains)

    def organisation_of(self, email: str) -> frozenset[str]:
        own = domain_of(email)
        return self.domains if own in self.domains else frozenset({own})

    def same_organisation(self, a: str, b: str) -> bool:
        return domain_of(b) in self.organisation_of(a)

    def has_google_calendar(self, email: str) -> bool:
        return domain_of(email) not in self.non_google_domains

    def settings(self) -> dict[str, list[str]]:
        return {
            "domains": sorted(self.domains),
            "non_google_domains": sorted(self.non_google_domains),
        }
