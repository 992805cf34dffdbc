"""Display names reach the recipient whole: "1:1 keeper" unquoted in the config, and names with
commas, colons or quotes, are quoted in every header, so a client does not read a group or
two people; ``check`` shows how the sender will read."""

from __future__ import annotations

import datetime as dt
import email
import email.policy

import pytest

from daemon import main
from scheduler.errors import ConfigError

PREP_TIME = dt.datetime(2026, 11, 23, 18, 5, tzinfo=dt.UTC)
ODD_SAM = (
    '      - {name: "Ortiz, Sam: \\"West\\"", email: sam@example.com, day: tuesday, '
    'time: "13:00", timezone: America/Los_Angeles}'
)
UNQUOTED = (
    "email: {provider: outbox, outbox_dir: ./outbox, from: '1:1 keeper <keeper@example.com>'}"
)


def test_every_header_keeps_each_display_name_whole(env, capsys):
    config = env.config(ODD_SAM, email=UNQUOTED)
    env.run(config, PREP_TIME - dt.timedelta(days=3))
    env.run(config, PREP_TIME)
    [rep_prep] = [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
        for p in sorted((env.tmp / "outbox").glob("*-prep-*.eml"))
        if b'To: "Ortiz' in p.read_bytes()
    ]
    raw = rep_prep.as_string()
    assert 'From: "1:1 keeper" <keeper@example.com>' in raw
    assert rep_prep["From"].addresses[0].display_name == "1:1 keeper"
    assert rep_prep["From"].addresses[0].addr_spec == "keeper@example.com"
    [to] = rep_prep["To"].addresses
    assert (to.display_name, to.addr_spec) == ('Ortiz, Sam: "West"', "sam@example.com")
    assert rep_prep["Reply-To"].addresses[0].display_name == "Dana Whitfield"
    assert main(["check", "-c", str(config.source)]) == 0
    out = capsys.readouterr().out
    assert (
        'email from: "1:1 keeper" <keeper@example.com> (recipients see \u201c1:1 keeper\u201d)'
        in out
    )


def test_a_sender_that_is_not_an_address_is_refused_with_its_place(env):
    bad = "email: {provider: outbox, from: '1:1 keeper <not an address>'}"
    with pytest.raises(ConfigError) as caught:
        env.config(ODD_SAM, email=bad)
    assert "email.from" in str(caught.value)
    assert "is not a sender" in str(caught.value)
