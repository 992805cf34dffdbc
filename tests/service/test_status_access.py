"""The running service's status server: personal data on ``/status`` only for the configured
Host names, and none at all on ``/metrics``."""

from __future__ import annotations

import http.client
import re

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.service.conftest import NOOR, PRIYA, SAM, needs_token_uri

pytestmark = [pytest.mark.slow, needs_token_uri]

DANA = "dana@example.com"
LEE = "lee@example.com"
PEOPLE = ("dana", "lee", "sam", "ortiz", "priya", "raman", "noor", "haddad", "example")


def fetch(port: int, path: str, host: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path, headers={"Host": host})
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


def test_metrics_name_no_person_and_status_answers_only_its_own_names(world) -> None:
    setup, daemon, _ = world
    setup.write({DANA: [SAM, PRIYA], LEE: [NOOR]})
    daemon.start()
    daemon.wait_passes(daemon.wait_passes(0, timeout=20), timeout=10)
    port = daemon.port

    status, metrics = fetch(port, "/metrics", f"127.0.0.1:{port}")
    assert status == 200
    assert "oneonone_api_requests_total{" in metrics  # the pass was counted in detail
    lowered = metrics.lower()
    assert "@" not in metrics
    assert [word for word in PEOPLE if word in lowered] == []
    labels = {
        (name, value)
        for family in text_string_to_metric_families(metrics)
        for sample in family.samples
        for name, value in sample.labels.items()
    }
    for name, value in labels:  # every label value is a method, a status, a kind or a result
        assert re.fullmatch(r"[A-Za-z0-9_.+]+", value), (name, value)
        assert name in {
            "method",
            "status",
            "kind",
            "result",
            "le",
            "route",
            "state",
            "transport",
        }, name

    status, page = fetch(port, "/status", f"localhost:{port}")
    assert status == 200
    assert "Sam Ortiz" in page  # the page is about people: hence the Host check
    status, page = fetch(port, "/status", f"rebind.attacker.example:{port}")
    assert status == 421
    assert "Sam Ortiz" not in page
    assert fetch(port, "/metrics", "rebind.attacker.example")[0] == 421
    assert daemon.stop() == 0
