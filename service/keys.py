"""API keys (pure: no web layer): hashed at rest, compared in constant time, each with a role.

Roles are ordered: ``read`` < ``write`` < ``admin``; a key satisfies every role at or
below its own (an admin key may also ingest and read).

Keys are configured as ``CM_API_KEYS="name:role:sha256hex,..."``. Create one with
``community-map keys create --name NAME --role ROLE``: it prints the secret once and the
entry to add. Without ``CM_API_KEYS`` the app uses the fixed development keys below and
says so loudly at start; they are public and must never be used in production.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

ROLES = ("read", "write", "admin")
DEV_KEYS = {
    "read": "cm-dev-read-NOT-FOR-PRODUCTION",
    "write": "cm-dev-write-NOT-FOR-PRODUCTION",
    "admin": "cm-dev-admin-NOT-FOR-PRODUCTION",
}


@dataclass(frozen=True)
class ApiKey:
    """A configured key: a name for logs, its role and the SHA-256 of the secret."""

    name: str
    role: str
    sha256: str


def hash_key(secret: str) -> str:
    """SHA-256 hex of a key (keys are 256-bit random, so a fast hash is enough)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_api_keys(raw: str) -> tuple[ApiKey, ...]:
    """Parse ``name:role:sha256hex`` entries separated by commas."""
    keys = []
    for i, entry in enumerate(e.strip() for e in raw.split(",") if e.strip()):
        parts = entry.split(":")
        if len(parts) != 3:
            raise ValueError(f"entry {i + 1} must be name:role:sha256hex")
        name, role, digest = parts
        if role not in ROLES:
            raise ValueError(f"entry {i + 1} ({name}): role must be one of {', '.join(ROLES)}")
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest.lower()):
            raise ValueError(f"entry {i + 1} ({name}): expected a 64-digit SHA-256 hex digest")
        keys.append(ApiKey(name=name, role=role, sha256=digest.lower()))
    if not keys:
        raise ValueError("no keys given")
    return tuple(keys)


def dev_keys() -> tuple[ApiKey, ...]:
    """The public development keys, one per role."""
    return tuple(ApiKey(f"dev-{role}", role, hash_key(k)) for role, k in DEV_KEYS.items())


def new_key(name: str, role: str) -> tuple[str, str]:
    """A fresh random key and its ``CM_API_KEYS`` entry."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    secret = "cm_" + secrets.token_urlsafe(32)
    return secret, f"{name}:{role}:{hash_key(secret)}"


def find_key(secret: str, keys: tuple[ApiKey, ...]) -> ApiKey | None:
    """The configured key matching secret; every entry is compared, in constant time."""
    digest = hash_key(secret)
    found = None
    for key in keys:
        if hmac.compare_digest(digest, key.sha256):
            found = key
    return found
