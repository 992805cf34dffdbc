"""The systemd unit is valid and carries the settings the deployment guide relies on."""

from __future__ import annotations

import configparser
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "deploy" / "oneonone.service"
GUIDE = ROOT / "docs" / "deploy.md"
EXEC = "/opt/oneonone/.venv/bin/oneonone"

REQUIRED = {
    "Type": "notify",
    "NotifyAccess": "main",
    "ExecStart": f"{EXEC} run -c /etc/oneonone/config.yaml",
    "ExecReload": f"{EXEC} reload -c /etc/oneonone/config.yaml --pid $MAINPID",
    "Restart": "on-failure",
    "RestartSec": "10",
    "User": "oneonone",
    "Group": "oneonone",
    "UMask": "0077",
    "StateDirectory": "oneonone",
    "StateDirectoryMode": "0700",
    "LoadCredential": "oneonone-token-key:/etc/oneonone/token.key",
    "Environment": "ONEONONE_STATE_DIR=%S/oneonone",
    "TimeoutStopSec": "15",
    "KillSignal": "SIGTERM",
    "NoNewPrivileges": "yes",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "PrivateTmp": "yes",
    "PrivateDevices": "yes",
    "ProtectKernelTunables": "yes",
    "ProtectKernelModules": "yes",
    "ProtectControlGroups": "yes",
    "RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX",
    "RestrictNamespaces": "yes",
    "LockPersonality": "yes",
    "MemoryDenyWriteExecute": "yes",
    "RestrictRealtime": "yes",
    "SystemCallArchitectures": "native",
    "CapabilityBoundingSet": "",
}


def service_section(text: str) -> dict[str, str]:
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(text)
    return dict(parser["Service"])


def test_unit_has_every_required_setting() -> None:
    service = service_section(UNIT.read_text())
    missing = {k: v for k, v in REQUIRED.items() if service.get(k) != v}
    assert missing == {}
    assert "ReadWritePaths" not in service  # the state directory is the only writable path


def test_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    tool = shutil.which("systemd-analyze")
    if tool is None:
        # No systemd here: the configparser check above is the whole verification, and the
        # file must at least parse with the sections systemd expects.
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        parser.read_string(UNIT.read_text())
        assert {"Unit", "Service", "Install"} <= set(parser.sections())
        return
    # verify insists that ExecStart exists; point it at a stand-in with the same arguments.
    stand_in = tmp_path / "bin" / "oneonone"
    stand_in.parent.mkdir()
    stand_in.write_text("#!/bin/sh\nexit 0\n")
    stand_in.chmod(0o755)
    unit = tmp_path / "oneonone.service"
    unit.write_text(UNIT.read_text().replace(EXEC, str(stand_in)))
    result = subprocess.run(
        [tool, "verify", "--man=no", str(unit)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_verify_would_catch_a_misspelt_key(tmp_path: Path) -> None:
    tool = shutil.which("systemd-analyze")
    if tool is None:
        with pytest.raises(AssertionError):
            assert service_section(UNIT.read_text().replace("UMask=", "UMsk=")).get("UMask")
        return
    unit = tmp_path / "oneonone.service"
    unit.write_text(UNIT.read_text().replace(EXEC, "/bin/true").replace("UMask=", "UMsk="))
    result = subprocess.run(
        [tool, "verify", "--man=no", str(unit)], capture_output=True, text=True, check=False
    )
    assert "UMsk" in result.stderr


def test_the_unit_is_no_more_exposed_than_before_in_systemd_analyze_security(
    tmp_path: Path,
) -> None:
    """1.7 ("OK") is the score of the hardening lines as they were before Type=notify."""
    tool = shutil.which("systemd-analyze")
    if tool is None:  # no systemd here: the hardening lines above are the whole check
        assert REQUIRED.items() <= service_section(UNIT.read_text()).items()
        return
    unit = tmp_path / "oneonone.service"
    unit.write_text(UNIT.read_text())
    result = subprocess.run(
        [tool, "security", "--offline=yes", "--threshold=17", str(unit)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert "Overall exposure level for oneonone.service: 1.7" in result.stdout
    assert result.returncode == 0


def test_deployment_guide_covers_every_step() -> None:
    guide = GUIDE.read_text()
    for needle in (
        "useradd",
        "python3 -m venv /opt/oneonone/.venv",
        "/etc/oneonone/config.yaml",
        "head -c 32 /dev/urandom | base64",
        "oneonone auth login",
        "systemctl enable --now oneonone",
        "journalctl -u oneonone",
        "systemctl reload oneonone",
        "oneonone doctor",
        "metrics_port",
        "/healthz",
        "Upgrading",
        "sqlite3",
        ".backup",
        "invalid_grant",
    ):
        assert needle in guide, needle
