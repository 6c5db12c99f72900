"""API keys on requests: the key presented, its role checked (401 / 403).

Keys themselves (parsing, hashing, roles, the development keys) are in
:mod:`service.keys`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, g, request

from .errors import ApiError
from .keys import DEV_KEYS, ROLES, ApiKey, find_key

__all__ = ["DEV_KEYS", "check_role", "presented_key", "require_role"]

F = TypeVar("F", bound=Callable[..., Any])


def presented_key() -> str | None:
    """The key sent with the request, from ``Authorization: Bearer`` or ``X-API-Key``."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return request.headers.get("X-API-Key") or None


def check_role(role: str) -> ApiKey:
    """The request's key if it has at least ``role``; else 401 (no/unknown key) or 403."""
    secret = presented_key()
    if secret is None:
        raise ApiError(401, "missing API key: send 'Authorization: Bearer <key>'")
    key = find_key(secret, current_app.config["CM_SETTINGS"].api_keys)
    if key is None:
        raise ApiError(401, "unknown API key")
    if ROLES.index(key.role) < ROLES.index(role):
        raise ApiError(403, f"this endpoint needs a '{role}' key; yours is '{key.role}'")
    g.api_key = key
    return key


def require_role(role: str) -> Callable[[F], F]:
    """Decorator: 401 without a known key, 403 when the key's role is below ``role``."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            check_role(role)
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator
