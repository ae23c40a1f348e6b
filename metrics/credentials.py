"""The admin credential of the upload page: a salted, slow hash, compared in constant time.

The hash is made with ``python -m metrics.ingest hash-password`` and kept by the operator in
``.streamlit/secrets.toml`` (``admin_password_hash``) or the environment
(``QD_DASHBOARD_ADMIN_HASH``), never in the repository. Format:
``pbkdf2_sha256$<iterations>$<salt hex>$<hash hex>``.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets

ALGORITHM = "pbkdf2_sha256"
ITERATIONS = 600_000
MIN_ITERATIONS = 100_000


def hash_password(password: str, iterations: int = ITERATIONS) -> str:
    """A new salted hash of ``password``."""
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return f"{ALGORITHM}${iterations}${salt.hex()}${digest.hex()}"


def is_well_formed(stored: str) -> bool:
    """Whether ``stored`` is a hash this module can check (and slow enough)."""
    parts = stored.split("$")
    try:
        return (len(parts) == 4 and parts[0] == ALGORITHM and int(parts[1]) >= MIN_ITERATIONS
                and len(bytes.fromhex(parts[2])) >= 8 and len(bytes.fromhex(parts[3])) == 32)
    except ValueError:
        return False


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches ``stored``; the comparison takes constant time."""
    if not is_well_formed(stored):
        return False
    _, iterations, salt, expected = stored.split("$")
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), bytes.fromhex(salt),
                                 int(iterations))
    return hmac.compare_digest(digest.hex(), expected)


def configured_hash(secrets_lookup=None) -> str | None:
    """The operator's admin hash: the environment first, then Streamlit secrets (passed in as
    a lookup function so that this module never imports streamlit). None when not set."""
    value = os.environ.get("QD_DASHBOARD_ADMIN_HASH", "").strip()
    if not value and secrets_lookup is not None:
        value = (secrets_lookup("admin_password_hash") or "").strip()
    return value if value and is_well_formed(value) else None
