"""The key that encrypts token files: 32 random bytes, or a passphrase stretched by scrypt.

A raw key is written as base64 (``head -c 32 /dev/urandom | base64``) or hex (64 digits), or is a
32-byte binary file. Anything else is a passphrase, and a passphrase never becomes the key as
it is: scrypt (N=2^15, r=8, p=1, a random salt kept next to the token files) turns it into one,
so guessing it costs an attacker 32 MiB and tens of milliseconds a try. ``weakness`` says what
``oneonone doctor`` should complain about: a raw key that is not random, a passphrase that is
short, repetitive or made of common words.

Versions before this one took any 32 characters as the raw key; ``legacy`` keeps that reading of
the same text, so the files they wrote can still be read (and are re-encrypted on first read).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import secrets
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from integrations.redaction import remember_secret
from scheduler.errors import CredentialsError

KEY_BYTES = 32
MIN_PASSPHRASE = 16
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1  # 32 MiB per try
SALT_FILE = "passphrase.salt"
_HEX = re.compile(r"[0-9a-fA-F]{64}")
_COMMON = ("password", "passwort", "secret", "oneonone", "letmein", "qwerty", "123456", "admin",
           "changeme", "welcome", "token")  # fmt: skip
MAKE_ONE = "head -c 32 /dev/urandom | base64"


@dataclass(frozen=True)
class TokenKey:
    """The configured key: ``material`` is the raw key, or the passphrase's UTF-8 bytes."""

    material: bytes
    kind: Literal["raw", "passphrase"]
    source: str = "the token key"
    legacy: bytes | None = None

    def derive(self, folder: Path) -> bytes:
        """The 32-byte AES key: the raw key, or scrypt of the passphrase with the folder's salt."""
        if self.kind == "raw":
            return self.material
        return hashlib.scrypt(
            self.material,
            salt=_salt(folder),
            n=SCRYPT_N,
            r=SCRYPT_R,
            p=SCRYPT_P,
            maxmem=64 * 1024 * 1024,
            dklen=KEY_BYTES,
        )


def parse_key(raw: bytes, *, source: str) -> TokenKey:
    """Read a configured key; ``CredentialsError`` for what can only be a mistake."""
    text = raw.strip()
    if _HEX.fullmatch(text.decode("ascii", "replace")):
        return _remembered(TokenKey(bytes.fromhex(text.decode()), "raw", source), text)
    decoded = _base64(text)
    if decoded is not None and len(decoded) == KEY_BYTES:
        return _remembered(TokenKey(decoded, "raw", source), text)
    if decoded is not None and text.endswith(b"="):
        raise CredentialsError(
            f"the token key from {source} is base64 of {len(decoded)} bytes; a key is "
            f"{KEY_BYTES} random bytes: {MAKE_ONE}"
        )
    if len(raw) == KEY_BYTES and not _is_text(raw):  # a binary key file
        return TokenKey(raw, "raw", source)
    try:
        passphrase = text.decode("utf-8")
    except UnicodeDecodeError:
        raise CredentialsError(
            f"the token key from {source} is neither a key nor a text passphrase; make a key "
            f"with: {MAKE_ONE}"
        ) from None
    if len(passphrase) < MIN_PASSPHRASE:
        raise CredentialsError(
            f"the token key from {source} is a passphrase of {len(passphrase)} characters; use "
            f"at least {MIN_PASSPHRASE}, or better a random key: {MAKE_ONE}"
        )
    legacy = raw if len(raw) == KEY_BYTES else None  # what older versions used as the key
    return _remembered(TokenKey(text, "passphrase", source, legacy), text)


def weakness(key: TokenKey) -> str | None:
    """Why this key is weak, in a sentence; None when it looks strong."""
    if key.kind == "raw":
        if len(set(key.material)) < 16:
            return "the raw key repeats a few byte values: it was not made at random"
        if all(32 <= b < 127 for b in key.material):
            return "the raw key is printable text, not random bytes: a password in disguise"
        return None
    text = key.material.decode("utf-8").lower()
    if len(text) < 20:
        return f"the passphrase has only {len(text)} characters"
    if len(set(text)) < 10:
        return "the passphrase uses fewer than 10 different characters"
    if len(zlib.compress(key.material, 9)) < len(key.material) * 0.8:
        return "the passphrase repeats itself"
    common = next((word for word in _COMMON if word in text), None)
    if common:
        return f"the passphrase contains the common word {common!r}"
    return None


def _base64(text: bytes) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def _is_text(raw: bytes) -> bool:
    try:
        return raw.decode("utf-8").isprintable()
    except UnicodeDecodeError:
        return False


def _remembered(key: TokenKey, text: bytes) -> TokenKey:
    remember_secret(text.decode("utf-8", "replace"))
    return key


def _salt(folder: Path) -> bytes:
    """The folder's scrypt salt, made once (16 random bytes, 0600)."""
    path = folder / SALT_FILE
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    salt = secrets.token_bytes(16)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_bytes()
    with os.fdopen(fd, "wb") as f:
        f.write(salt)
        f.flush()
        os.fsync(f.fileno())
    return salt
