"""The outbox folder: private, atomic .eml files that any mail reader opens."""

from __future__ import annotations

import datetime as dt
import email.policy
import stat
from email.parser import BytesParser
from pathlib import Path

from integrations.clock import FixedClock
from integrations.mail.mime import short_hash
from integrations.mail.outbox import OutboxMailer
from tests.mail.conftest import make_email


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_sent_message_is_a_private_eml_file_named_by_date_kind_and_key(
    tmp_path: Path, clock: FixedClock
) -> None:
    folder = tmp_path / "var" / "outbox"
    mailer = OutboxMailer(folder, date_fn=clock.now)
    msg = make_email()
    name = mailer.send(msg)
    assert name == f"20260308T143000-prep-{short_hash(msg.key)}.eml"
    assert mode(folder) == 0o700
    assert mode(folder / name) == 0o600
    parsed = BytesParser(policy=email.policy.default).parsebytes((folder / name).read_bytes())
    assert parsed["Subject"] == msg.subject
    assert [a.addr_spec for a in parsed["To"].addresses] == ["sam@example.com"]
    assert parsed.get_body(preferencelist=("plain",)) is not None


def test_outbox_tightens_an_existing_folder_and_leaves_no_temp_files(
    tmp_path: Path, clock: FixedClock
) -> None:
    folder = tmp_path / "outbox"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    OutboxMailer(folder, date_fn=clock.now).send(make_email())
    assert mode(folder) == 0o700
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == []


def test_resending_the_same_key_shows_up_as_a_second_file_with_the_same_hash(
    tmp_path: Path, clock: FixedClock
) -> None:
    mailer = OutboxMailer(tmp_path, date_fn=clock.now)
    msg = make_email()
    first = mailer.send(msg)
    same_second = mailer.send(msg)
    clock.advance(dt.timedelta(minutes=5))
    later = mailer.send(msg)
    names = sorted(p.name for p in tmp_path.glob(f"*-{short_hash(msg.key)}*.eml"))
    assert names == sorted([first, same_second, later])
    assert len(set(names)) == 3
