"""``DELETE /v1/accounts/<id>`` (role ``admin``): forget an account everywhere."""

from __future__ import annotations

from typing import Any

from flask import g

from ..auth import require_role
from ..errors import ApiError
from ..forget import NothingToForget, forget_account
from . import SECURITY, db
from .answers import ForgottenSchema
from .contract import Blueprint

blp = Blueprint("forget", __name__, url_prefix="/v1",
                description="Delete one account's data everywhere (right to erasure)")


@blp.route("/accounts/<account_id>", methods=["DELETE"])
@require_role("admin")
@blp.doc(security=SECURITY)
@blp.response(200, ForgottenSchema)
def delete_account(account_id: str) -> dict[str, Any]:
    """Delete an account, its follows, interactions, posts and adoptions, and its results in
    every retained run (role admin).

    Seed sets, leader and broker lists and early-adopter lists that named it lose the
    entry. The deletion is recorded (key name and time, not the account). Repeating it
    answers 404: nothing is left. Community sizes of existing runs still count the account
    until the next refresh."""
    try:
        return forget_account(db(), account_id, by=g.api_key.name).as_dict()
    except NothingToForget as exc:
        raise ApiError(404, f"no account {account_id!r} (never stored, or already "
                            "deleted)") from exc
