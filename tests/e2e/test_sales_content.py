"""What a sales leader keeps, end to end on the sandbox: the rep's topics first, deals that need
a decision, one coaching focus carried to the next 1:1, goals kept for the career talks."""

from __future__ import annotations

import datetime as dt

from scheduler.agenda import TOPICS_MARKER
from tests.e2e.test_recap import (
    CREATED,
    END,
    PREP,
    SAM,
    mails,
    occurrence,
    text_of,
    write_notes,
)

WEEK = dt.timedelta(weeks=1)


def to(msg):
    return msg["To"].addresses[0].addr_spec


def preps(env, after=0):
    return {to(m): text_of(m) for m in mails(env, "prep")[after:]}


def test_the_reps_note_on_the_invitation_is_on_top_of_the_managers_prep_and_in_the_recap(
    env, admin
):
    config = env.config(SAM)
    env.run(config, CREATED)
    inst = occurrence(admin)
    # Sam answers this occurrence in Google Calendar with a note: the one field a guest writes.
    admin.respond("sam@example.com", inst["id"], "accepted", "Globex pricing\nMy Q1 territory")
    env.run(config, PREP)
    got = preps(env)
    manager = got["dana@example.com"]
    assert "SAM'S TOPICS\r\n- Globex pricing\r\n- My Q1 territory\r\n" in manager
    assert manager.index("SAM'S TOPICS") < manager.index("AGENDA")
    assert "- Globex pricing\r\n- My Q1 territory\r\n" in got["sam@example.com"]
    # The manager adds a topic she got by reply, in the Topics place of the event.
    inst = occurrence(admin)
    text = inst["description"].replace(TOPICS_MARKER, f"{TOPICS_MARKER}\n- Holiday cover", 1)
    admin.patch_event("dana@example.com", inst["id"], {"description": text})
    write_notes(admin, "Coaching: ask for the budget owner on every first call.", "")
    env.run(config, END + dt.timedelta(minutes=31))
    [recap] = mails(env, "recap")
    body = text_of(recap)
    assert "YOUR TOPICS\r\n- Globex pricing\r\n- My Q1 territory\r\n- Holiday cover\r\n" in body
    assert "ONE THING TO WORK ON\r\nask for the budget owner on every first call.\r\n" in body


def test_without_topics_the_managers_prep_says_to_ask_first(env, admin):
    config = env.config(SAM)
    env.run(config, CREATED)
    env.run(config, PREP)
    manager = preps(env)["dana@example.com"]
    assert "SAM'S TOPICS\r\nNone yet: ask first what is on Sam's mind" in manager


def test_a_coaching_line_opens_the_next_prep_for_both_and_goals_come_back_in_career_talks(
    env, admin
):
    config = env.config(SAM)
    env.run(config, CREATED)
    env.run(config, PREP)
    write_notes(
        admin,
        "Coaching: ask for the budget owner on every first call.\n"
        "Goal: lead a small team within two years\nStep: shadow Maria on two renewals",
        "- [ ] Sam: send the Acme proposal (by Fri)\n- [ ] Dana: intro to legal",
    )
    env.run(config, END + dt.timedelta(minutes=31))
    [recap] = mails(env, "recap")
    body = text_of(recap)
    assert "You commit to:\r\n- [ ] send the Acme proposal (by Fri 27 Nov)\r\n" in body
    assert "Dana will:\r\n- [ ] intro to legal\r\n" in body
    assert body.rstrip().endswith("the reply goes to Dana Whitfield.")
    assert (
        "NEXT 1:1\r\nTue 1 Dec, 10:00 PST (America/Los_Angeles) [13:00 EST (America/New_York)]: "
        "coaching session\r\n"
    ) in body
    before = len(mails(env, "prep"))
    env.run(config, PREP + WEEK)
    later = preps(env, before)
    for who in ("dana@example.com", "sam@example.com"):
        assert "FOCUS SINCE TUE 24 NOV\r\nAsk for the budget owner on every first call." in (
            later[who].replace("ask for", "Ask for")
        ), who
    assert "How did it go?" in later["sam@example.com"]
    # Weeks later, the career conversation shows the goal and the step agreed.
    env.run(config, END + WEEK + dt.timedelta(hours=30))  # partial recap of 1 Dec
    env.run(config, PREP + 2 * WEEK)
    before = len(mails(env, "prep"))
    env.run(config, END + 2 * WEEK + dt.timedelta(hours=47))
    env.run(config, PREP + 3 * WEEK)
    career = preps(env, before)["dana@example.com"]
    assert career.startswith("Career development with Sam Ortiz")
    assert "SAM'S GOALS\r\n- lead a small team within two years\r\n" in career
    assert "Step agreed on Tue 24 Nov: shadow Maria on two renewals" in career


def test_deals_to_discuss_reach_the_manager_and_a_bad_row_never_stops_the_prep(env, admin):
    (env.tmp / "deals.csv").write_text(
        "rep,deal,stage,amount,close_date,last_activity,next_step\n"
        'sam@example.com,Acme renewal,Negotiation,"$120,000",2026-11-15,2026-11-02,Redlines\n'
        'sam@example.com,Globex pilot,Discovery,"$18,000",2026-12-20,2026-11-22,\n'
        "sam@example.com,Initech,Proposal,lots,2027-01-31,2026-11-20,Demo\n"
    )
    config = env.config(SAM)
    text = (env.tmp / "config.yaml").read_text()
    text = text.replace(
        "    timezone: America/New_York\n    reps:",
        "    timezone: America/New_York\n    deals: ./deals.csv\n    reps:",
    )
    from scheduler.config import parse_config

    config = parse_config(text, filename="config.yaml", base_dir=env.tmp)
    env.run(config, CREATED)
    env.run(config, PREP)
    got = preps(env)
    manager = got["dana@example.com"]
    assert (
        "DEALS TO DISCUSS\r\n- Acme renewal ($120,000, Negotiation): close date 15 Nov has "
        "passed; no activity for 21 days; the largest open deal\r\n"
    ) in manager
    assert "- Globex pilot ($18,000, Discovery): no next step\r\n" in manager
    assert "For the deal in depth: Acme renewal" in manager
    assert "! " + str(env.tmp / "deals.csv") + ":row 4: amount 'lots' is not a number" in manager
    assert "Acme" not in got["sam@example.com"]
