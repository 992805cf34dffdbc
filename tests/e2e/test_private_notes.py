"""A manager's private notes: the marked section of an occurrence's notes file reaches her next
prep and nothing else: not the recap (to the rep, her in copy), not the rep's prep, not the
agenda in the event the rep can read."""

from __future__ import annotations

import datetime as dt
import email
import email.policy

from integrations.sandbox import SandboxAdmin
from integrations.state.notes_files import notes_path
from scheduler.agenda import ACTIONS_MARKER, NOTES_MARKER
from scheduler.private_notes import PRIVATE_MARKER
from scheduler.series import series_id

CREATED = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)
PREP = dt.datetime(2026, 11, 24, 0, 5, tzinfo=dt.UTC)
TUESDAY = dt.datetime(2026, 11, 24, 18, 0, tzinfo=dt.UTC)  # 13:00 in New York
END = TUESDAY + dt.timedelta(minutes=45)
NEXT_PREP = dt.datetime(2026, 11, 30, 18, 5, tzinfo=dt.UTC)  # the day before 1 Dec
SAM = (
    '      - {name: Sam Ortiz, email: sam@example.com, day: tuesday, time: "13:00", '
    "timezone: America/New_York}"
)
PUBLIC = "Acme is close; pricing is the blocker"
PRIVATE = "Sam seemed tired; ask about workload before the quarter closes"


def messages(env, kind: str, to: str) -> list[email.message.EmailMessage]:
    out = []
    for path in sorted((env.tmp / "outbox").glob(f"*-{kind}-*.eml")):
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if msg["To"].addresses[0].addr_spec == to:
            out.append(msg)
    return out


def both_parts(msg: email.message.EmailMessage) -> str:
    return "\n".join(msg.get_body((part,)).get_content() for part in ("plain", "html"))


def test_the_private_section_reaches_only_the_managers_next_prep(env, admin: SandboxAdmin):
    config = env.config(SAM, extra="notes_dir: ./notes\n")
    env.run(config, CREATED)
    env.run(config, PREP)
    path = notes_path(env.tmp / "notes", config.pairs[0], TUESDAY)
    text = path.read_text()
    assert PRIVATE_MARKER in text  # the file offers the place
    # written in the middle of her notes, where the recap reads: the marker alone keeps it out
    path.write_text(
        text.replace(
            f"{NOTES_MARKER}\n", f"{NOTES_MARKER}\n{PUBLIC}.\n--- private ---\n{PRIVATE}.\n"
        ).replace(f"{ACTIONS_MARKER}\n", f"{ACTIONS_MARKER}\n- [ ] Sam: send the deck (by Fri)\n")
    )
    env.run(config, END + dt.timedelta(minutes=31))
    [recap] = messages(env, "recap", "sam@example.com")
    assert recap["Cc"].addresses[0].addr_spec == "dana@example.com"
    assert PUBLIC in both_parts(recap)
    assert "send the deck" in both_parts(recap)
    assert "tired" not in both_parts(recap)

    env.run(config, NEXT_PREP)
    [manager_prep] = [
        m for m in messages(env, "prep", "dana@example.com") if "1 Dec" in m["Subject"]
    ]
    [rep_prep] = [m for m in messages(env, "prep", "sam@example.com") if "1 Dec" in m["Subject"]]
    assert PRIVATE in manager_prep.get_body(("plain",)).get_content()
    assert PRIVATE in manager_prep.get_body(("html",)).get_content()
    assert "Private (your notes for yourself; the rep never sees them):" in both_parts(manager_prep)
    assert "tired" not in both_parts(rep_prep)
    sid = series_id("dana@example.com", "sam@example.com", 0)
    for owner in ("dana@example.com", "sam@example.com"):  # the event both of them can read
        [december] = admin.instances(owner, sid, "2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z")
        assert "--- Notes" in december.get("description", "")
        assert "tired" not in december.get("description", "")
    google = admin.notifications("sam@example.com")
    assert not any("tired" in str(n) for n in google)
