"""``oneonone status``: per rep, the next 1:1 in both zones, the last one held, the 8-week record,
the streak, the recap of the last one and the open action items, from the state database only."""

from __future__ import annotations

import io
from contextlib import redirect_stdout

import daemon
from integrations.state.status_read import read_status, rep_row
from integrations.views.status import status_text
from tests.view.conftest import PRIYA, SAM


def rows_of(history) -> dict[str, dict[str, str]]:
    [dana] = read_status(history.config, now=history.now)
    return {rs.pair.rep.name: rep_row(rs) for rs in dana.reps}


def test_each_rep_shows_the_next_1_1_in_the_managers_and_the_reps_zone(history) -> None:
    rows = rows_of(history)
    assert rows["Sam Ortiz"]["next_manager"] == "Tue 08 Dec 13:00 EST"
    assert rows["Sam Ortiz"]["next_rep"] == "Tue 08 Dec 10:00 PST"
    assert rows["Priya Raman"]["next_rep"] == "Wed 09 Dec 16:00 GMT"


def test_the_last_held_1_1_is_where_it_actually_took_place(history) -> None:
    rows = rows_of(history)
    assert rows["Sam Ortiz"]["last_held"] == "Tue 01 Dec 12:00 EST"  # moved the same day
    assert rows["Priya Raman"]["last_held"] == "Wed 02 Dec 11:00 EST"


def test_the_record_counts_held_moved_and_missed_and_the_streak_stops_at_a_miss(history) -> None:
    sam, priya = rows_of(history)["Sam Ortiz"], rows_of(history)["Priya Raman"]
    assert (sam["held"], sam["moved"], sam["missed"], sam["streak"]) == ("2", "1", "0", "2")
    assert (priya["held"], priya["moved"], priya["missed"], priya["streak"]) == ("1", "0", "1", "1")


def test_the_recap_is_sent_in_time_or_late_when_the_deadline_passed_without_one(history) -> None:
    rows = rows_of(history)
    assert rows["Sam Ortiz"]["recap"] == "sent"
    assert rows["Priya Raman"]["recap"] == "late"


def test_a_recap_not_yet_due_is_pending(history) -> None:
    earlier = history.now.replace(hour=12)  # Friday 07:00 New York: Priya's deadline is 11:45
    [dana] = read_status(history.config, now=earlier)
    assert rep_row(dana.reps[1])["recap"] == "pending"


def test_open_action_items_are_counted_with_the_oldest_named(history) -> None:
    rows = rows_of(history)
    assert rows["Sam Ortiz"]["open_items"] == "2"
    assert rows["Sam Ortiz"]["oldest_item"] == "Send Acme the revised quote (since 24 Nov)"
    assert rows["Priya Raman"]["open_items"] == "0"


def test_the_text_table_has_a_header_and_one_line_per_rep(history) -> None:
    text = status_text(read_status(history.config, now=history.now))
    lines = text.splitlines()
    assert lines[0].startswith("Dana Whitfield <dana@example.com>")
    assert lines[1].split()[:3] == ["REP", "NEXT", "1:1"]
    sam = next(line for line in lines if line.strip().startswith("Sam Ortiz"))
    assert "Tue 08 Dec 13:00 EST" in sam
    assert sam.split()[-4:] == ["0", "2", "sent", "2"]
    assert "    oldest open item: Send Acme the revised quote (since 24 Nov)" in lines


def test_status_reads_the_state_database_without_any_api_call(history, admin) -> None:
    admin.reset_counts()
    read_status(history.config, now=history.now)
    assert admin.counts()["total"] == 0


def test_the_command_prints_the_table_for_one_manager(history) -> None:
    out = io.StringIO()
    with redirect_stdout(out):
        code = daemon.main(
            ["status", "-c", str(history.config.source), "--manager", "DANA@example.com"]
        )
    assert code == 0
    assert "Sam Ortiz" in out.getvalue()
    assert "Priya Raman" in out.getvalue()


def test_the_command_names_an_unknown_manager(history, capsys) -> None:
    code = daemon.main(["status", "-c", str(history.config.source), "--manager", "zoe@example.com"])
    assert code == 2
    err = capsys.readouterr().err
    assert "no manager in" in err
    assert "matches 'zoe@example.com' (managers: Dana Whitfield <dana@example.com>)" in err


def test_the_command_says_so_when_there_is_no_state_yet(env, capsys) -> None:
    config = env.config(SAM, PRIYA)
    assert daemon.main(["status", "-c", str(config.source)]) == 0
    assert "no state yet" in capsys.readouterr().out


def test_the_page_gives_each_manager_her_own_zone(env) -> None:
    import datetime as dt

    from integrations.views.status import status_html

    config = env.config(
        SAM,
        extra=(
            "# a second manager, in Berlin\n"
            "  - name: Lena Vogel\n    email: lena@example.com\n    timezone: Europe/Berlin\n"
            "    reps:\n      - {name: Jonas Weber, email: jonas@example.com, day: tuesday, "
            'time: "10:00", timezone: Europe/Berlin}\n'
        ),
    )
    now = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC)
    env.run(config, now)
    html = status_html(read_status(config, now=now), now=now)
    dana, lena = html.split('<section aria-label="')[1:]
    assert "As of Mon 23 Nov 2026 10:00 EST" in dana
    assert "Tue 24 Nov 13:00 EST" in dana
    assert "As of Mon 23 Nov 2026 16:00 CET" in lena
    assert "Tue 24 Nov 10:00 CET" in lena
    assert 'href="/status/lena@example.com"' in lena
    assert "UTC" not in html
