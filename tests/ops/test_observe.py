"""Metrics, health and redacted logs, scraped over real HTTP on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from prometheus_client.parser import text_string_to_metric_families

from integrations.clock import FixedClock
from integrations.redaction import RedactingFilter, redact
from integrations.shell.logs import JsonFormatter, setup_logging
from integrations.shell.observe import Metrics, ObservabilityServer

START = dt.datetime(2026, 3, 8, 6, 30, tzinfo=dt.UTC)
POLL = dt.timedelta(seconds=60)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def metrics() -> Metrics:
    return Metrics()


@pytest.fixture
def server(metrics: Metrics, clock: FixedClock) -> Iterator[str]:
    pages = {
        "/status": lambda: ("text/html; charset=utf-8", b"<h1>1:1s</h1>"),
        "/broken": lambda: 1 / 0,
    }
    obs = ObservabilityServer(metrics, port=0, poll_interval=POLL, now=clock.now, pages=pages)
    port = obs.start()
    yield f"http://127.0.0.1:{port}"
    obs.stop()


def get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status, resp.headers["Content-Type"], resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.headers["Content-Type"], err.read().decode()


def samples(base: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    status, content_type, text = get(base + "/metrics")
    assert status == 200
    assert content_type.startswith("text/plain")
    found = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            found[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return found


def test_metrics_endpoint_exposes_every_series_and_counters_move(
    server: str, metrics: Metrics, clock: FixedClock
) -> None:
    before = samples(server)
    assert before[("oneonone_bumps_found_total", ())] == 0
    assert before[("oneonone_parked_users", ())] == 0
    for name in (
        "oneonone_bumps_moved_total",
        "oneonone_recaps_sent_total",
        "oneonone_recaps_late_total",
        "oneonone_last_good_pass_timestamp_seconds",
        "oneonone_pass_duration_seconds_count",
    ):
        assert (name, ()) in before

    metrics.pass_done(2.5, ok=True, now=clock.now())
    metrics.pass_done(1.0, ok=False, now=clock.now())
    metrics.api_request("events.list", 200)
    metrics.api_request("events.list", 200)
    metrics.api_request("events.patch", 412)
    metrics.email("prep", "sent")
    metrics.bumps(found=2, moved=1)
    metrics.recap_sent(late=True)
    metrics.recap_sent(late=False)
    metrics.set_parked_users(3)

    after = samples(server)
    assert after[("oneonone_passes_total", (("result", "ok"),))] == 1
    assert after[("oneonone_passes_total", (("result", "failed"),))] == 1
    assert after[("oneonone_pass_duration_seconds_count", ())] == 2
    assert after[("oneonone_pass_duration_seconds_sum", ())] == 3.5
    key = ("oneonone_api_requests_total", (("method", "events.list"), ("status", "200")))
    assert after[key] == 2
    key = ("oneonone_api_requests_total", (("method", "events.patch"), ("status", "412")))
    assert after[key] == 1
    assert after[("oneonone_emails_total", (("kind", "prep"), ("result", "sent")))] == 1
    assert after[("oneonone_bumps_found_total", ())] == 2
    assert after[("oneonone_bumps_moved_total", ())] == 1
    assert after[("oneonone_recaps_sent_total", ())] == 2
    assert after[("oneonone_recaps_late_total", ())] == 1
    assert after[("oneonone_parked_users", ())] == 3
    assert after[("oneonone_last_good_pass_timestamp_seconds", ())] == START.timestamp()


def test_two_metrics_objects_never_share_a_registry() -> None:
    a, b = Metrics(), Metrics()
    a.bumps(found=1)
    assert b"oneonone_bumps_found_total 0.0" in b.render()


def test_healthz_is_ok_while_passes_are_fresh_and_503_when_stale(
    server: str, metrics: Metrics, clock: FixedClock
) -> None:
    metrics.pass_done(1.0, ok=True, now=clock.now())
    assert get(server + "/healthz")[0::2] == (200, "ok\n")
    clock.advance(3 * POLL - dt.timedelta(seconds=1))
    assert get(server + "/healthz")[0] == 200
    clock.advance(dt.timedelta(seconds=2))
    status, _, body = get(server + "/healthz")
    assert status == 503
    assert "181s" in body
    metrics.pass_done(1.0, ok=False, now=clock.now())  # a failed pass does not count
    assert get(server + "/healthz")[0] == 503
    metrics.pass_done(1.0, ok=True, now=clock.now())
    assert get(server + "/healthz")[0] == 200


def test_healthz_gives_a_grace_period_before_the_first_pass(server: str, clock: FixedClock) -> None:
    status, _, body = get(server + "/healthz")
    assert (status, body) == (200, "starting: no pass yet\n")
    clock.advance(3 * POLL)
    status, _, body = get(server + "/healthz")
    assert status == 503
    assert "no pass yet" in body


def test_extra_pages_are_served_and_unknown_paths_are_404(server: str) -> None:
    assert get(server + "/status") == (200, "text/html; charset=utf-8", "<h1>1:1s</h1>")
    assert get(server + "/nope")[0] == 404
    assert get(server + "/broken")[0] == 500


def test_the_server_refuses_to_bind_anything_but_loopback(metrics: Metrics) -> None:
    with pytest.raises(ValueError, match="loopback"):
        ObservabilityServer(metrics, host="0.0.0.0", port=0, poll_interval=POLL, now=lambda: START)


def test_the_server_listens_on_127_0_0_1(metrics: Metrics) -> None:
    obs = ObservabilityServer(metrics, port=0, poll_interval=POLL, now=lambda: START)
    obs.start()
    try:
        assert obs._server is not None
        assert obs._server.server_address[0] == "127.0.0.1"
    finally:
        obs.stop()


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        pytest.param("{'Authorization': 'Bearer ya29.a0AfH6SMB'}", "a0AfH6SMB", id="bearer"),
        pytest.param("Authorization: Bearer abcdefghijkl12345", "abcdefghijkl12345", id="header"),
        pytest.param('{"access_token": "tok-1234567", "x": 1}', "tok-1234567", id="json-access"),
        pytest.param("refresh_token=1%2F%2Fxyz987&grant_type=r", "1%2F%2Fxyz987", id="form"),
        pytest.param("client_secret: GOCSPX-abcdef", "GOCSPX-abcdef", id="client-secret"),
        pytest.param("GET /oauth2callback?state=s&code=4/0AX4XfWh", "4/0AX4XfWh", id="code"),
        pytest.param("code=4/0AX4XfWh at start", "4/0AX4XfWh", id="code-at-start"),
        pytest.param("stored 1//0gLongRefreshTokenValue", "0gLongRefreshTokenValue", id="raw-rt"),
    ],
)
def test_secrets_are_masked(text: str, secret: str) -> None:
    cleaned = redact(text)
    assert secret not in cleaned
    assert "***" in cleaned


def test_ordinary_text_is_left_alone() -> None:
    text = "moved 1:1 dana@example.com/sam@example.com error_code=42 to 10:30"
    assert redact(text) == text


def capture(json_lines: bool) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    if json_lines:
        handler.setFormatter(JsonFormatter())
    logger = logging.getLogger(f"tests.ops.capture.{json_lines}")
    logger.handlers = [handler]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    return logger, stream


def test_redacting_filter_masks_arguments_and_tracebacks() -> None:
    logger, stream = capture(json_lines=False)
    logger.info("token response %s", {"access_token": "ya29.secretvalue", "expires_in": 3599})
    try:
        raise RuntimeError("refresh failed: refresh_token=1//0gSecretRefresh99")
    except RuntimeError:
        logger.exception("while refreshing")
    out = stream.getvalue()
    assert "secretvalue" not in out
    assert "0gSecretRefresh99" not in out
    assert "expires_in" in out
    assert "RuntimeError" in out


def test_json_lines_carry_fields_and_no_secrets() -> None:
    logger, stream = capture(json_lines=True)
    logger.warning("sent with %s", "Authorization: Bearer abcdefghijkl", extra={"manager": "dana"})
    entry = json.loads(stream.getvalue())
    assert entry["level"] == "warning"
    assert entry["manager"] == "dana"
    assert "abcdefghijkl" not in entry["msg"]
    assert entry["ts"].endswith("+00:00")


def test_setup_logging_installs_one_redacting_handler(capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    level = root.level
    try:
        setup_logging(json=True, level=logging.INFO)
        handler = setup_logging(json=True, level="INFO")
        assert [h for h in root.handlers if h.get_name() == "oneonone"] == [handler]
        logging.getLogger("tests.ops").info("client_secret=hunter22")
        line = capsys.readouterr().err.strip().splitlines()[-1]
        assert json.loads(line)["msg"] == "client_secret=***"
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
