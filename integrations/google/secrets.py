"""Where managers' OAuth refresh tokens live, and how the service picks that place.

A refresh token is a long-lived key to a manager's calendar and mailbox, so the store fails
closed: the OS keyring when a real backend exists, else AES-GCM encrypted files whose key comes
from systemd credentials or the environment, else a plaintext store only on explicit opt-in.
Nothing here ever falls back silently; a missing piece is a ``CredentialsError`` that says
exactly what to set.

Names look like ``oauth-token:dana@example.com``; values are the authorized-user JSON: the
refresh token, and the last access token with its expiry (``kept_tokens``), protected alike.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import secrets
import stat
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from integrations.google.token_key import MAKE_ONE, TokenKey, parse_key
from scheduler.errors import CredentialsError
from scheduler.ports import SecretStore

if TYPE_CHECKING:
    # Imported where the keyring is asked: a service whose logins are in files (or in
    # encrypted files) never loads it and its backends (about 5 MB of its memory).
    import keyring.backend

log = logging.getLogger(__name__)

KEY_CREDENTIAL = "oneonone-token-key"
KEY_ENV = "ONEONONE_TOKEN_KEY"
PLAINTEXT_ENV = "ONEONONE_INSECURE_PLAINTEXT_TOKENS"

_MAGIC = b"O1T1"  # format marker, bumped if the layout ever changes
_KEY_ID_LEN = 8
_NONCE_LEN = 12
_SUFFIX = ".token"

HOW_TO_FIX = f"""\
no safe place to keep OAuth tokens: no OS keyring backend is available and no token key is set.
Do one of these:
  * under systemd (recommended on servers): create a key once and load it as a credential
        sudo install -d -m 0700 /etc/oneonone
        head -c 32 /dev/urandom | base64 | sudo tee /etc/oneonone/token.key >/dev/null
        sudo chmod 0400 /etc/oneonone/token.key
    and put this line in the [Service] section of the unit:
        LoadCredential={KEY_CREDENTIAL}:/etc/oneonone/token.key
  * anywhere else: export {KEY_ENV}=$(head -c 32 /dev/urandom | base64)
    (keep that value: tokens written with it cannot be read without it)
  * on a desktop: install a keyring backend (GNOME Keyring / KWallet with a running D-Bus
    session, or macOS Keychain / Windows Credential Manager)
  * for development only: export {PLAINTEXT_ENV}=1 (tokens in plaintext 0600 files)"""


def keyring_is_real(backend: keyring.backend.KeyringBackend) -> bool:
    """True when ``backend`` actually keeps secrets (not fail/null/empty chainer/plaintext)."""
    module = type(backend).__module__
    if module.startswith("keyrings.alt") or module in (
        "keyring.backends.fail",
        "keyring.backends.null",
    ):
        return False
    if module == "keyring.backends.chainer":
        chained = list(getattr(backend, "backends", []))
        return bool(chained) and backend.priority > 0 and all(map(keyring_is_real, chained))
    return True


class KeyringStore:
    """Tokens in the OS keyring (Secret Service, KWallet, macOS Keychain, Windows)."""

    def __init__(self, service: str = "oneonone") -> None:
        import keyring

        backend = keyring.get_keyring()
        if not keyring_is_real(backend):
            raise CredentialsError(HOW_TO_FIX)
        self.service = service
        self.backend = backend

    def get(self, name: str) -> str | None:
        with self._explained(name):
            return self.backend.get_password(self.service, name)

    def contains(self, name: str) -> bool:
        return self.get(name) is not None

    def set(self, name: str, value: str) -> None:
        with self._explained(name):
            self.backend.set_password(self.service, name, value)

    def delete(self, name: str) -> None:
        import keyring.errors

        with self._explained(name), contextlib.suppress(keyring.errors.PasswordDeleteError):
            self.backend.delete_password(self.service, name)

    @contextlib.contextmanager
    def _explained(self, name: str) -> Iterator[None]:
        import keyring.errors

        try:
            yield
        except keyring.errors.KeyringError as exc:
            raise CredentialsError(
                f"the OS keyring ({type(self.backend).__module__}) failed for {name}: {exc}. "
                "Unlock the keyring, or use a token key instead (see 'oneonone doctor')"
            ) from exc


class _FileStore:
    """One file per name in a 0700 folder; files 0600, written atomically."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if stat.S_IMODE(folder.stat().st_mode) != 0o700:
            folder.chmod(0o700)

    def path_for(self, name: str) -> Path:
        digest = hashlib.sha256(name.encode("utf-8")).hexdigest()
        return self.folder / f"{digest}{_SUFFIX}"

    def contains(self, name: str) -> bool:
        """Whether a token is stored under ``name``: one look at the folder, nothing read."""
        return self.path_for(name).exists()

    def _read(self, name: str) -> bytes | None:
        path = self.path_for(name)
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            return None
        if mode & 0o077:
            raise CredentialsError(
                f"token file {path} (for {name}) has mode {mode:04o}, readable by others; "
                f"refusing to use it. Check who could have read it, then run: chmod 600 {path}"
            )
        return path.read_bytes()

    def _write(self, name: str, data: bytes) -> None:
        path = self.path_for(name)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=self.folder)  # created 0600
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        self._sync_folder()
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode != 0o600:
            raise CredentialsError(f"token file {path} ended up with mode {mode:04o}, not 0600")

    def delete(self, name: str) -> None:
        self.path_for(name).unlink(missing_ok=True)
        self._sync_folder()

    def _sync_folder(self) -> None:
        fd = os.open(self.folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class EncryptedFileStore(_FileStore):
    """Tokens as AES-256-GCM files: magic, key id, random nonce, ciphertext.

    The name is associated data, so a file renamed to another manager's slot does not decrypt.
    The key id (a hash of the key, not the key) tells "wrong key" apart from "file altered".
    A file written with the old reading of a passphrase (see ``token_key``) is read with that
    and written again with the new key.
    """

    def __init__(self, folder: Path, key: bytes | TokenKey) -> None:
        self.token_key = key if isinstance(key, TokenKey) else TokenKey(key, "raw")
        if self.token_key.kind == "raw" and len(self.token_key.material) != 32:
            raise CredentialsError(
                f"the token key must be 32 bytes, got {len(self.token_key.material)}"
            )
        super().__init__(folder)
        derived = self.token_key.derive(folder)
        self._aead = AESGCM(derived)
        self.key_id = _key_id(derived)
        legacy = self.token_key.legacy
        self._legacy = (_key_id(legacy), AESGCM(legacy)) if legacy is not None else None

    def get(self, name: str) -> str | None:
        blob = self._read(name)
        if blob is None:
            return None
        path = self.path_for(name)
        head = len(_MAGIC) + _KEY_ID_LEN
        if len(blob) < head + _NONCE_LEN + 16 or not blob.startswith(_MAGIC):
            raise CredentialsError(
                f"token file {path} (for {name}) is not a oneonone token file or is truncated; "
                f"delete it and run 'oneonone auth login {_email(name)}' again"
            )
        aead = self._aead_for(blob[len(_MAGIC) : head])
        if aead is None:
            raise CredentialsError(
                f"token file {path} (for {name}) was written with a different token key "
                f"(key id {blob[len(_MAGIC) : head].hex()}, the current key is "
                f"{self.key_id.hex()}); restore the old key, or run "
                f"'oneonone auth login {_email(name)}' again"
            )
        nonce = blob[head : head + _NONCE_LEN]
        try:
            plain = aead.decrypt(nonce, blob[head + _NONCE_LEN :], blob[:head] + _ad(name))
        except InvalidTag:
            raise CredentialsError(
                f"token file {path} (for {name}) was altered or corrupted and fails its "
                f"integrity check; delete it and run 'oneonone auth login {_email(name)}' again"
            ) from None
        value = plain.decode("utf-8")
        if aead is not self._aead:
            self.set(name, value)
            log.warning(
                "token file %s (for %s) was written when the token key's 32 characters were "
                "used as the key itself; it is now encrypted with the key scrypt derives from "
                "them. Better still, switch to a random key (%s) and log in again",
                path,
                name,
                MAKE_ONE,
            )
        return value

    def _aead_for(self, key_id: bytes) -> AESGCM | None:
        """The cipher for files written with ``key_id``: the key, its legacy reading, or none."""
        if key_id == self.key_id:
            return self._aead
        if self._legacy is not None and key_id == self._legacy[0]:
            return self._legacy[1]
        return None

    def set(self, name: str, value: str) -> None:
        header = _MAGIC + self.key_id
        nonce = secrets.token_bytes(_NONCE_LEN)
        sealed = self._aead.encrypt(nonce, value.encode("utf-8"), header + _ad(name))
        self._write(name, header + nonce + sealed)


class PlaintextFileStore(_FileStore):
    """Tokens in plaintext 0600 files: development only, selected explicitly."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        log.warning(
            "OAuth tokens are stored UNENCRYPTED in %s because %s=1; use a token key "
            "or a keyring in production",
            folder,
            PLAINTEXT_ENV,
        )

    def get(self, name: str) -> str | None:
        blob = self._read(name)
        return None if blob is None else blob.decode("utf-8")

    def set(self, name: str, value: str) -> None:
        self._write(name, value.encode("utf-8"))


def _key_id(key: bytes) -> bytes:
    return hashlib.sha256(b"oneonone token key id\0" + key).digest()[:_KEY_ID_LEN]


def _ad(name: str) -> bytes:
    return b"oneonone-token:" + name.encode("utf-8")


def _email(name: str) -> str:
    return name.partition(":")[2] or name


def find_key(environ: Mapping[str, str]) -> TokenKey | None:
    """The token key from systemd credentials, then from the environment; None if neither."""
    cred_dir = environ.get("CREDENTIALS_DIRECTORY")
    if cred_dir:
        path = Path(cred_dir) / KEY_CREDENTIAL
        if path.is_file():
            return parse_key(path.read_bytes(), source=str(path))
    value = environ.get(KEY_ENV)
    if value:
        return parse_key(value.encode("utf-8", "surrogateescape"), source=f"${KEY_ENV}")
    return None


def select_store(*, state_dir: Path, environ: Mapping[str, str]) -> SecretStore:
    """The token store for this process, chosen the same way by the daemon and ``auth login``.

    An explicitly supplied key wins over the keyring, so that ``oneonone auth login`` run by
    hand with the key writes where the systemd service (which has no keyring) will read.
    """
    key = find_key(environ)
    if key is not None:
        return EncryptedFileStore(state_dir / "tokens", key)
    import keyring

    if keyring_is_real(keyring.get_keyring()):
        return KeyringStore()
    if environ.get(PLAINTEXT_ENV) == "1":
        return PlaintextFileStore(state_dir / "tokens-plaintext")
    raise CredentialsError(HOW_TO_FIX)


def describe(store: SecretStore) -> str:
    """One paragraph for ``oneonone doctor``: backend, folder, modes and anything wrong."""
    if isinstance(store, KeyringStore):
        backend = type(store.backend)
        return f"OS keyring {backend.__module__}.{backend.__qualname__} (service {store.service!r})"
    if not isinstance(store, _FileStore):
        return f"{type(store).__qualname__} (unknown store)"
    kind = (
        f"AES-GCM encrypted files (key id {store.key_id.hex()}, {_key_kind(store.token_key)})"
        if isinstance(store, EncryptedFileStore)
        else "PLAINTEXT files (development only)"
    )
    folder_mode = stat.S_IMODE(store.folder.stat().st_mode)
    lines = [f"{kind} in {store.folder} (folder mode {folder_mode:04o})"]
    files = sorted(store.folder.glob(f"*{_SUFFIX}"))
    wide = [p for p in files if stat.S_IMODE(p.stat().st_mode) & 0o077]
    lines.append(f"  {len(files)} token file(s), {len(files) - len(wide)} with mode 0600")
    if folder_mode != 0o700:
        lines.append(f"  PROBLEM: folder should be 0700: chmod 700 {store.folder}")
    lines += [f"  PROBLEM: readable by others: chmod 600 {p}" for p in wide]
    return "\n".join(lines)


def _key_kind(key: TokenKey) -> str:
    if key.kind == "raw":
        return "a random key"
    return "a passphrase through scrypt"
