"""The token-file key: 32 random bytes as base64, hex or a binary file, or a passphrase that
scrypt stretches; files written under the old reading of a passphrase are still read."""

from __future__ import annotations

import base64
import logging
import stat
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from integrations.google.secrets import EncryptedFileStore, find_key
from integrations.google.token_key import SALT_FILE, TokenKey, parse_key, weakness
from scheduler.errors import CredentialsError

TOKEN = '{"type": "authorized_user", "refresh_token": "1//refresh-abcdef123456"}'
NAME = "oauth-token:dana@example.com"
RANDOM = bytes.fromhex("5d1f0c9a7e3b42d86f0a19c4b7e2d35a8c61f09e4d2b7a3516c8e0f94a2d7b13")
ISSUE_EXAMPLE = "password1234password1234password"  # 32 printable characters


def test_a_random_key_reads_the_same_as_base64_hex_or_a_binary_file() -> None:
    forms = [
        base64.b64encode(RANDOM) + b"\n",
        RANDOM.hex().encode() + b"\n",
        RANDOM.hex().upper().encode(),
        RANDOM,  # head -c 32 /dev/urandom > token.key
    ]
    for raw in forms:
        key = parse_key(raw, source="test")
        assert (key.kind, key.material, key.legacy) == ("raw", RANDOM, None)


def test_thirty_two_printable_characters_are_a_passphrase_not_the_key_itself(
    tmp_path: Path,
) -> None:
    key = find_key({"ONEONONE_TOKEN_KEY": ISSUE_EXAMPLE})
    assert key is not None
    assert key.kind == "passphrase"
    store = EncryptedFileStore(tmp_path / "tokens", key)
    store.set(NAME, TOKEN)
    blob = store.path_for(NAME).read_bytes()
    head = 4 + 8
    with pytest.raises(InvalidTag):  # the characters themselves do not open the file
        AESGCM(ISSUE_EXAMPLE.encode()).decrypt(
            blob[head : head + 12],
            blob[head + 12 :],
            blob[:head] + b"oneonone-token:" + NAME.encode(),
        )
    salt = tmp_path / "tokens" / SALT_FILE
    assert len(salt.read_bytes()) == 16
    assert stat.S_IMODE(salt.stat().st_mode) == 0o600
    again = EncryptedFileStore(tmp_path / "tokens", parse_key(ISSUE_EXAMPLE.encode(), source="x"))
    assert again.get(NAME) == TOKEN  # the same passphrase and salt give the same key


def test_another_passphrase_is_the_wrong_key(tmp_path: Path) -> None:
    first = parse_key(b"correct horse battery staple 71", source="a")
    EncryptedFileStore(tmp_path, first).set(NAME, TOKEN)
    other = parse_key(b"correct horse battery staple 72", source="b")
    with pytest.raises(CredentialsError, match="written with a different token key"):
        EncryptedFileStore(tmp_path, other).get(NAME)


def test_files_written_with_the_old_reading_of_the_key_are_read_and_re_encrypted(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "tokens"
    EncryptedFileStore(folder, ISSUE_EXAMPLE.encode()).set(NAME, TOKEN)  # as older versions did
    old_id = folder.joinpath(EncryptedFileStore(folder, ISSUE_EXAMPLE.encode()).path_for(NAME))
    old_bytes = old_id.read_bytes()
    store = EncryptedFileStore(folder, parse_key(ISSUE_EXAMPLE.encode(), source="$KEY"))
    with caplog.at_level(logging.WARNING):
        assert store.get(NAME) == TOKEN
    assert "now encrypted with the key scrypt derives" in caplog.text
    new_bytes = store.path_for(NAME).read_bytes()
    assert new_bytes != old_bytes
    assert new_bytes[4:12] == store.key_id  # rewritten under the new key
    no_legacy = EncryptedFileStore(folder, TokenKey(ISSUE_EXAMPLE.encode(), "passphrase"))
    assert no_legacy.get(NAME) == TOKEN  # readable without the old reading from now on


@pytest.mark.parametrize(
    ("key", "why"),
    [
        pytest.param(TokenKey(bytes(32), "raw"), "repeats a few byte values", id="zero-bytes"),
        pytest.param(TokenKey(ISSUE_EXAMPLE.encode(), "raw"), "repeats", id="the-issue-as-raw"),
        pytest.param(
            TokenKey(b"Kx9!mQ2#vL7@pR4$wT8%zN1^bH6&cJ3*", "raw"), "printable text", id="typed-raw"
        ),
        pytest.param(TokenKey(RANDOM, "raw"), None, id="random-raw"),
        pytest.param(
            TokenKey(ISSUE_EXAMPLE.encode(), "passphrase"), "repeats itself", id="the-issue"
        ),
        pytest.param(TokenKey(b"Tr0ub4dor&3xyzqw", "passphrase"), "only 16", id="short"),
        pytest.param(
            TokenKey(b"aaaaabbbbbcccccdddddeeeee", "passphrase"), "fewer than 10", id="few-chars"
        ),
        pytest.param(
            TokenKey(b"My oneonone key for the team", "passphrase"), "'oneonone'", id="common"
        ),
        pytest.param(
            TokenKey(b"violet kettle Ozark 93 drift plum", "passphrase"), None, id="strong"
        ),
    ],
)
def test_weak_keys_are_named_with_the_reason(key: TokenKey, why: str | None) -> None:
    found = weakness(key)
    if why is None:
        assert found is None
    else:
        assert found is not None
        assert why in found


def test_a_non_ascii_passphrase_from_the_environment_is_read_as_utf8() -> None:
    key = find_key({"ONEONONE_TOKEN_KEY": "Grüße aus Köln, 2026 und weiter"})
    assert key is not None
    assert key.material == "Grüße aus Köln, 2026 und weiter".encode()


def test_the_key_itself_never_appears_in_the_token_folder(tmp_path: Path) -> None:
    store = EncryptedFileStore(
        tmp_path, parse_key(b"violet kettle Ozark 93 drift plum", source="x")
    )
    store.set(NAME, TOKEN)
    for path in tmp_path.iterdir():
        data = path.read_bytes()
        assert b"violet kettle" not in data
        assert b"refresh-abcdef" not in data
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".token")) == [
        SALT_FILE
    ]
