"""A service-account key as Google's console hands it out, with a fresh RSA key, for tests that
sign in with domain-wide delegation against the sandbox (which checks the JWT's signature)."""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def service_account_info(
    client_email: str = "oneonone@p.iam.gserviceaccount.com", *, token_uri: str | None = None
) -> dict[str, str]:
    """The key file's fields (``token_uri`` only when given: the sandbox's ``…/token``)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    info = {
        "type": "service_account",
        "project_id": "p",
        "private_key_id": "k1",
        "private_key": pem,
        "client_email": client_email,
        "client_id": "1",
    }
    return info if token_uri is None else {**info, "token_uri": token_uri}
