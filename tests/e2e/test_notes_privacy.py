"""Two reps called Sam, one notes folder: each occurrence has its own notes file, and one Sam's
notes never reach the other Sam's recap."""

from __future__ import annotations

import datetime as dt
import email
import email.policy

from integrations.state.notes_files import notes_path
from scheduler.agenda import ACTIONS_MARKER, NOTES_MARKER

CREATED = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)
PREP = dt.datetime(2026, 11, 24, 0, 5, tzinfo=dt.UTC)  # Monday evening: both preps are due
SAM_ONE = (
    '      - {name: Sam Ortiz, email: sam@example.com, day: tuesday, time: "13:00", '
    "timezone: America/New_York}"
)
SAM_TWO = (
    '      - {name: Sam Olsen, email: sam@other.example, day: tuesday, time: "15:00", '
    "timezone: America/New_York}"
)
SECRET = "Sam Ortiz asked about the reorg and a raise"


def recaps_to(env, address: str):
    out = []
    for path in sorted((env.tmp / "outbox").glob("*-recap-*.eml")):
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if msg["To"].addresses[0].addr_spec == address:
            out.append(msg)
    return out


def test_one_sams_notes_file_never_reaches_the_other_sams_recap(env):
    config = env.config(SAM_ONE, SAM_TWO, extra="notes_dir: ./notes\n")
    env.run(config, CREATED)
    env.run(config, PREP)
    one, two = config.pairs
    tuesday_one = dt.datetime(2026, 11, 24, 18, 0, tzinfo=dt.UTC)
    tuesday_two = dt.datetime(2026, 11, 24, 20, 0, tzinfo=dt.UTC)
    first, second = (
        notes_path(env.tmp / "notes", one, tuesday_one),
        notes_path(env.tmp / "notes", two, tuesday_two),
    )
    assert first.exists()
    assert second.exists()
    assert first.parent != second.parent
    text = first.read_text()
    first.write_text(
        text.replace(f"{NOTES_MARKER}\n", f"{NOTES_MARKER}\n{SECRET}.\n").replace(
            f"{ACTIONS_MARKER}\n", f"{ACTIONS_MARKER}\n- [ ] Sam: send the deck (by Fri)\n"
        )
    )
    end = dt.datetime(2026, 11, 24, 20, 45, tzinfo=dt.UTC)
    env.run(config, end + dt.timedelta(minutes=31))
    env.run(config, end + dt.timedelta(hours=46, minutes=1))  # the other Sam's recap, without notes
    [recap_one] = recaps_to(env, "sam@example.com")
    [recap_two] = recaps_to(env, "sam@other.example")
    assert SECRET in recap_one.get_body(("plain",)).get_content()
    for part in ("plain", "html"):
        assert "reorg" not in recap_two.get_body((part,)).get_content()
        assert "send the deck" not in recap_two.get_body((part,)).get_content()
