"""Bulk loading (``community-map load`` / ``import``) against the real Neo4j.

The inputs are the hand-made samples in ``tests/data``: ``good/`` (CSV), ``jsonl/`` (the same
data as JSON Lines) and ``bad/`` (``good/`` plus seven bad lines). Every database test starts
from an empty database (``clean_db``) and drives the CLI through click's ``CliRunner``; the
stored graph is read back and compared as a canonical dump (labels + properties of every
node, type + endpoints + properties of every relationship).
"""

from __future__ import annotations

import csv
import json
import re
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from service import importer, neo4j_local
from service.bulk import WHOLE_FILE, find_files, read_rows, split_file, validated
from service.cli import main
from service.db import Database
from service.settings import Settings, load_settings

from .conftest import suite_env, wipe

DATA = Path(__file__).parent / "data"
GOOD = DATA / "good"
JSONL = DATA / "jsonl"
BAD = DATA / "bad"

# Derived by hand from tests/data/good: 12 accounts + the placeholder a99 (followed by a01,
# follows a02, mentions a01); 5 distinct post topics; 5 distinct items; 16 interaction rows
# of which the last repeats the first; 11 adoption rows of which a01/oat-milk appears twice.
NODE_COUNTS = {"Account": 13, "Post": 10, "Topic": 5, "Item": 5, "DataVersion": 1}
REL_COUNTS = {"FOLLOWS": 20, "INTERACTED": 15, "POSTED": 10, "TAGGED": 12, "ADOPTED": 10}

# (file, line) of every bad line in tests/data/bad, and a word its reason must contain.
BAD_LINES = {
    ("accounts.csv", 7): "column count",  # 5 cells under a 4-column header
    ("accounts.csv", 13): "followers_count",  # "lots"
    ("posts.csv", 5): "id",  # 257 characters
    ("follows.csv", 5): "since",  # naive timestamp
    ("follows.csv", 23): "followee",  # a03 follows a03
    ("interactions.csv", 7): "kind",  # retweet
    ("adoptions.csv", 3): "at",  # required time missing
}

Dump = tuple[tuple[Any, ...], tuple[Any, ...]]

# one line per entity of the load summary printed on stdout
SUMMARY = re.compile(
    r"^(?P<entity>\w+)\s+received\s+(?P<received>[\d,]+)\s+created\s+(?P<created>[\d,]+)\s+"
    r"updated\s+(?P<updated>[\d,]+)\s+unchanged\s+[\d,]+\s+placeholders\s+(?P<placeholders>[\d,]+)",
    re.MULTILINE,
)


# ------------------------------------------------------------------------------ helpers


def cli(args: list[str], env: dict[str, str] | None = None) -> Result:
    """Run the CLI; an unexpected exception (not a SystemExit) fails the test."""
    result = CliRunner(env=suite_env() if env is None else env).invoke(main, args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"CLI crashed: {result.output}") from result.exception
    return result


def load(folder: Path | None, tmp_path: Path, *extra: str) -> Result:
    """``community-map load --dir folder --quiet --rejects tmp_path/rejects.csv [extra]``."""
    args = ["load", "--quiet", "--rejects", str(tmp_path / "rejects.csv"), *extra]
    if folder is not None:
        args += ["--dir", str(folder)]
    return cli(args)


def load_ok(folder: Path, tmp_path: Path, *extra: str) -> None:
    result = load(folder, tmp_path, *extra)
    assert result.exit_code == 0, result.output


def canon(value: Any) -> Any:
    """A comparable form of a property value: lists as tuples, temporal values as str()."""
    if isinstance(value, list):
        return tuple(canon(v) for v in value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def dump(db: Database) -> Dump:
    """Every node (labels, properties) and relationship (type, endpoint ids, properties),
    sorted; the DataVersion bookkeeping (changedAt, version) is left out."""
    with db.session() as session:
        node_rows = session.run(
            "MATCH (n) RETURN labels(n) AS labels, properties(n) AS props"
        ).data()
        rel_rows = session.run(
            "MATCH (a)-[r]->(b) RETURN type(r) AS type, coalesce(a.id, a.name) AS start, "
            "coalesce(b.id, b.name) AS end, properties(r) AS props"
        ).data()
    nodes = []
    for row in node_rows:
        props = row["props"]
        if "DataVersion" in row["labels"]:
            props = {k: v for k, v in props.items() if k not in {"changedAt", "version"}}
        nodes.append(
            (tuple(sorted(row["labels"])), tuple(sorted((k, canon(v)) for k, v in props.items())))
        )
    rels = [
        (row["type"], row["start"], row["end"],
         tuple(sorted((k, canon(v)) for k, v in row["props"].items())))
        for row in rel_rows
    ]
    return tuple(sorted(nodes, key=repr)), tuple(sorted(rels, key=repr))


def assert_same_graph(actual: Dump, expected: Dump) -> None:
    """Equal dumps; on failure, show only the nodes/relationships that differ."""
    for what, got, want in zip(("nodes", "relationships"), actual, expected, strict=True):
        extra = sorted(set(got) - set(want), key=repr)
        missing = sorted(set(want) - set(got), key=repr)
        assert not extra and not missing, f"{what}\n+ {extra}\n- {missing}"
    assert actual == expected  # also catches duplicates


def label_counts(db: Database) -> tuple[dict[str, int], dict[str, int]]:
    """Nodes per label, relationships per type."""
    with db.session() as session:
        nodes = session.run("MATCH (n) UNWIND labels(n) AS l RETURN l, count(*) AS c").data()
        rels = session.run("MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS c").data()
    return {r["l"]: r["c"] for r in nodes}, {r["t"]: r["c"] for r in rels}


def node_props(db: Database, label: str, key: str, value: str) -> dict[str, Any]:
    with db.session() as session:
        record = session.run(
            f"MATCH (n:{label}) WHERE n[$key] = $value RETURN properties(n) AS p",
            key=key, value=value,
        ).single(strict=True)
    return dict(record["p"])


def rel_props(db: Database, rel_type: str, start: str, end: str) -> list[dict[str, Any]]:
    with db.session() as session:
        rows = session.run(
            f"MATCH (a)-[r:{rel_type}]->(b) WHERE coalesce(a.id, a.name) = $start "
            "AND coalesce(b.id, b.name) = $end RETURN properties(r) AS p",
            start=start, end=end,
        ).data()
    return [dict(r["p"]) for r in rows]


def data_version(db: Database) -> int:
    with db.session() as session:
        record = session.run("MATCH (m:DataVersion {id: 'data'}) RETURN m.version AS v").single(
            strict=True
        )
    return int(record["v"])


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def good_dump(db: Database, tmp_path: Path) -> Dump:
    """Empty the database, load tests/data/good, return the dump."""
    wipe(db)
    load_ok(GOOD, tmp_path)
    return dump(db)


def closed_port() -> int:
    """A local TCP port nothing listens on (bound once by the OS, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# ------------------------------------------------------------------------------ read_rows


def test_read_rows_csv_converts_and_drops_empty_cells(tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    path.write_text(
        "id,handle,name,followers_count\n"
        'a1,ann,"Ann ""A"", Jr.\nsecond line",12\n'
        "a2,,,\n"
        "a3,,,many\n"
        "a4,too,many,1,cells\n"
        "a5,,Ünïcødé 🌿,0\n",
        encoding="utf-8",
    )
    rows = list(read_rows(path))
    assert [(line, row) for line, row, _ in rows] == [
        (2, {"id": "a1", "handle": "ann", "name": 'Ann "A", Jr.\nsecond line',
             "followers_count": 12}),
        (4, {"id": "a2"}),
        (5, {"id": "a3", "followers_count": "many"}),  # left for the schema to reject
        (6, None),
        (7, {"id": "a5", "name": "Ünïcødé 🌿", "followers_count": 0}),
    ]
    assert rows[3][2] == "a4,too,many,1,cells"


def test_read_rows_csv_topics(tmp_path: Path) -> None:
    path = tmp_path / "posts.csv"
    path.write_text(
        "id,author,at,topics,call_to_action\n"
        "p1,a1,2024-01-01T00:00:00Z,tea|coffee,true\n"
        "p2,a1,2024-01-01T00:00:00Z,|tea||,false\n"
        "p3,a1,2024-01-01T00:00:00Z,,\n",
        encoding="utf-8",
    )
    rows = [row for _, row, _ in read_rows(path)]
    assert rows == [
        {"id": "p1", "author": "a1", "at": "2024-01-01T00:00:00Z", "topics": ["tea", "coffee"],
         "call_to_action": "true"},
        {"id": "p2", "author": "a1", "at": "2024-01-01T00:00:00Z", "topics": ["tea"],
         "call_to_action": "false"},
        {"id": "p3", "author": "a1", "at": "2024-01-01T00:00:00Z"},
    ]


def test_read_rows_csv_header_only_or_empty(tmp_path: Path) -> None:
    header_only = tmp_path / "follows.csv"
    header_only.write_text("follower,followee,since\n", encoding="utf-8")
    empty = tmp_path / "adoptions.csv"
    empty.write_text("", encoding="utf-8")
    assert list(read_rows(header_only)) == []
    assert list(read_rows(empty)) == []


def test_read_rows_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "interactions.jsonl"
    path.write_text(
        '{"actor": "a1", "target": "a2", "topics": ["tea"], "post_id": null}\n'
        "\n"
        '{"actor": "a1", "target": \n'
        "[1, 2]\n"
        '{"actor": "a3", "kind": "like"}\n',
        encoding="utf-8",
    )
    assert list(read_rows(path)) == [
        (1, {"actor": "a1", "target": "a2", "topics": ["tea"]},
         '{"actor": "a1", "target": "a2", "topics": ["tea"], "post_id": null}'),
        (3, None, '{"actor": "a1", "target": '),
        (4, None, "[1, 2]"),
        (5, {"actor": "a3", "kind": "like"}, '{"actor": "a3", "kind": "like"}'),
    ]


def test_spans_of_a_file_read_as_the_whole_file(tmp_path: Path) -> None:
    rows = [f"a{i:03},a{i + 1:03},like,2024-03-01T10:{i % 60:02}:00Z,,tea|{i}" for i in range(60)]
    rows[7] = "a007,a008,like"  # a bad column count
    rows[20] = "a020,a020,like,2024-03-01T10:00:00Z,,"  # a self-interaction
    rows[33] = ""  # a blank line
    text = "\ufeffactor,target,kind,at,post_id,topics\n" + "\n".join(rows) + "\n"
    path = tmp_path / "interactions.csv"
    path.write_text(text, encoding="utf-8")
    jsonl = tmp_path / "follows.jsonl"
    jsonl.write_text("".join(f'{{"follower": "a{i}", "followee": "b{i}"}}\n' if i != 9
                             else "{not json\n" for i in range(50)), encoding="utf-8")
    for entity, file in (("interactions", path), ("follows", jsonl)):
        spans = split_file(file, 97)
        assert len(spans) > 10
        assert [x for span in spans for x in validated(entity, file, span)] == list(
            validated(entity, file))
    assert [r.line for _, r in validated("interactions", path) if r] == [9, 22]
    quoted = tmp_path / "quoted.csv"
    quoted.write_text(text.replace("tea|1\n", '"tea|1"\n'), encoding="utf-8")
    crlf = tmp_path / "crlf.csv"
    crlf.write_text(text.replace("\n", "\r\n"), encoding="utf-8")
    for file in (quoted, crlf):  # a row might span lines: read whole
        assert split_file(file, 97) == [WHOLE_FILE]


def test_find_files_in_sample_folders() -> None:
    entities = {"accounts", "posts", "follows", "interactions", "adoptions"}
    assert set(find_files(GOOD)) == entities
    assert {p.suffix for p in find_files(GOOD).values()} == {".csv"}
    assert set(find_files(JSONL)) == entities
    assert {p.suffix for p in find_files(JSONL).values()} == {".jsonl"}


# ------------------------------------------------------------------------------ load


def test_good_csv_loads_exact_graph(clean_db: Database, tmp_path: Path) -> None:
    load_ok(GOOD, tmp_path)
    assert label_counts(clean_db) == (NODE_COUNTS, REL_COUNTS)
    assert not (tmp_path / "rejects.csv").exists()

    # quotes, commas and non-ASCII text survive (line breaks are control characters: a
    # multi-line cell is rejected, see the last test); empty cells set nothing
    assert node_props(clean_db, "Account", "id", "a02") == {
        "id": "a02", "handle": "bob", "name": 'Bob "The Builder", Jr.', "followersCount": 340,
        "placeholder": False,
    }
    assert node_props(clean_db, "Account", "id", "a08")["name"] == "Hana Sato (佐藤, 花)"
    assert node_props(clean_db, "Account", "id", "a09")["name"] == "Inês Conceição 🌿"
    assert node_props(clean_db, "Account", "id", "a04")["name"] == "Дмитрий Иванов"
    assert "followersCount" not in node_props(clean_db, "Account", "id", "a06")
    assert "name" not in node_props(clean_db, "Account", "id", "a07")
    assert "handle" not in node_props(clean_db, "Account", "id", "a11")
    # referenced but never described: a placeholder with nothing but its id
    assert node_props(clean_db, "Account", "id", "a99") == {"id": "a99", "placeholder": True}

    p06 = node_props(clean_db, "Post", "id", "p06")
    assert p06["topics"] == ["matcha", "tea"]  # duplicates dropped, order kept
    assert p06["at"].to_native() == utc(2024, 3, 3, 9, 20)  # +09:00 stored as UTC
    assert p06["callToAction"] is False
    assert "topics" not in node_props(clean_db, "Post", "id", "p03")
    assert node_props(clean_db, "Post", "id", "p04")["callToAction"] is False  # empty cell

    assert rel_props(clean_db, "FOLLOWS", "a04", "a01") == [{}]  # no since given
    follows = rel_props(clean_db, "FOLLOWS", "a09", "a05")
    assert [f["since"].to_native() for f in follows] == [utc(2023, 6, 1, 3)]
    liked = rel_props(clean_db, "INTERACTED", "a02", "a01")
    assert len(liked) == 2  # the repeated row is one event
    first = next(r for r in liked if r["postId"] == "p01")
    assert first["kind"] == "like" and first["topics"] == ["tea", "coffee"]
    assert first["at"].to_native() == utc(2024, 3, 1, 9, 5)
    (mention,) = rel_props(clean_db, "INTERACTED", "a06", "a04")
    assert set(mention) == {"key", "kind", "at"}  # no post, no topics
    (garden,) = rel_props(clean_db, "INTERACTED", "a07", "a08")
    assert garden["topics"] == ["gardening"]
    (oat,) = rel_props(clean_db, "ADOPTED", "a01", "oat-milk")
    assert oat["at"].to_native() == utc(2024, 1, 20, 8)  # the earliest of two rows
    assert rel_props(clean_db, "ADOPTED", "a06", "café-crème") != []
    assert rel_props(clean_db, "POSTED", "a01", "p01") == [{}]
    assert rel_props(clean_db, "TAGGED", "p01", "tea") == [{}]
    assert rel_props(clean_db, "TAGGED", "p01", "coffee") == [{}]


def test_load_again_changes_nothing(clean_db: Database, tmp_path: Path) -> None:
    load_ok(GOOD, tmp_path)
    before, version = dump(clean_db), data_version(clean_db)
    result = load(GOOD, tmp_path)
    assert result.exit_code == 0, result.output
    assert label_counts(clean_db) == (NODE_COUNTS, REL_COUNTS)
    assert_same_graph(dump(clean_db), before)
    assert data_version(clean_db) == version  # nothing changed, so no new data version
    summary = {
        m["entity"]: (int(m["received"].replace(",", "")), m["created"], m["updated"],
                      m["placeholders"])
        for m in SUMMARY.finditer(result.stdout)
    }
    assert summary == {
        "accounts": (12, "0", "0", "0"),
        "posts": (10, "0", "0", "0"),
        "follows": (20, "0", "0", "0"),
        "interactions": (16, "0", "0", "0"),
        "adoptions": (11, "0", "0", "0"),
    }


def test_jsonl_builds_the_same_graph_as_csv(clean_db: Database, tmp_path: Path) -> None:
    load_ok(JSONL, tmp_path)
    assert label_counts(clean_db) == (NODE_COUNTS, REL_COUNTS)
    from_jsonl = dump(clean_db)
    assert_same_graph(from_jsonl, good_dump(clean_db, tmp_path))


def test_bad_rows_are_rejected_and_good_rows_loaded(clean_db: Database, tmp_path: Path) -> None:
    rejects = tmp_path / "rejects.csv"
    result = load(BAD, tmp_path)
    assert result.exit_code == 1, result.output
    assert f"{len(BAD_LINES)} row(s) rejected" in result.stderr

    with rejects.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    found = {(Path(r["file"]).name, int(r["line"])): r for r in rows}
    assert len(rows) == len(found)  # each bad line listed once
    assert set(found) == set(BAD_LINES)
    for where, word in BAD_LINES.items():
        assert word in found[where]["reason"], (where, found[where]["reason"])
        # the raw row is the bad line itself
        bad_line = (BAD / where[0]).read_text(encoding="utf-8").splitlines()[where[1] - 1]
        assert found[where]["row"] == bad_line

    # every good row was loaded: the graph is exactly the one built from good/
    loaded = dump(clean_db)
    assert label_counts(clean_db) == (NODE_COUNTS, REL_COUNTS)
    assert_same_graph(loaded, good_dump(clean_db, tmp_path))


def test_strict_writes_nothing_and_lists_bad_lines(clean_db: Database, tmp_path: Path) -> None:
    result = load(BAD, tmp_path, "--strict")
    assert result.exit_code == 4, result.output
    assert label_counts(clean_db) == ({}, {})
    assert not (tmp_path / "rejects.csv").exists()
    listed = [line for line in result.stderr.splitlines() if line.startswith(str(BAD))]
    assert {(Path(line.split(":")[0]).name, int(line.split(":")[1])) for line in listed} == set(
        BAD_LINES
    )
    assert len(listed) == len(BAD_LINES)
    assert f"{len(BAD_LINES)} bad row(s); nothing was written" in result.stderr


def test_strict_on_good_files_loads(clean_db: Database, tmp_path: Path) -> None:
    load_ok(GOOD, tmp_path, "--strict")
    assert label_counts(clean_db) == (NODE_COUNTS, REL_COUNTS)


def test_no_input_files_is_usage_error(clean_db: Database, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("not an input file\n")
    result = load(empty, tmp_path)
    assert result.exit_code == 2, result.output
    assert "no input files" in result.stderr
    assert load(None, tmp_path).exit_code == 2
    assert label_counts(clean_db) == ({}, {})


def test_unreachable_neo4j_exits_3(tmp_path: Path) -> None:
    env = dict(
        suite_env(),
        NEO4J_URI=f"bolt://127.0.0.1:{closed_port()}",
        NEO4J_PASSWORD="x",
        CM_NEO4J_CONNECT_TIMEOUT="1",
        CM_NEO4J_RETRY_SECONDS="1",
    )
    result = cli(["load", "--dir", str(GOOD), "--quiet",
                  "--rejects", str(tmp_path / "rejects.csv")], env=env)
    assert result.exit_code == 3, result.output
    assert "unreachable" in result.stderr


def test_interrupted_load_can_be_rerun(clean_db: Database, tmp_path: Path) -> None:
    # a first run that stopped early: accounts and follows done, interactions half way
    partial = tmp_path / "partial"
    partial.mkdir()
    lines = (GOOD / "interactions.csv").read_text(encoding="utf-8").splitlines()
    (partial / "interactions.csv").write_text("\n".join(lines[:8]) + "\n", encoding="utf-8")
    result = load(None, tmp_path, "--accounts", str(GOOD / "accounts.csv"),
                  "--follows", str(GOOD / "follows.csv"),
                  "--interactions", str(partial / "interactions.csv"))
    assert result.exit_code == 0, result.output
    nodes, rels = label_counts(clean_db)
    assert nodes["Account"] == NODE_COUNTS["Account"] and "Post" not in nodes
    assert rels == {"FOLLOWS": REL_COUNTS["FOLLOWS"], "INTERACTED": 7}

    load_ok(GOOD, tmp_path)
    rerun = dump(clean_db)
    assert label_counts(clean_db) == (NODE_COUNTS, REL_COUNTS)
    assert_same_graph(rerun, good_dump(clean_db, tmp_path))


# ------------------------------------------------------------------------------ import


@pytest.mark.slow
def test_import_builds_the_same_graph_as_load(
    clean_db: Database, neo4j_server: Settings, tmp_path: Path
) -> None:
    if neo4j_server.external_neo4j:
        pytest.skip("neo4j-admin import needs the local server (NEO4J_URI is set)")
    online = good_dump(clean_db, tmp_path)

    # a separate local instance on ports free now, so the suite's instance is untouched
    bolt, http = closed_port(), closed_port()
    while http == bolt:
        http = closed_port()
    settings = load_settings(dict(
        suite_env(),
        CM_NEO4J_INSTANCE=f"{neo4j_server.local.instance}-import",
        CM_NEO4J_BOLT_PORT=str(bolt),
        CM_NEO4J_HTTP_PORT=str(http),
        CM_NEO4J_HEAP="1g",
        CM_NEO4J_PAGECACHE="256m",
    ))
    try:
        counts, rejects, timings = importer.run_import(settings, find_files(GOOD), force=True)
        assert rejects == []
        assert counts == {"accounts": 13, "posts": 10, "follows": 20, "interactions": 15,
                          "adoptions": 10}
        assert set(timings) == {"prepare", "stop", "import", "start", "schema"}
        database = Database(settings)
        try:
            imported = dump(database)
            imported_counts = label_counts(database)
        finally:
            database.close()
    finally:
        neo4j_local.stop(settings.local)
    assert imported_counts == (NODE_COUNTS, REL_COUNTS)
    assert_same_graph(imported, online)


def test_import_refuses_a_database_with_data_and_leaves_it_serving(
    clean_db: Database, neo4j_server: Settings, tmp_path: Path
) -> None:
    if neo4j_server.external_neo4j:
        pytest.skip("neo4j-admin import needs the local server (NEO4J_URI is set)")
    load_ok(GOOD, tmp_path)
    before = dump(clean_db)
    with pytest.raises(importer.ImportError_, match="not empty"):
        importer.run_import(neo4j_server, find_files(GOOD))
    assert neo4j_local.read_pid(neo4j_server.local) is not None  # still running
    assert_same_graph(dump(clean_db), before)


def test_sample_files_match_their_documentation() -> None:
    """good/ and jsonl/ hold the same rows; bad/ is good/ plus the listed bad lines."""
    headers = {
        "accounts": ["id", "handle", "name", "followers_count"],
        "follows": ["follower", "followee", "since"],
        "interactions": ["actor", "target", "kind", "at", "post_id", "topics"],
        "posts": ["id", "author", "at", "topics", "call_to_action"],
        "adoptions": ["account", "item", "at"],
    }
    for entity, header in headers.items():
        with (GOOD / f"{entity}.csv").open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            assert reader.fieldnames == header
            good_rows = list(reader)
        jsonl = (JSONL / f"{entity}.jsonl").read_text(encoding="utf-8").splitlines()
        assert len(jsonl) == len(good_rows), entity
        for line in jsonl:
            assert set(json.loads(line)) <= set(header), line
        bad = (BAD / f"{entity}.csv").read_text(encoding="utf-8").splitlines()
        bad_numbers = {line for (name, line) in BAD_LINES if name == f"{entity}.csv"}
        kept = [text for n, text in enumerate(bad, start=1) if n not in bad_numbers]
        assert kept == (GOOD / f"{entity}.csv").read_text(encoding="utf-8").splitlines()


# ------------------------------------------------- control characters (shared schemas)


def test_control_characters_are_rejected_by_the_bulk_path_too(
    clean_db: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    # quoted CSV cells may hold any character; the rules are the API's
    (folder / "accounts.csv").write_text(
        'id,handle,name,followers_count\n'
        'ok1,h,n,1\n'
        '"a\x00b",h,n,1\n'
        'ok2,"tab\there",n,1\n'
        'ok3,h,"two\nlines",1\n'
        'ok4,h,"c1\x85",1\n', encoding="utf-8")
    (folder / "posts.csv").write_text(
        "id,author,at,topics,call_to_action\n"
        "p1,ok1,2024-01-01T00:00:00Z,tea|co\x7ffee,true\n"
        "p2,ok1,2024-01-01T00:00:00Z,tea,yes\n"
        "p3,ok1,2024-01-01T00:00:00Z,tea,false\n", encoding="utf-8")
    (folder / "follows.jsonl").write_text(
        '{"follower": "ok1", "followee": "x\\u0000y"}\n', encoding="utf-8")
    result = load(folder, tmp_path)
    assert result.exit_code == 1, result.output
    rejects = (tmp_path / "rejects.csv").read_text(encoding="utf-8")
    for where in ("U+0000", "U+0009", "U+000A", "U+0085", "U+007F", "call_to_action"):
        assert where in rejects, where
    with (tmp_path / "rejects.csv").open(encoding="utf-8", newline="") as handle:
        lines = {(Path(r["file"]).name, int(r["line"])) for r in csv.DictReader(handle)}
    # the two-line cell's row starts on line 5; the row after it is line 7, not 6
    assert {line for name, line in lines if name == "accounts.csv"} == {3, 4, 5, 7}
    with clean_db.session() as session:
        ids = session.run("MATCH (a:Account) RETURN collect(a.id) AS v").single(strict=True)["v"]
        posts = session.run("MATCH (p:Post) RETURN collect(p.id) AS v").single(strict=True)["v"]
    assert sorted(ids) == ["ok1"] and posts == ["p3"]
