"""marshmallow fields that carry the storage rules of ingested values: text without
control characters or lone surrogates, timezone-aware timestamps representable in UTC, JSON
booleans, ids and topic lists within their limits (shared by the API and the bulk loader)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import marshmallow as ma

MAX_ID_LENGTH = 256
MAX_TOPICS = 32
MAX_TOPIC_LENGTH = 64

# C0 controls (incl. NUL, tab and newline), DEL and C1 controls: invisible, they break
# logs, CSV exports and terminals, and NUL is cut off by many tools. The same rule is
# published in the OpenAPI document as a pattern (ECMA-262 syntax, understood by clients).
CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
NO_CONTROL_CHARS = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$"


class Text(ma.fields.String):
    """A string that can be stored: valid UTF-8 (no lone surrogates), no control characters."""

    def __init__(self, metadata: dict[str, object] | None = None, **kwargs: Any) -> None:
        super().__init__(metadata={"pattern": NO_CONTROL_CHARS, **(metadata or {})}, **kwargs)

    def _deserialize(self, value: object, attr: str | None, data: object, **kwargs: object) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ma.ValidationError("not valid UTF-8 text (lone surrogate)") from exc
        bad = CONTROL_CHARS.search(text)
        if bad:
            raise ma.ValidationError(
                f"control character U+{ord(bad.group()):04X} at position {bad.start()} is "
                "not allowed (U+0000-U+001F, U+007F-U+009F)")
        return text


class StrictBoolean(ma.fields.Boolean):
    """JSON true or false only (marshmallow's Boolean also takes 0, 1, "yes", ...; the
    contract says boolean). CSV's "true"/"false" cells are converted by the bulk reader."""

    def _deserialize(self, value: object, attr: str | None, data: object,
                     **kwargs: object) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class Timestamp(ma.fields.AwareDateTime):
    """An ISO-8601 timestamp with a timezone that is representable in UTC."""

    def __init__(self, metadata: dict[str, object] | None = None, **kwargs: Any) -> None:
        note = ("with a timezone; stored in UTC, so the instant must fall between "
                "0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z")
        super().__init__(metadata={"description": note, **(metadata or {})}, **kwargs)

    def _deserialize(self, value: object, attr: str | None, data: object,
                     **kwargs: object) -> datetime:
        parsed = super()._deserialize(value, attr, data, **kwargs)
        try:
            parsed.astimezone(UTC)
        except OverflowError as exc:
            raise ma.ValidationError("timestamp out of range") from exc
        return parsed


_id = ma.validate.Length(min=1, max=MAX_ID_LENGTH)


def id_field(**kwargs: Any) -> Text:
    """A non-empty id of at most MAX_ID_LENGTH characters."""
    return Text(validate=_id, **kwargs)


def topics_field() -> ma.fields.List:
    """Topic names: short non-empty strings; duplicates are dropped on load."""
    return ma.fields.List(
        Text(validate=ma.validate.Length(min=1, max=MAX_TOPIC_LENGTH)),
        load_default=list,
        validate=ma.validate.Length(max=MAX_TOPICS),
    )
