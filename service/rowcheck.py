"""Ingest rows that are plainly valid, checked without marshmallow's per-field machinery.

marshmallow loads ~15-25k rows/s on this machine: more time than Neo4j takes to write them.
The row schemas (service/schemas.py) stay the only definition of what is valid: this module
compiles each one into a plain function that returns exactly what ``schema.load(row)``
returns, or ``None`` ("not plainly valid": the caller hands the row to the schema, which
decides and words the error). So accept/reject decisions and messages cannot differ.

A compiled check runs the schema's own validators (``validate=`` of each field, its
``@validates_schema`` methods); it only replaces type conversion, for the field classes it
knows and only for easy inputs: strings of printable characters (no control, format,
surrogate or unassigned code points: any rule about those is the schema's), real ints and
bools, ISO-8601 timestamps with an offset, lists of those. A schema using anything else
(another field class, pre/post-load hooks, data_key, ...) is not compiled: all its rows go
through marshmallow. tests/test_rowcheck.py holds both to the same answers on a corpus.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import marshmallow as ma
from marshmallow.decorators import POST_LOAD, PRE_LOAD, VALIDATES, VALIDATES_SCHEMA
from marshmallow.utils import is_collection

Check = Callable[[Any], dict[str, Any] | None]
Convert = Callable[[Any], Any]
NOT_PLAIN: Any = object()  # a converter's "ask the schema" answer


class NotCompiled(Exception):
    """A schema (or field) uses something this module does not reproduce."""


def _text(value: Any) -> Any:
    return value if type(value) is str and value.isprintable() else NOT_PLAIN


def _integer(value: Any) -> Any:
    return value if type(value) is int else NOT_PLAIN  # not bool, not "12", not 1.0


def _boolean(value: Any) -> Any:
    return value if value is True or value is False else NOT_PLAIN


def _timestamp(value: Any) -> Any:
    # marshmallow's iso format is datetime.fromisoformat; aware and representable in UTC
    if type(value) is not str:
        return NOT_PLAIN
    try:
        parsed = datetime.fromisoformat(value)
        if parsed.utcoffset() is None:
            return NOT_PLAIN
        parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        return NOT_PLAIN
    return parsed


def _is_length(validator: Callable[[Any], Any]) -> bool:
    return isinstance(validator, ma.validate.Length) and validator.equal is None


def _bounds(length: Any) -> tuple[float, float]:
    return (-1 if length.min is None else length.min,
            float("inf") if length.max is None else length.max)


def _predicate(validator: Callable[[Any], Any]) -> Callable[[Any], bool]:
    """A validator as a yes/no function: marshmallow's common ones inlined (same rules)."""
    if _is_length(validator):
        low, high = _bounds(validator)
        return lambda value: low <= len(value) <= high
    if isinstance(validator, ma.validate.OneOf):
        choices = frozenset(validator.choices)
        return lambda value: type(value) is str and value in choices

    def call(value: Any) -> bool:
        try:
            validator(value)
        except ma.ValidationError:
            return False
        return True

    return call


def _validated(convert: Convert, validators: list[Callable[[Any], Any]]) -> Convert:
    if convert is _text and len(validators) == 1 and _is_length(validators[0]):
        # the common case in one call: ids, handles, names, topics
        low, high = _bounds(validators[0])
        return lambda value: (value if type(value) is str and low <= len(value) <= high
                              and value.isprintable() else NOT_PLAIN)
    tests = [_predicate(v) for v in validators]
    if not tests:
        return convert

    def run(value: Any) -> Any:
        out = convert(value)
        if out is NOT_PLAIN:
            return out
        for test in tests:
            if not test(out):
                return NOT_PLAIN
        return out

    return run


def _list(inner: Convert) -> Convert:
    def convert(value: Any) -> Any:
        if type(value) is not list:
            return NOT_PLAIN
        out = [inner(item) for item in value]
        return NOT_PLAIN if any(v is NOT_PLAIN for v in out) else out

    return convert


def field_converter(field: ma.fields.Field) -> Convert:
    """value → converted and validated value, or NOT_PLAIN; raises NotCompiled."""
    if field.pre_load or field.data_key is not None or field.attribute is not None:
        raise NotCompiled(f"{field!r}: pre_load, data_key or attribute")
    convert: Convert
    if isinstance(field, ma.fields.String) and not isinstance(field, ma.fields.UUID):
        convert = _text  # the project's Text only adds rules about non-printable characters
    elif isinstance(field, ma.fields.Integer):
        convert = _integer
    elif isinstance(field, ma.fields.Boolean) and True in field.truthy and False in field.falsy:
        convert = _boolean
    elif isinstance(field, ma.fields.AwareDateTime) and field.format in (None, "iso"):
        convert = _timestamp
    elif type(field) is ma.fields.List:
        convert = _list(field_converter(field.inner))
    else:
        raise NotCompiled(f"{type(field).__name__} is not a known field class")
    return _validated(convert, list(field.validators))


def compile_schema(schema_class: type[ma.Schema]) -> Check:
    """A plain check for rows of ``schema_class`` (raises NotCompiled when it cannot)."""
    schema = schema_class()
    hooks = schema._hooks
    if schema.opts.unknown != ma.RAISE or any(hooks[t] for t in (PRE_LOAD, POST_LOAD, VALIDATES)):
        raise NotCompiled(f"{schema_class.__name__}: unknown fields allowed, or load hooks")
    if any(many or kw.get("pass_original") for _, many, kw in hooks[VALIDATES_SCHEMA]):
        raise NotCompiled(f"{schema_class.__name__}: a collection-level schema validator")
    checks = [getattr(schema, name) for name, _, _ in hooks[VALIDATES_SCHEMA]]
    fields = []
    for name, field in schema.load_fields.items():
        default = field.load_default
        fields.append((name, field_converter(field), field.required, field.allow_none,
                       default is not ma.missing, default))
    if any(f.dump_only for f in schema.fields.values()):
        raise NotCompiled(f"{schema_class.__name__}: dump-only fields")
    names = frozenset(schema.load_fields)

    def check(row: Any) -> dict[str, Any] | None:
        if type(row) is not dict or not names.issuperset(row):
            return None
        out: dict[str, Any] = {}
        for name, convert, required, allow_none, has_default, default in fields:
            if name not in row:
                if required:
                    return None
                if has_default:
                    out[name] = default() if callable(default) else default
                continue
            value = row[name]
            if value is None:
                if not allow_none:
                    return None
                out[name] = None
                continue
            value = convert(value)
            if value is NOT_PLAIN:
                return None
            out[name] = value
        try:
            for validate in checks:
                validate(out, partial=None, many=False, unknown=ma.RAISE)
        except ma.ValidationError:
            return None
        return out

    return check


def plain_check(schema_class: type[ma.Schema]) -> Check:
    """``compile_schema``, or a check that sends every row to the schema when it cannot."""
    try:
        return compile_schema(schema_class)
    except NotCompiled:
        return lambda row: None


class PlainRows(ma.fields.List):
    """A list of rows of one schema (a request body's rows): plainly valid rows skip
    marshmallow, the others are loaded by the schema, with its errors keyed by index."""

    def __init__(self, schema_class: type[ma.Schema], **kwargs: Any) -> None:
        super().__init__(ma.fields.Nested(schema_class), **kwargs)
        self.check = plain_check(schema_class)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[Any]:
        if not is_collection(value):
            raise self.make_error("invalid")
        result: list[Any] = []
        errors: dict[int, Any] = {}
        for index, item in enumerate(value):
            out = self.check(item)
            if out is None:  # as ma.fields.List does it
                try:
                    out = self.inner.deserialize(item, **kwargs)
                except ma.ValidationError as error:
                    if error.valid_data is not None:
                        result.append(error.valid_data)
                    errors[index] = error.messages
                    continue
            result.append(out)
        if errors:
            raise ma.ValidationError(errors, valid_data=result)
        return result
