"""Cypher queries kept as files in ``cypher/``, one per file, looked up by name.

The files are package data of this package (``service/cypher/``, read through
:mod:`importlib.resources`, so a regular ``pip install`` carries them); the repository's
top-level ``cypher/`` is a symlink to this folder, where analysts find them.

A file ``cypher/load/merge_follows.cypher`` is the query ``load/merge_follows``. It opens
with a ``//`` header::

    // purpose: what it does and why
    // params: rows, since          (every $parameter the body uses; "none" if none)
    // mode: read | write | gds | schema   (decides routing: see service.db)
    // name: load/merge_follows     (optional; defaults to the path)

Schema files may hold several statements separated by ``;``. The loader fails fast,
naming the file, on an empty body, a duplicate name, a missing header line, or a
``$parameter`` that the header does not declare (or one declared but never used).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

# an installed package is a folder on disk (wheels are unpacked), so the library can walk it
CYPHER_DIR = Path(str(resources.files(__name__)))
MODES = ("read", "write", "gds", "schema")
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
# strings and comments in one pass, leftmost first: an apostrophe in a comment does not
# open a string, and '//' inside a string is not a comment
_STRING_OR_COMMENT = re.compile(
    r"(?P<s>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`)|(?P<c>//[^\n]*)"
)


class CypherFileError(ValueError):
    """A query file is malformed; the message names the file."""


@dataclass(frozen=True)
class Query:
    """One named query: its text, declared parameters, mode and source file (the header's
    purpose line is for readers and is only required to be there)."""

    name: str
    text: str
    params: frozenset[str]
    mode: str
    path: Path

    @property
    def autocommit(self) -> bool:
        """True when the query batches itself (``IN TRANSACTIONS``): it must run in an
        auto-commit transaction."""
        return "IN TRANSACTIONS" in _code_only(self.text).upper()

    @property
    def statements(self) -> list[str]:
        """The body split on ``;`` (schema files hold several statements)."""
        return [s.strip() for s in self.text.split(";") if s.strip()]


def _code_only(text: str) -> str:
    """Text with comments and string literals removed (so '$x' inside a string is ignored)."""
    return _STRING_OR_COMMENT.sub(lambda m: "''" if m.group("s") else "", text)


def parse_file(path: Path, root: Path) -> Query:
    """Parse and validate one query file."""
    raw = path.read_text(encoding="utf-8")
    header: dict[str, str] = {}
    body_lines: list[str] = []
    in_header = True
    for line in raw.splitlines():
        stripped = line.strip()
        if in_header and stripped.startswith("//"):
            key, sep, value = stripped[2:].strip().partition(":")
            if sep and key.strip().lower() in {"purpose", "params", "mode", "name"}:
                header[key.strip().lower()] = value.strip()
            continue
        if in_header and not stripped:
            continue
        in_header = False
        body_lines.append(line)
    body = "\n".join(body_lines).strip()
    rel = path.relative_to(root)
    if not body or not _code_only(body).strip(" \n;"):
        raise CypherFileError(f"{rel}: empty query file")
    for key in ("purpose", "params", "mode"):
        if key not in header:
            raise CypherFileError(f"{rel}: header line '// {key}: ...' is missing")
    mode = header["mode"].lower()
    if mode not in MODES:
        raise CypherFileError(f"{rel}: mode must be one of {', '.join(MODES)}, got {mode!r}")
    declared = {
        p.strip().lstrip("$")
        for p in header["params"].split(",")
        if p.strip() and p.strip().lower() != "none"
    }
    used = set(_PARAM.findall(_code_only(body)))
    undeclared = used - declared
    if undeclared:
        raise CypherFileError(
            f"{rel}: parameter(s) {', '.join(sorted('$' + p for p in undeclared))} "
            "used but not declared in '// params:'"
        )
    unused = declared - used
    if unused:
        raise CypherFileError(
            f"{rel}: parameter(s) {', '.join(sorted(unused))} declared but never used"
        )
    name = header.get("name") or rel.with_suffix("").as_posix()
    return Query(
        name=name,
        text=body,
        params=frozenset(declared),
        mode=mode,
        path=path,
    )


class QueryLibrary:
    """All queries under a folder, validated at load, looked up by name."""

    def __init__(self, root: Path = CYPHER_DIR):
        self.root = root
        self._queries: dict[str, Query] = {}
        for path in sorted(root.rglob("*.cypher")):
            query = parse_file(path, root)
            if query.name in self._queries:
                other = self._queries[query.name].path.relative_to(root)
                raise CypherFileError(
                    f"{path.relative_to(root)}: duplicate query name {query.name!r} "
                    f"(also defined by {other})"
                )
            self._queries[query.name] = query
        if not self._queries:
            raise CypherFileError(f"{root}: no .cypher files found")

    def __getitem__(self, name: str) -> Query:
        try:
            return self._queries[name]
        except KeyError:
            raise KeyError(f"no Cypher query named {name!r} under {self.root}") from None

    def __contains__(self, name: object) -> bool:
        return name in self._queries

    def names(self, prefix: str = "") -> list[str]:
        """Sorted names, optionally only those under a folder prefix."""
        return sorted(n for n in self._queries if n.startswith(prefix))


_library: QueryLibrary | None = None


def library() -> QueryLibrary:
    """The process-wide library of ``cypher/`` (loaded once, on first use)."""
    global _library
    if _library is None:
        _library = QueryLibrary()
    return _library


def query(name: str) -> Query:
    """Look up one query by name."""
    return library()[name]
