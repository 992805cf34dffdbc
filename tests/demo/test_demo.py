"""``oneonone demo`` as a user runs it: a subprocess that plays a week and leaves its folder."""

from __future__ import annotations

import email
import email.policy
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def oneonone(*args: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TMPDIR": str(tmp), "PYTHONPATH": str(ROOT)}
    env.pop("ONEONONE_CONFIG", None)
    return subprocess.run(
        [sys.executable, str(ROOT / "daemon.py"), *args],
        cwd=tmp,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def demo(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess[str], float, Path]:
    tmp = tmp_path_factory.mktemp("demo")
    began = time.monotonic()
    result = oneonone("demo", tmp=tmp)
    return result, time.monotonic() - began, tmp


def folder_of(output: str) -> Path:
    found = re.search(r"^Working folder: (\S+)", output, re.MULTILINE)
    assert found, output
    return Path(found.group(1))


@pytest.mark.slow
def test_the_demo_plays_its_week_in_well_under_a_minute_and_exits_zero(demo) -> None:
    result, seconds, _ = demo
    assert result.returncode == 0, result.stdout + result.stderr
    assert seconds < 60
    assert result.stdout.rstrip().endswith("Done.")


@pytest.mark.slow
def test_the_demo_names_the_same_day_move_and_its_reason(demo) -> None:
    out = demo[0].stdout
    assert "moved from Tue 24 Nov 13:00 New York" in out
    assert "to Tue 24 Nov 12:00 New York" in out
    assert "'Board prep' overlaps it on Dana Whitfield's calendar" in out
    assert "is now Tue 24 Nov, 09:00 PST" in " ".join(out.split())  # Sam's notice, his zone
    assert "Board prep" not in out[out.index("Sam gets one short") :].split("3.")[0]


@pytest.mark.slow
def test_the_demo_says_whether_a_recap_went_out_without_faking_one(demo) -> None:
    out = demo[0].stdout
    folder = folder_of(out)
    recaps = list((folder / "outbox").glob("*-recap-*.eml"))
    if recaps:
        assert "The recap went out" in out
    else:
        assert "recaps: not yet wired" in out


@pytest.mark.slow
def test_the_demo_folder_is_kept_with_an_outbox_of_emails_that_parse(demo) -> None:
    result, _, tmp = demo
    folder = folder_of(result.stdout)
    assert folder.parent == tmp  # made by mkdtemp in the temporary directory
    assert folder.name.startswith("oneonone-demo-")
    outbox = folder / "outbox"
    assert str(outbox) in result.stdout
    messages = [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
        for p in sorted(outbox.glob("*.eml"))
    ]
    assert len(messages) >= 3  # the apology and the two prep emails at least
    kinds = {p.name.split("-")[1] for p in outbox.glob("*.eml")}
    assert {"move", "prep"} <= kinds
    for msg in messages:
        assert msg["To"].addresses
        assert msg["Subject"]
        assert msg.get_body(("plain",)).get_content().strip()


@pytest.mark.slow
def test_the_log_command_it_points_to_shows_the_move_with_its_details(demo) -> None:
    result, _, tmp = demo
    config = folder_of(result.stdout) / "config.yaml"
    assert f"oneonone log -c {config} --explain" in result.stdout
    log = oneonone("log", "-c", str(config), "--explain", tmp=tmp)
    assert log.returncode == 0, log.stderr
    assert "move-occurrence" in log.stdout
    assert "create-series" in log.stdout
    assert "what: move the Tue 24 Nov 2026 13:00 EST 1:1 to Tue 24 Nov 2026 12:00-12:45 EST" in (
        log.stdout
    )
    table = log.stdout.split("candidates (the manager's time), best first:\n", 1)[1].splitlines()
    assert table[:2] == ["       1  Tue 12:00-12:45  ← chosen", "       2  Tue 14:00-14:45"]
    for internal in ("{'", "detail:", "Z  ", "RRULE", " UTC "):
        assert internal not in log.stdout
