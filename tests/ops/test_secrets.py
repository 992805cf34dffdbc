"""The token store fails closed, encrypts at rest and says exactly what to fix."""

from __future__ import annotations

import base64
import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backend
import keyring.backends.fail
import keyring.backends.null
import keyring.errors
import pytest
from keyring.compat import properties

from integrations.google.secrets import (
    EncryptedFileStore,
    KeyringStore,
    PlaintextFileStore,
    describe,
    keyring_is_real,
    select_store,
)
from scheduler.errors import CredentialsError

TOKEN = (
    '{"type": "authorized_user", "client_id": "cid.apps.googleusercontent.com", '
    '"client_secret": "csecret-XYZ", "refresh_token": "1//refresh-token-abcdef123456"}'
)
NAME = "oauth-token:dana@example.com"


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A real (if volatile) backend; never auto-selected because its priority raises."""

    @properties.classproperty
    def priority(cls) -> float:
        raise RuntimeError("test backend: select it explicitly")

    def __init__(self) -> None:
        self.data: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.data.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.data[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.data.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)


@pytest.fixture
def use_keyring() -> Iterator[object]:
    """Swap the process keyring for the test, restoring it afterwards."""
    before = keyring.get_keyring()

    def use(backend: keyring.backend.KeyringBackend) -> None:
        keyring.set_keyring(backend)

    use(keyring.backends.fail.Keyring())
    yield use
    keyring.set_keyring(before)


def key_text(seed: int = 1) -> str:
    return base64.b64encode(bytes([seed]) * 32).decode()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("use_keyring")
def test_without_keyring_or_key_select_store_refuses_and_says_what_to_set(tmp_path: Path) -> None:
    with pytest.raises(CredentialsError) as info:
        select_store(state_dir=tmp_path, environ={})
    message = str(info.value)
    assert "LoadCredential=oneonone-token-key:/etc/oneonone/token.key" in message
    assert "head -c 32 /dev/urandom | base64" in message
    assert "export ONEONONE_TOKEN_KEY=" in message
    assert "keyring backend" in message
    assert "ONEONONE_INSECURE_PLAINTEXT_TOKENS=1" in message
    assert not (tmp_path / "tokens").exists()


@pytest.mark.usefixtures("use_keyring")
def test_env_key_selects_encrypted_store_that_round_trips(tmp_path: Path) -> None:
    store = select_store(state_dir=tmp_path, environ={"ONEONONE_TOKEN_KEY": key_text()})
    assert isinstance(store, EncryptedFileStore)
    assert store.get(NAME) is None
    store.set(NAME, TOKEN)
    assert store.get(NAME) == TOKEN
    store.set(NAME, TOKEN + " ")
    assert store.get(NAME) == TOKEN + " "
    store.delete(NAME)
    assert store.get(NAME) is None
    store.delete(NAME)  # deleting twice is fine


@pytest.mark.usefixtures("use_keyring")
def test_systemd_credential_key_is_used_before_the_environment(tmp_path: Path) -> None:
    creds = tmp_path / "creds"
    creds.mkdir()
    (creds / "oneonone-token-key").write_text(key_text(7) + "\n")
    environ = {"CREDENTIALS_DIRECTORY": str(creds), "ONEONONE_TOKEN_KEY": key_text(8)}
    select_store(state_dir=tmp_path / "state", environ=environ).set(NAME, TOKEN)
    from_cred = EncryptedFileStore(tmp_path / "state" / "tokens", bytes([7]) * 32)
    assert from_cred.get(NAME) == TOKEN


@pytest.mark.usefixtures("use_keyring")
def test_a_key_that_can_only_be_a_mistake_is_refused_with_how_to_make_one(tmp_path: Path) -> None:
    cases = {
        base64.b64encode(b"x" * 16).decode(): "is base64 of 16 bytes; a key is 32 random bytes",
        "hunter2 hunter2": "is a passphrase of 15 characters; use at least 16",
    }
    for bad, why in cases.items():
        with pytest.raises(CredentialsError, match=why) as caught:
            select_store(state_dir=tmp_path, environ={"ONEONONE_TOKEN_KEY": bad})
        assert "head -c 32 /dev/urandom | base64" in str(caught.value)


def test_token_folder_is_0700_and_files_are_0600_even_with_a_loose_umask(tmp_path: Path) -> None:
    folder = tmp_path / "tokens"
    folder.mkdir(mode=0o755)
    old = os.umask(0o022)
    try:
        store = EncryptedFileStore(folder, bytes(32))
        store.set(NAME, TOKEN)
    finally:
        os.umask(old)
    assert mode(folder) == 0o700
    files = list(folder.iterdir())
    assert len(files) == 1
    assert mode(files[0]) == 0o600
    assert "dana" not in files[0].name


def test_a_token_file_readable_by_others_is_refused_with_the_chmod_to_run(tmp_path: Path) -> None:
    store = EncryptedFileStore(tmp_path / "tokens", bytes(32))
    store.set(NAME, TOKEN)
    path = store.path_for(NAME)
    path.chmod(0o644)
    with pytest.raises(CredentialsError, match=f"chmod 600 {path}"):
        store.get(NAME)
    path.chmod(0o600)
    assert store.get(NAME) == TOKEN


def test_a_tampered_token_file_fails_with_a_clear_error(tmp_path: Path) -> None:
    store = EncryptedFileStore(tmp_path / "tokens", bytes(32))
    store.set(NAME, TOKEN)
    path = store.path_for(NAME)
    blob = bytearray(path.read_bytes())
    blob[-5] ^= 0x01
    path.write_bytes(bytes(blob))
    with pytest.raises(CredentialsError, match="altered or corrupted") as info:
        store.get(NAME)
    assert "oneonone auth login dana@example.com" in str(info.value)


def test_a_truncated_token_file_fails_with_a_clear_error(tmp_path: Path) -> None:
    store = EncryptedFileStore(tmp_path / "tokens", bytes(32))
    store.set(NAME, TOKEN)
    store.path_for(NAME).write_bytes(b"O1T1")
    with pytest.raises(CredentialsError, match="truncated"):
        store.get(NAME)


def test_a_token_file_copied_into_another_managers_slot_does_not_decrypt(tmp_path: Path) -> None:
    store = EncryptedFileStore(tmp_path / "tokens", bytes(32))
    store.set(NAME, TOKEN)
    other = "oauth-token:eve@example.com"
    store.path_for(other).write_bytes(store.path_for(NAME).read_bytes())
    store.path_for(other).chmod(0o600)
    with pytest.raises(CredentialsError, match="altered"):
        store.get(other)


def test_the_wrong_key_fails_with_a_clear_error(tmp_path: Path) -> None:
    EncryptedFileStore(tmp_path / "tokens", bytes(32)).set(NAME, TOKEN)
    other = EncryptedFileStore(tmp_path / "tokens", bytes([1]) * 32)
    with pytest.raises(CredentialsError, match="different token key"):
        other.get(NAME)


def test_nothing_of_the_token_appears_in_the_file_bytes(tmp_path: Path) -> None:
    store = EncryptedFileStore(tmp_path / "tokens", bytes(32))
    store.set(NAME, TOKEN)
    first = store.path_for(NAME).read_bytes()
    for secret in (b"refresh-token-abcdef", b"csecret-XYZ", b"dana@example.com", b"authorized"):
        assert secret not in first
    assert base64.b64encode(TOKEN.encode())[:12] not in first
    store.set(NAME, TOKEN)
    assert store.path_for(NAME).read_bytes() != first  # a fresh nonce on every write


@pytest.mark.usefixtures("use_keyring")
def test_plaintext_store_needs_explicit_opt_in_and_warns(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="integrations.google.secrets"):
        store = select_store(
            state_dir=tmp_path, environ={"ONEONONE_INSECURE_PLAINTEXT_TOKENS": "1"}
        )
    assert isinstance(store, PlaintextFileStore)
    assert "UNENCRYPTED" in caplog.text
    store.set(NAME, TOKEN)
    assert store.get(NAME) == TOKEN
    assert mode(store.path_for(NAME)) == 0o600
    with pytest.raises(CredentialsError):
        select_store(state_dir=tmp_path, environ={"ONEONONE_INSECURE_PLAINTEXT_TOKENS": "yes"})


@pytest.mark.parametrize(
    ("backend", "real"),
    [
        pytest.param(keyring.backends.fail.Keyring(), False, id="fail"),
        pytest.param(keyring.backends.null.Keyring(), False, id="null"),
        pytest.param(MemoryKeyring(), True, id="a-real-backend"),
    ],
)
def test_only_real_keyring_backends_count(
    backend: keyring.backend.KeyringBackend, real: bool
) -> None:
    assert keyring_is_real(backend) is real


def test_plaintext_backends_from_keyrings_alt_do_not_count() -> None:
    alt = type("PlaintextKeyring", (MemoryKeyring,), {"__module__": "keyrings.alt.file"})
    assert keyring_is_real(alt()) is False


def test_a_chainer_with_nothing_to_chain_does_not_count() -> None:
    from keyring.backends.chainer import ChainerBackend

    chainer = ChainerBackend()
    assert keyring_is_real(chainer) is (
        chainer.priority > 0 and all(keyring_is_real(b) for b in chainer.backends)
    )
    if not chainer.backends:
        assert keyring_is_real(chainer) is False


def test_a_real_keyring_is_selected_when_no_key_is_given(tmp_path: Path, use_keyring) -> None:
    memory = MemoryKeyring()
    use_keyring(memory)
    store = select_store(state_dir=tmp_path, environ={})
    assert isinstance(store, KeyringStore)
    store.set(NAME, TOKEN)
    assert memory.data[("oneonone", NAME)] == TOKEN
    assert store.get(NAME) == TOKEN
    store.delete(NAME)
    store.delete(NAME)
    assert store.get(NAME) is None
    assert "MemoryKeyring" in describe(store)


def test_an_explicit_key_wins_over_a_real_keyring(tmp_path: Path, use_keyring) -> None:
    use_keyring(MemoryKeyring())
    store = select_store(state_dir=tmp_path, environ={"ONEONONE_TOKEN_KEY": key_text()})
    assert isinstance(store, EncryptedFileStore)


@pytest.mark.usefixtures("use_keyring")
def test_keyring_store_refuses_the_fail_backend() -> None:
    with pytest.raises(CredentialsError, match="LoadCredential="):
        KeyringStore()


def test_describe_reports_folder_modes_and_problems(tmp_path: Path) -> None:
    store = EncryptedFileStore(tmp_path / "tokens", bytes(32))
    store.set(NAME, TOKEN)
    text = describe(store)
    assert "AES-GCM" in text
    assert str(tmp_path / "tokens") in text
    assert "0700" in text
    assert "1 token file(s), 1 with mode 0600" in text
    assert "PROBLEM" not in text
    store.path_for(NAME).chmod(0o640)
    assert f"chmod 600 {store.path_for(NAME)}" in describe(store)
