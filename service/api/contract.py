"""What every operation promises about bodies and errors, in code and in /openapi.json.

- JSON bodies nested deeper than :data:`MAX_JSON_DEPTH` are refused with 400 *before* they
  are parsed (``json.loads`` recurses, so a deep body would otherwise be a RecursionError).
- :class:`ErrorResponses` adds the error responses that follow from an operation's shape
  to the document, all with the one error schema: 401/403 where a key is needed, 404 where
  the path names an id, 400/413/415/422 where a JSON body is read, 503 where Neo4j is read.
  Responses peculiar to one operation (409 on refresh, 404 on /v1/seeds) are declared on
  the view with ``alt_response``.
"""

from __future__ import annotations

import json
import re
from typing import Any

import flask
import flask_smorest
import numpy as np
from apispec import BasePlugin
from webargs import missing
from webargs.flaskparser import FlaskParser, is_json_request

from ..errors import ApiError, ErrorSchema

MAX_JSON_DEPTH = 32
# A JSON string, also an unterminated one (it then runs to the end of the body): matched
# atomically and always successfully, so scanning a body is linear whatever it holds.
_JSON_STRING = re.compile(rb'"(?>[^"\\]+|\\[\s\S]?)*+(?:"|\Z)')
_OPEN = np.frombuffer(b"[{", dtype=np.uint8)
_CLOSE = np.frombuffer(b"]}", dtype=np.uint8)


def json_depth(body: bytes) -> int:
    """Deepest nesting of arrays and objects in a JSON text (strings ignored), without
    parsing it: vectorised, so a 16 MB body takes milliseconds and no recursion."""
    structure = np.frombuffer(_JSON_STRING.sub(b"", body), dtype=np.uint8)
    step = np.isin(structure, _OPEN).astype(np.int32) - np.isin(structure, _CLOSE)
    return int(np.cumsum(step).max(initial=0))


def refuse_constant(name: str) -> Any:
    """NaN and Infinity are not JSON (Python's parser takes them)."""
    raise ValueError(f"{name} is not a JSON value")


class JsonParser(FlaskParser):
    """webargs' Flask parser, strict about what JSON is: over-deep bodies are refused with
    400 before parsing; NaN/Infinity and integers too long to convert are 400, not 500."""

    def load_json(self, req: Any, schema: Any) -> Any:
        if flask.request.is_json:
            depth = json_depth(req.get_data(cache=True))
            if depth > MAX_JSON_DEPTH:
                raise ApiError(400, f"JSON body nested {depth} levels deep; the limit is "
                                    f"{MAX_JSON_DEPTH}")
        try:
            return super().load_json(req, schema)
        except RecursionError as exc:  # not reachable under the limit; never a 500
            raise ApiError(400, "JSON body nested too deeply") from exc
        except ValueError as exc:  # not a JSONDecodeError (webargs answers those)
            raise ApiError(400, f"malformed JSON body: {exc}") from exc

    def _raw_load_json(self, req: Any) -> Any:
        if not is_json_request(req):
            return missing
        return json.loads(req.get_data(cache=True).decode("utf-8"),
                          parse_constant=refuse_constant)


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint with the depth-checked JSON parser."""

    ARGUMENTS_PARSER = JsonParser()


ERRORS = {
    400: f"malformed JSON body, or one nested deeper than {MAX_JSON_DEPTH} levels",
    401: "missing or unknown API key",
    403: "the key's role is below the one this endpoint needs",
    404: "no such id (the message names it)",
    413: "more rows than CM_MAX_ROWS, or a body over CM_MAX_BODY_MB",
    415: "the body is not sent as application/json",
    422: "invalid input: `errors` says where (location, row index, field)",
    503: "Neo4j is unavailable or no refresh has succeeded yet; retry after Retry-After "
         "seconds",
}
RETRY_AFTER = {"description": "seconds to wait before retrying",
               "schema": {"type": "integer", "minimum": 1}}


def document_row_limit(spec: Any, entities: Any, max_rows: int) -> None:
    """Write this server's CM_MAX_ROWS into the ingest bodies' schemas (``maxItems``)."""
    schemas = spec.components.schemas
    for entity in entities:
        name = f"{entity.title()}Batch"
        if name in schemas:
            schemas[name]["properties"][entity]["maxItems"] = max_rows


class ErrorResponses(BasePlugin):
    """apispec plugin: the error responses that follow from each operation's shape."""

    def init_spec(self, spec: Any) -> None:
        self.spec = spec
        for code, description in ERRORS.items():
            response: dict[str, Any] = {
                "description": description,
                "content": {"application/json": {"schema": ErrorSchema}},
            }
            if code == 503:
                response["headers"] = {"Retry-After": RETRY_AFTER}
            spec.components.response(f"Error{code}", response)

    def operation_helper(self, path: str | None = None, operations: dict[str, Any] | None = None,
                         **kwargs: Any) -> None:
        for operation in (operations or {}).values():
            codes = []
            if operation.get("security"):
                codes += [401, 403]
            if path and "{" in path:
                codes.append(404)
            if "requestBody" in operation:
                codes += [400, 413, 415, 422]
            if path and (path.startswith("/v1/") or path == "/readyz"):
                codes.append(503)
            responses = operation.setdefault("responses", {})
            for code in codes:
                if str(code) not in responses and code not in responses:
                    responses[str(code)] = f"Error{code}"
