"""More broken configs, as a tired ops engineer or an attacker writes them: wrong encodings,
hostile YAML, typos in every value language, policies that contradict themselves, paths that
cannot work. Each comes with exactly what ``oneonone check`` must answer (``{dir}`` is the
config's folder).
"""

from __future__ import annotations

import textwrap

import pytest

HEAD = """\
timezone: America/Chicago
managers:
  - name: Dana Whitfield
    email: dana@example.com
    timezone: America/New_York
    reps:
"""
SAM = '      - {name: Sam Ortiz, email: sam@example.com, day: tuesday, time: "10:00"}\n'
TEAM = HEAD.split("\n", 1)[1] + SAM  # "managers:" and Dana with Sam, 6 lines
SAVE = "save it as UTF-8 (in an editor: Save as, Encoding UTF-8; or convert it with iconv)"
BOMB = "aliases here expand to more than 10,000 values beyond what the file writes out; "
BOMB += "write the values out instead of nesting aliases"
DEEP = "nested more than 50 levels deep; a config needs about 7"
NO_TZ = "timezone: America/Chicago\n"


def defaults(body: str, *, team: bool = False) -> str:
    """``defaults:`` holding ``body`` (line 3 on), then an empty team or Dana with Sam."""
    return (
        NO_TZ + "defaults:\n" + textwrap.indent(body, "  ") + (TEAM if team else "managers: []\n")
    )


def sam_with(fields: str) -> str:
    """Dana's team where Sam's line (line 7) carries ``fields`` too."""
    return HEAD + SAM.replace('"10:00"}', f'"10:00", {fields}}}')


def bomb(levels: int) -> str:
    lines = [NO_TZ.strip(), "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels + 1)]
    return "\n".join([*lines, "managers: []"]) + "\n"


def recap_short(needed: str, deadline: str, remind: str) -> str:
    return (
        f"the recap deadline ({deadline}) leaves no time for the reminder after {remind}: "
        f"without notes the recap goes out 2h before the deadline; make the deadline at least "
        f"{needed}"
    )


MORE_CASES = [
    # --- the file's bytes --------------------------------------------------------------------
    pytest.param(
        (NO_TZ + "managers:\n  - name: Ren\xe9 Fran\xe7ois\n").encode("latin-1"),
        [
            (
                3,
                "",
                "byte 0xE9 at offset 49 (column 14) is not UTF-8; the file looks like Latin-1 "
                f"or Windows-1252; {SAVE}",
            )
        ],
        id="latin-1-name",
    ),
    pytest.param(
        (NO_TZ + "managers: []\n").encode("utf-16"),
        [
            (
                1,
                "",
                f"the file is UTF-16 (it starts with a UTF-16 byte-order mark), not UTF-8; {SAVE}",
            )
        ],
        id="utf-16-with-byte-order-mark",
    ),
    pytest.param(
        (NO_TZ + "managers: []\n").encode("utf-32"),
        [
            (
                1,
                "",
                f"the file is UTF-32 (it starts with a UTF-32 byte-order mark), not UTF-8; {SAVE}",
            )
        ],
        id="utf-32-with-byte-order-mark",
    ),
    pytest.param(
        (NO_TZ + "managers:\n  - name: Ren\xe9\n").encode("utf-16-le"),
        [
            (
                3,
                "",
                "byte 0xE9 at offset 98 (column 28) is not UTF-8; the file looks like UTF-16 "
                f"without a byte-order mark, or binary; {SAVE}",
            )
        ],
        id="utf-16-without-byte-order-mark",
    ),
    pytest.param(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
        [
            (
                1,
                "",
                "byte 0x89 at offset 0 (column 1) is not UTF-8; the file looks like UTF-16 "
                f"without a byte-order mark, or binary; {SAVE}",
            )
        ],
        id="a-png-image",
    ),
    pytest.param(
        b"\x7fELF\x02\x01\x01\x01\x01\x01\x01\x01\x02\x00>\x00\x01\x01\x01\xff\x01",
        [
            (
                1,
                "",
                "byte 0xFF at offset 19 (column 20) is not UTF-8; the file looks binary, not "
                f"like text; {SAVE}",
            )
        ],
        id="an-executable",
    ),
    pytest.param(
        NO_TZ + "state: ./state\x00.db\nmanagers: []\n",
        [
            (
                2,
                "",
                "the character U+0000 is not allowed in YAML (only printable text is); "
                "is this a text file?",
            )
        ],
        id="nul-byte-in-text",
    ),
    pytest.param(
        NO_TZ + "ops_email: ops@example.com\x1b[31m\nmanagers: []\n",
        [
            (
                2,
                "",
                "the character U+001B is not allowed in YAML (only printable text is); "
                "is this a text file?",
            )
        ],
        id="terminal-escape-pasted-in",
    ),
    # --- hostile YAML ------------------------------------------------------------------------
    pytest.param(bomb(9), [(6, "a4", BOMB)], id="billion-laughs"),
    pytest.param(
        NO_TZ
        + "m0: &m0 {name: lol, email: lol}\n"
        + "".join(f"m{i}: &m{i} {{<<: [{', '.join([f'*m{i - 1}'] * 9)}]}}\n" for i in range(1, 9))
        + "managers: []\n",
        [(6, "m4", BOMB)],
        id="merge-key-bomb",
    ),
    pytest.param(
        NO_TZ + "holidays: " + "[" * 5000 + "]" * 5000 + "\nmanagers: []\n",
        [(2, "", DEEP)],
        id="deep-flow-nesting",
    ),
    pytest.param(
        NO_TZ + "defaults:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(300)),
        [(51, "", DEEP)],
        id="deep-block-nesting",
    ),
    pytest.param(
        NO_TZ + "holidays: &h [2026-12-25, *h]\nmanagers: []\n",
        [(2, "holidays[1]", "an alias refers to itself; write the value out")],
        id="alias-to-itself",
    ),
    pytest.param(
        defaults("<<: 5\nduration: 30m\n"),
        [(3, "defaults.<<", "a merge key (<<) takes a mapping or a list of mappings")],
        id="merge-key-of-a-number",
    ),
    pytest.param(
        NO_TZ + "state: !!python/name:os.system\nmanagers: []\n",
        [(2, "state", "the tag !!python/name:os.system is not allowed; write plain values")],
        id="python-name-tag",
    ),
    pytest.param(
        NO_TZ + "managers: !include team.yaml\n",
        [(2, "managers", "the tag !include is not allowed; write plain values")],
        id="include-tag",
    ),
    pytest.param(
        NO_TZ + "managers: []\n---\n" + NO_TZ + "managers: []\n",
        [
            (
                3,
                "",
                "YAML syntax error: expected a single document in the stream, but found "
                "another document",
            )
        ],
        id="two-documents",
    ),
    pytest.param(
        NO_TZ + "defaults:\n\tduration: 45m\nmanagers: []\n",
        [
            (
                3,
                "",
                "YAML syntax error: found character '\\t' that cannot start any token "
                "(while scanning for the next token)",
            )
        ],
        id="tab-indentation",
    ),
    pytest.param(
        NO_TZ + 'ops_email: "ops@example.com\nmanagers: []\n',
        [
            (
                4,
                "",
                "YAML syntax error: found unexpected end of stream (while scanning a "
                "quoted scalar)",
            )
        ],
        id="unclosed-quote",
    ),
    pytest.param(
        "timezone:America/Chicago\n",
        [(1, "", "expected a mapping (key: value), got 'timezone:America/Chicago'")],
        id="no-space-after-the-colon",
    ),
    pytest.param(
        NO_TZ + "? [a, b]\n: 1\nmanagers: []\n",
        [(2, "", "a key must be plain text")],
        id="a-list-as-a-key",
    ),
    pytest.param(
        "~\n", [(1, "", "expected a mapping (key: value), got nothing (null)")], id="null"
    ),
    pytest.param(
        "just some words\n",
        [(1, "", "expected a mapping (key: value), got 'just some words'")],
        id="plain-text",
    ),
]

MORE_CASES += [
    # --- durations ---------------------------------------------------------------------------
    pytest.param(
        defaults("duration: 1h70m\n"),
        [(3, "defaults.duration", "'1h70m' has 70m, a whole hour or more; write 2h10m")],
        id="minutes-past-sixty",
    ),
    pytest.param(
        defaults("duration: 1h1h\n"),
        [(3, "defaults.duration", "'1h1h' names hours twice; write 2h")],
        id="unit-twice",
    ),
    pytest.param(
        defaults("duration: 30m1h\n"),
        [(3, "defaults.duration", "'30m1h' puts hours after minutes; write 1h30m")],
        id="units-in-the-wrong-order",
    ),
    pytest.param(
        defaults("rebook: {look_ahead: 1d30h}\n"),
        [(3, "defaults.rebook.look_ahead", "'1d30h' has 30h, a whole day or more; write 2d6h")],
        id="hours-past-a-day",
    ),
    pytest.param(
        defaults("rebook: {look_ahead: 99999999999999999999d}\n"),
        [(3, "defaults.rebook.look_ahead", "'99999999999999999999d' is too long (at most 3650d)")],
        id="huge-number-of-days",
    ),
    pytest.param(
        defaults("agenda: {send_before: 3651d}\n"),
        [(3, "defaults.agenda.send_before", "'3651d' is too long (at most 3650d)")],
        id="more-than-ten-years",
    ),
    pytest.param(
        defaults("duration: -5m\n"),
        [(3, "defaults.duration", "'-5m' is not a duration (e.g. 45m, 1h30m, 90s, 2d)")],
        id="negative-duration",
    ),
    pytest.param(
        defaults("duration: 1.5h\n"),
        [(3, "defaults.duration", "'1.5h' is not a duration (e.g. 45m, 1h30m, 90s, 2d)")],
        id="fractional-duration",
    ),
    pytest.param(
        defaults("duration: .inf\n"),
        [(3, "defaults.duration", "the number inf has no unit; use a unit, e.g. 45m")],
        id="infinite-number",
    ),
    pytest.param(
        NO_TZ + "calendar: {poll_interval: 0s}\nmanagers: []\n",
        [(2, "calendar.poll_interval", "must be at least 1s")],
        id="zero-poll-interval",
    ),
    pytest.param(
        defaults("duration: 0m\n", team=True),
        [
            (3, "defaults.duration", "a 1:1 must last at least 1m"),
            (
                3,
                "defaults.duration",
                "30m is longer than the 1:1 itself (0m); use at most that, or null for never "
                "shorter",
            ),
        ],
        id="zero-length-1-1",
    ),
    # --- other values ------------------------------------------------------------------------
    pytest.param(
        NO_TZ + "metrics_port: 0\nmanagers: []\n",
        [(2, "metrics_port", "the number 0 is too small (at least 1)")],
        id="port-zero",
    ),
    pytest.param(
        NO_TZ + "metrics_port: http\nmanagers: []\n",
        [(2, "metrics_port", "expected a whole number, got 'http'")],
        id="port-not-a-number",
    ),
    pytest.param(
        NO_TZ + "metrics_port: " + "9" * 5000 + "\nmanagers: []\n",
        [(2, "metrics_port", "'" + "9" * 70 + "…' (5000 characters) is far too large a number")],
        id="port-with-five-thousand-digits",
    ),
    pytest.param(
        NO_TZ + "email: {smtp: {host: mail, port: 0}}\nmanagers: []\n",
        [(2, "email.smtp.port", "the number 0 is too small (at least 1)")],
        id="smtp-port-zero",
    ),
    pytest.param(
        defaults("agenda: {performance_every: -1}\n"),
        [(3, "defaults.agenda.performance_every", "the number -1 is too small (at least 0)")],
        id="negative-every",
    ),
    pytest.param(
        defaults("agenda: {rotation: []}\n"),
        [(3, "defaults.agenda.rotation", "must not be empty")],
        id="empty-rotation",
    ),
    pytest.param(
        defaults("agenda: {rotation: pipeline}\n"),
        [(3, "defaults.agenda.rotation", "expected a list, got 'pipeline'")],
        id="rotation-not-a-list",
    ),
    pytest.param(
        sam_with("time: 10:00am").replace(', time: "10:00"', ""),
        [(7, "managers[0].reps[0].time", "'10:00am' is not a time (HH:MM, 24-hour, 00:00..23:59)")],
        id="time-with-am",
    ),
    pytest.param(
        HEAD + '      - {name: Sam, email: sam@example.com, day: tue, time: "24:00"}\n',
        [(7, "managers[0].reps[0].time", "'24:00' is not a time (HH:MM, 24-hour, 00:00..23:59)")],
        id="midnight-as-24",
    ),
    pytest.param(
        HEAD + '      - {name: Sam, email: sam@example.com, day: 3, time: "10:00"}\n',
        [(7, "managers[0].reps[0].day", "the number 3 is not a weekday (monday..sunday)")],
        id="weekday-as-a-number",
    ),
    pytest.param(
        defaults('working_hours: ""\n'),
        [(3, "defaults.working_hours", "'' is not working hours (e.g. \"mon-fri 09:00-17:30\")")],
        id="empty-working-hours",
    ),
    pytest.param(
        defaults('working_hours: "mon-fri"\n'),
        [
            (
                3,
                "defaults.working_hours",
                "'mon-fri' needs days and hours, e.g. \"mon-fri 09:00-17:30\"",
            )
        ],
        id="working-hours-without-hours",
    ),
    pytest.param(
        defaults('working_hours: "fri-mon 09:00-17:00"\n'),
        [
            (
                3,
                "defaults.working_hours",
                "'fri-mon' runs backwards; write the earlier day first (mon-fri)",
            )
        ],
        id="weekdays-backwards",
    ),
    pytest.param(
        defaults('working_hours: "mon 09:00-12:00, mon 13:00-17:00"\n'),
        [
            (
                3,
                "defaults.working_hours",
                "monday appears twice in 'mon 09:00-12:00, mon 13:00-17:00'",
            )
        ],
        id="weekday-twice-in-working-hours",
    ),
    pytest.param(
        defaults('working_hours: "mon-fri 09:00"\n'),
        [(3, "defaults.working_hours", "'09:00' is not a time range (e.g. 09:00-17:30)")],
        id="working-hours-without-an-end",
    ),
    pytest.param(
        defaults("cadence: every 2 months\n"),
        [
            (
                3,
                "defaults.cadence",
                "'every 2 months' is not one of weekly, biweekly, monthly, every N weeks (N 1..12)",
            )
        ],
        id="cadence-in-months",
    ),
    pytest.param(
        NO_TZ + "email: {from: the keeper}\nmanagers: []\n",
        [
            (
                2,
                "email.from",
                "'the keeper' is not a sender; write \"Name <name@example.com>\" or an address",
            )
        ],
        id="sender-without-an-address",
    ),
    pytest.param(
        NO_TZ + "ops_email: ops at example dot com\nmanagers: []\n",
        [
            (
                2,
                "ops_email",
                "'ops at example dot com' is not an e-mail address (name@example.com)",
            )
        ],
        id="ops-email-spelled-out",
    ),
    pytest.param(
        NO_TZ + "holidays: 2026-12-25\nmanagers: []\n",
        [(2, "holidays", "expected a list, got the date 2026-12-25")],
        id="holidays-not-a-list",
    ),
    pytest.param(
        NO_TZ + "holidays: [0001-01-01]\nmanagers: []\n",
        [(2, "holidays[0]", "0001-01-01 is not between 1970-01-01 and 2199-12-31")],
        id="holiday-in-year-one",
    ),
    pytest.param(
        sam_with("start: 9999-12-28"),
        [(7, "managers[0].reps[0].start", "9999-12-28 is not between 1970-01-01 and 2199-12-31")],
        id="start-in-year-9999",
    ),
    pytest.param(
        sam_with("pause: {from: 2026-08-03}"),
        [(7, "managers[0].reps[0].pause.until", "missing (required)")],
        id="pause-without-an-end",
    ),
    pytest.param(
        sam_with("pause: {from: next week, until: 2026-08-14}"),
        [(7, "managers[0].reps[0].pause.from", "'next week' is not a date (YYYY-MM-DD)")],
        id="pause-from-in-words",
    ),
    pytest.param(
        HEAD + '      - {name: "", email: sam@example.com, day: tue, time: "10:00"}\n',
        [(7, "managers[0].reps[0].name", "must not be empty")],
        id="empty-rep-name",
    ),
    pytest.param(
        NO_TZ + "managers:\n  - email: dana@example.com\n    reps: []\n",
        [(3, "managers[0].name", "missing (required)")],
        id="manager-without-a-name",
    ),
    pytest.param(
        NO_TZ + "managers:\n  - name: Dana\n    email: dana@example.com\n    reps: Sam Ortiz\n",
        [(5, "managers[0].reps", "expected a list, got 'Sam Ortiz'")],
        id="reps-as-text",
    ),
    pytest.param(
        HEAD + "      - sam@example.com\n",
        [(7, "managers[0].reps[0]", "expected a mapping (key: value), got 'sam@example.com'")],
        id="rep-as-an-address-only",
    ),
    pytest.param(
        NO_TZ.replace("America/Chicago", "Eastern") + "managers: []\n",
        [
            (
                1,
                "timezone",
                "'Eastern' is not an IANA time zone, e.g. America/Chicago "
                "(did you mean 'US/Eastern'?)",
            )
        ],
        id="zone-nickname",
    ),
    pytest.param(
        sam_with("timezone: europe/london"),
        [
            (
                7,
                "managers[0].reps[0].timezone",
                "'europe/london' is not an IANA time zone, e.g. America/Chicago "
                "(did you mean 'Europe/London'?)",
            )
        ],
        id="zone-in-lower-case",
    ),
    pytest.param(
        NO_TZ + "calendar: {google: {auth: oauth}}\nmanagers: []\n",
        [
            (
                2,
                "calendar.google.auth",
                "'oauth' is not one of keyring, authorized_user_file, service_account",
            )
        ],
        id="unknown-auth",
    ),
    pytest.param(
        NO_TZ + "email: {provider: sendgrid}\nmanagers: []\n",
        [(2, "email.provider", "'sendgrid' is not one of outbox, gmail, smtp")],
        id="unknown-mail-provider",
    ),
    pytest.param(
        defaults("rebook: {if_no_slot: cancel}\n"),
        [
            (
                3,
                "defaults.rebook.if_no_slot",
                "'cancel' is not one of next_business_day, notify_only",
            )
        ],
        id="if-no-slot-cancel",
    ),
    pytest.param(
        defaults("rebook: {on_out_of_office: move}\n"),
        [
            (
                3,
                "defaults.rebook.on_out_of_office",
                "'move' is not one of next_business_day, skip",
            )
        ],
        id="unknown-out-of-office-policy",
    ),
    pytest.param(
        NO_TZ + "calendar: {adopt_existing: maybe}\nmanagers: []\n",
        [(2, "calendar.adopt_existing", "expected true or false, got 'maybe'")],
        id="maybe-as-a-boolean",
    ),
    pytest.param(
        sam_with("rebook: {allow_shorter: 1h}"),
        [
            (
                7,
                "managers[0].reps[0].rebook.allow_shorter",
                "1h is longer than the 1:1 itself (45m); use at most that, or null for never "
                "shorter",
            )
        ],
        id="allow-shorter-on-the-rep",
    ),
    # --- keys --------------------------------------------------------------------------------
    pytest.param(
        HEAD + '      - {name: Sam, emial: sam@example.com, day: tue, time: "10:00"}\n',
        [
            (7, "managers[0].reps[0].email", "missing (required)"),
            (7, "managers[0].reps[0].emial", "unknown key (did you mean 'email'?)"),
        ],
        id="misspelled-email-key",
    ),
    pytest.param(
        defaults("rebook: {sameday_only: true}\n"),
        [(3, "defaults.rebook.sameday_only", "unknown key (did you mean 'same_day_only'?)")],
        id="misspelled-same-day-only",
    ),
    pytest.param(
        NO_TZ + "manager:\n  - name: Dana\n",
        [
            (1, "managers", "missing (required)"),
            (2, "manager", "unknown key (did you mean 'managers'?)"),
        ],
        id="manager-in-the-singular",
    ),
    # --- policies that contradict themselves -------------------------------------------------
    pytest.param(
        defaults("recap: {deadline: 20m}\n", team=True),
        [
            (
                3,
                "defaults.recap.deadline",
                "the recap deadline (20m) must be longer than recap.settle (30m), the wait for "
                "notes to settle",
            ),
            (3, "defaults.recap.deadline", recap_short("6h", "20m", "4h")),
        ],
        id="recap-deadline-shorter-than-settle",
    ),
    pytest.param(
        defaults("recap: {deadline: 5h}\n", team=True),
        [(3, "defaults.recap.deadline", recap_short("6h", "5h", "4h"))],
        id="recap-deadline-before-the-reminder",
    ),
    pytest.param(
        sam_with("recap: {remind_manager_after: 47h}"),
        [(7, "managers[0].reps[0].recap.remind_manager_after", recap_short("2d1h", "2d", "1d23h"))],
        id="reminder-too-late-for-the-default-deadline",
    ),
    pytest.param(
        defaults("recap: {settle: 3d}\n", team=True),
        [
            (
                3,
                "defaults.recap.settle",
                "the recap deadline (2d) must be longer than recap.settle (3d), the wait for "
                "notes to settle",
            )
        ],
        id="recap-settle-longer-than-the-default-deadline",
    ),
    # --- paths -------------------------------------------------------------------------------
    pytest.param(
        NO_TZ + "state: /\nmanagers: []\n",
        [(2, "state", "/ is a folder; name a file in it, e.g. /state.db")],
        id="state-is-the-root-folder",
    ),
    pytest.param(
        NO_TZ + "state: .\nmanagers: []\n",
        [(2, "state", "{dir} is a folder; name a file in it, e.g. {dir}/state.db")],
        id="state-is-the-config-folder",
    ),
    pytest.param(
        NO_TZ + "state: ./team.yaml/state.db\nmanagers: []\n",
        [
            (
                2,
                "state",
                "{dir}/team.yaml is not a folder, so {dir}/team.yaml/state.db cannot be made",
            )
        ],
        id="state-under-a-file",
    ),
    pytest.param(
        NO_TZ + "state: /dev/null\nmanagers: []\n",
        [(2, "state", "/dev/null is not a regular file")],
        id="state-is-a-device",
    ),
    pytest.param(
        NO_TZ + "templates_dir: ./my-templates\nmanagers: []\n",
        [(2, "templates_dir", "{dir}/my-templates does not exist")],
        id="missing-templates-dir",
    ),
    pytest.param(
        NO_TZ + "templates_dir: ./team.yaml\nmanagers: []\n",
        [(2, "templates_dir", "{dir}/team.yaml is a file, not a folder")],
        id="templates-dir-is-a-file",
    ),
    pytest.param(
        HEAD.replace("    reps:", "    kpis: ./kpis/dana.csv\n    reps:") + SAM,
        [(6, "managers[0].kpis", "{dir}/kpis/dana.csv does not exist")],
        id="missing-kpis-file",
    ),
    pytest.param(
        HEAD.replace("    reps:", "    kpis: .\n    reps:") + SAM,
        [(6, "managers[0].kpis", "{dir} is a folder, not a file")],
        id="kpis-is-a-folder",
    ),
    pytest.param(
        NO_TZ + "calendar:\n  provider: google\n  google:\n    auth: service_account\n"
        "    service_account_file: ./sa.json\nmanagers: []\n",
        [(6, "calendar.google.service_account_file", "{dir}/sa.json does not exist")],
        id="missing-service-account-key",
    ),
]

SA = (
    "calendar:\n  provider: google\n  google:\n    auth: service_account\n"
    "    service_account_file: ./team.yaml\n"  # any file that exists: only its presence counts
)
MORE_CASES += [
    # --- who may read the metrics server -----------------------------------------------------
    pytest.param(
        NO_TZ + "metrics_access: {hosts: ['http://metrics.example.com']}\nmanagers: []\n",
        [
            (
                2,
                "metrics_access.hosts[0]",
                "'http://metrics.example.com' is not a host name or address (e.g. localhost, "
                "127.0.0.1, metrics.example.com; no scheme or port)",
            )
        ],
        id="metrics-host-with-a-scheme",
    ),
    pytest.param(
        NO_TZ + "metrics_access: {hosts: ['localhost:9464']}\nmanagers: []\n",
        [
            (
                2,
                "metrics_access.hosts[0]",
                "'localhost:9464' is not a host name or address (e.g. localhost, 127.0.0.1, "
                "metrics.example.com; no scheme or port)",
            )
        ],
        id="metrics-host-with-a-port",
    ),
    pytest.param(
        NO_TZ + "metrics_access: {hosts: []}\nmanagers: []\n",
        [(2, "metrics_access.hosts", "must not be empty")],
        id="no-metrics-hosts",
    ),
    pytest.param(
        NO_TZ + "metrics_access: {auth: password}\nmanagers: []\n",
        [(2, "metrics_access.auth", "'password' is not one of none, token, basic")],
        id="unknown-metrics-auth",
    ),
    pytest.param(
        NO_TZ + "metrics_access:\n  auth: basic\nmanagers: []\n",
        [(2, "metrics_access.username", "missing (auth: basic needs a user name)")],
        id="basic-auth-without-a-user",
    ),
    pytest.param(
        NO_TZ + "metrics_access: {auth: basic, username: 'prom:etheus'}\nmanagers: []\n",
        [(2, "metrics_access.username", "a user name cannot hold ':' (basic auth)")],
        id="basic-auth-user-with-a-colon",
    ),
    pytest.param(
        NO_TZ + "metrics_access: {secret: hunter22}\nmanagers: []\n",
        [
            (
                2,
                "metrics_access.secret",
                "unknown key (allowed: hosts, auth, username)",
            )
        ],
        id="metrics-secret-in-the-config",
    ),
    # --- which managers a service account may act for ----------------------------------------
    pytest.param(
        NO_TZ
        + SA
        + "    domains: [example.com]\n"
        + TEAM.replace("dana@example.com", "dana@example.org"),
        [
            (
                10,
                "managers[0].email",
                "dana@example.org is outside calendar.google.domains (example.com); the service "
                "account only acts for managers in those domains",
            )
        ],
        id="manager-outside-the-domains",
    ),
    pytest.param(
        NO_TZ + SA + "    domains: [example]\nmanagers: []\n",
        [(7, "calendar.google.domains[0]", "'example' is not an e-mail domain (e.g. example.com)")],
        id="domain-without-a-dot",
    ),
    pytest.param(
        NO_TZ + SA + "    domains: []\nmanagers: []\n",
        [(7, "calendar.google.domains", "must not be empty")],
        id="empty-domains",
    ),
]
