"""The Cypher file loader: every shipped file loads; malformed files fail naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.cypher import CYPHER_DIR, CypherFileError, QueryLibrary

HEADER = "// purpose: test\n// params: {params}\n// mode: read\n"


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_every_shipped_file_loads() -> None:
    lib = QueryLibrary(CYPHER_DIR)
    assert "health/ready" in lib
    assert len(lib.names("schema/")) >= 2
    for name in lib.names():
        assert lib[name].text.strip()


def test_lookup_by_name_with_params(tmp_path: Path) -> None:
    write(tmp_path, "a/find.cypher", HEADER.format(params="id") + "MATCH (n {id: $id}) RETURN n")
    q = QueryLibrary(tmp_path)["a/find"]
    assert q.params == {"id"} and q.mode == "read"


def test_duplicate_name_fails_naming_the_file(tmp_path: Path) -> None:
    write(tmp_path, "a/one.cypher", "// name: dup\n" + HEADER.format(params="none") + "RETURN 1")
    write(tmp_path, "b/two.cypher", "// name: dup\n" + HEADER.format(params="none") + "RETURN 2")
    with pytest.raises(CypherFileError, match=r"b/two\.cypher.*duplicate.*a/one\.cypher"):
        QueryLibrary(tmp_path)


def test_empty_file_fails_naming_the_file(tmp_path: Path) -> None:
    write(tmp_path, "a/empty.cypher", HEADER.format(params="none") + "\n  \n")
    with pytest.raises(CypherFileError, match=r"a/empty\.cypher: empty"):
        QueryLibrary(tmp_path)


def test_undeclared_parameter_fails_naming_the_file(tmp_path: Path) -> None:
    body = "MATCH (n {id: $id, x: $other}) RETURN n"
    write(tmp_path, "a/q.cypher", HEADER.format(params="id") + body)
    with pytest.raises(CypherFileError, match=r"a/q\.cypher: parameter\(s\) \$other"):
        QueryLibrary(tmp_path)


def test_dollar_inside_string_or_comment_is_not_a_parameter(tmp_path: Path) -> None:
    text = HEADER.format(params="none") + "// costs $5\nRETURN 'price: $cheap' AS s"
    write(tmp_path, "a/s.cypher", text)
    assert QueryLibrary(tmp_path)["a/s"].params == frozenset()


def test_missing_header_fails(tmp_path: Path) -> None:
    write(tmp_path, "a/h.cypher", "RETURN 1")
    with pytest.raises(CypherFileError, match=r"a/h\.cypher: header line '// purpose"):
        QueryLibrary(tmp_path)


def test_apostrophe_in_a_comment_does_not_hide_parameters(tmp_path: Path) -> None:
    text = HEADER.format(params="id") + "// the server's order\nMATCH (n {id: $id}) RETURN n"
    write(tmp_path, "a/c.cypher", text)
    assert QueryLibrary(tmp_path)["a/c"].params == {"id"}


def test_double_slash_inside_a_string_is_not_a_comment(tmp_path: Path) -> None:
    text = HEADER.format(params="id") + "RETURN 'http://x' AS u, $id AS id"
    write(tmp_path, "a/u.cypher", text)
    assert QueryLibrary(tmp_path)["a/u"].params == {"id"}
