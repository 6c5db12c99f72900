"""Tests for the seeded synthetic social-graph generator (pure logic, no database)."""

from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from service.demo import COLUMNS, ITEMS, PRESETS, GraphSpec, generate
from service.demo.command import generate_command
from service.vocabulary import ENTITIES, KINDS

SPEC = GraphSpec(
    accounts=400,
    follows=3000,
    interactions=3000,
    posts=200,
    adoptions=300,
    communities=6,
    days=30,
    seed=7,
    inauthentic=2,
)
ALL_FILES = (*ENTITIES, "truth")


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Return the header and rows of a CSV file."""
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Return the parsed rows of a JSONL file."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@pytest.fixture(scope="module")
def csv_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generate the small spec as CSV once for the module."""
    out = tmp_path_factory.mktemp("csv")
    generate(SPEC, out, "csv")
    return out


@pytest.fixture(scope="module")
def jsonl_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generate the small spec as JSONL once for the module."""
    out = tmp_path_factory.mktemp("jsonl")
    generate(SPEC, out, "jsonl")
    return out


@pytest.fixture(scope="module")
def tables(csv_dir: Path) -> dict[str, list[dict[str, str]]]:
    """Return every CSV entity table as a list of rows."""
    return {entity: read_csv(csv_dir / f"{entity}.csv")[1] for entity in ENTITIES}


@pytest.fixture(scope="module")
def truth(csv_dir: Path) -> dict[str, Any]:
    """Return the parsed truth.json."""
    data: dict[str, Any] = json.loads((csv_dir / "truth.json").read_text(encoding="utf-8"))
    return data


def test_returns_paths_for_every_entity(tmp_path: Path) -> None:
    paths = generate(SPEC, tmp_path / "out")
    assert set(paths) == set(ALL_FILES)
    assert all(path.is_file() and path.parent == tmp_path / "out" for path in paths.values())
    assert paths["follows"].name == "follows.csv"


def test_same_seed_gives_identical_files(tmp_path: Path, csv_dir: Path) -> None:
    generate(SPEC, tmp_path, "csv")
    for name in ALL_FILES:
        suffix = "json" if name == "truth" else "csv"
        assert (tmp_path / f"{name}.{suffix}").read_bytes() == (
            csv_dir / f"{name}.{suffix}"
        ).read_bytes(), name


def test_different_seed_gives_different_graph(tmp_path: Path, csv_dir: Path) -> None:
    generate(replace(SPEC, seed=8), tmp_path, "csv")
    assert (tmp_path / "follows.csv").read_bytes() != (csv_dir / "follows.csv").read_bytes()


def test_csv_headers(csv_dir: Path) -> None:
    for entity in ENTITIES:
        header, _ = read_csv(csv_dir / f"{entity}.csv")
        assert tuple(header) == COLUMNS[entity], entity


def test_row_counts_match_spec(tables: dict[str, list[dict[str, str]]]) -> None:
    assert {entity: len(rows) for entity, rows in tables.items()} == SPEC.counts()


def test_ids_and_formats(tables: dict[str, list[dict[str, str]]]) -> None:
    accounts = tables["accounts"]
    assert accounts[0]["id"] == "a000001"
    assert len({a["id"] for a in accounts}) == len(accounts)
    assert len({a["handle"] for a in accounts}) == len(accounts)
    assert all(a["handle"].startswith("@") and " " not in a["handle"] for a in accounts)
    assert all(int(a["followers_count"]) >= 0 for a in accounts)
    assert tables["posts"][0]["id"] == "p000001"
    assert {p["call_to_action"] for p in tables["posts"]} <= {"true", "false"}
    assert {i["kind"] for i in tables["interactions"]} <= set(KINDS)
    assert {a["item"] for a in tables["adoptions"]} <= set(ITEMS)
    assert all(item.startswith("item:") for item in ITEMS)


def test_likes_are_the_most_common_kind(tables: dict[str, list[dict[str, str]]]) -> None:
    kinds = Counter(i["kind"] for i in tables["interactions"])
    assert kinds.most_common(1)[0][0] == "like"


def test_no_self_loops(tables: dict[str, list[dict[str, str]]]) -> None:
    assert all(f["follower"] != f["followee"] for f in tables["follows"])
    assert all(i["actor"] != i["target"] for i in tables["interactions"])


def test_no_duplicate_keys(tables: dict[str, list[dict[str, str]]]) -> None:
    follows = [(f["follower"], f["followee"]) for f in tables["follows"]]
    assert len(set(follows)) == len(follows)
    keys = [
        (i["actor"], i["target"], i["kind"], i["at"], i["post_id"]) for i in tables["interactions"]
    ]
    assert len(set(keys)) == len(keys)
    adoptions = [(a["account"], a["item"]) for a in tables["adoptions"]]
    assert len(set(adoptions)) == len(adoptions)


def test_referenced_ids_exist(tables: dict[str, list[dict[str, str]]]) -> None:
    ids = {a["id"] for a in tables["accounts"]}
    author = {p["id"]: p["author"] for p in tables["posts"]}
    assert {f["follower"] for f in tables["follows"]} <= ids
    assert {f["followee"] for f in tables["follows"]} <= ids
    assert {i["actor"] for i in tables["interactions"]} <= ids
    assert {i["target"] for i in tables["interactions"]} <= ids
    assert set(author.values()) <= ids
    assert {a["account"] for a in tables["adoptions"]} <= ids
    with_post = [i for i in tables["interactions"] if i["post_id"]]
    assert with_post, "some interactions should reference a post"
    assert all(author[i["post_id"]] == i["target"] for i in with_post)


def test_timestamps_are_aware_and_inside_window(tables: dict[str, list[dict[str, str]]]) -> None:
    stamps = [f["since"] for f in tables["follows"]]
    stamps += [i["at"] for i in tables["interactions"]]
    stamps += [p["at"] for p in tables["posts"]]
    stamps += [a["at"] for a in tables["adoptions"]]
    for stamp in stamps:
        moment = datetime.fromisoformat(stamp)
        assert moment.tzinfo is not None and moment.utcoffset() is not None, stamp
        assert SPEC.start <= moment < SPEC.end, stamp


def test_interactions_on_posts_come_after_the_post(
    tables: dict[str, list[dict[str, str]]],
) -> None:
    posted = {p["id"]: datetime.fromisoformat(p["at"]) for p in tables["posts"]}
    for row in tables["interactions"]:
        if row["post_id"]:
            assert datetime.fromisoformat(row["at"]) >= posted[row["post_id"]]


def test_topics_use_the_vocabulary(tables: dict[str, list[dict[str, str]]]) -> None:
    rows = tables["posts"] + tables["interactions"]
    topics = {t for row in rows for t in row["topics"].split("|") if t}
    assert topics and all(t.isidentifier() for t in topics)
    assert all(row["topics"] for row in tables["posts"])


def test_truth_matches_files(
    tables: dict[str, list[dict[str, str]]], truth: dict[str, Any]
) -> None:
    ids = [a["id"] for a in tables["accounts"]]
    communities = truth["communities"]
    assert set(communities) == set(ids)
    assert set(communities.values()) == set(range(SPEC.communities))
    assert set(truth["leaders"]) == {str(c) for c in range(SPEC.communities)}
    for community, leaders in truth["leaders"].items():
        assert 1 <= len(leaders) <= 3
        assert all(communities[leader] == int(community) for leader in leaders)
    assert len(truth["inauthentic"]) == SPEC.inauthentic
    assert truth["spec"]["seed"] == SPEC.seed
    assert truth["spec"]["end"] == SPEC.end.isoformat()


def test_communities_are_mostly_internal(
    tables: dict[str, list[dict[str, str]]], truth: dict[str, Any]
) -> None:
    comm = truth["communities"]
    follows = tables["follows"]
    interactions = tables["interactions"]
    inside = sum(comm[f["follower"]] == comm[f["followee"]] for f in follows) / len(follows)
    inside_i = sum(comm[i["actor"]] == comm[i["target"]] for i in interactions)
    assert inside > 0.75
    assert inside_i / len(interactions) > 0.75


def test_leaders_receive_outsized_engagement(
    tables: dict[str, list[dict[str, str]]], truth: dict[str, Any]
) -> None:
    leaders = {leader for group in truth["leaders"].values() for leader in group}
    to_leaders = sum(i["target"] in leaders for i in tables["interactions"])
    assert to_leaders / len(tables["interactions"]) > 5 * len(leaders) / SPEC.accounts


def test_inauthentic_accounts(
    tables: dict[str, list[dict[str, str]]], truth: dict[str, Any]
) -> None:
    inauthentic = set(truth["inauthentic"])
    declared = {a["id"]: int(a["followers_count"]) for a in tables["accounts"]}
    in_degree = Counter(f["followee"] for f in tables["follows"])
    received = Counter(i["target"] for i in tables["interactions"])
    median_degree = sorted(in_degree.values())[len(in_degree) // 2]
    comm = truth["communities"]
    for account in inauthentic:
        assert declared[account] >= 50_000
        assert in_degree[account] > 10 * median_degree
        buyers = {comm[f["follower"]] for f in tables["follows"] if f["followee"] == account}
        assert len(buyers) > 1  # bought followers come from all over
        assert received[account] <= 2


def test_adoption_spreads_from_leaders(
    tables: dict[str, list[dict[str, str]]], truth: dict[str, Any]
) -> None:
    comm = truth["communities"]
    first_by_leader: dict[tuple[int, str], datetime] = {}
    for community, leaders in truth["leaders"].items():
        for row in tables["adoptions"]:
            if row["account"] in leaders:
                key = (int(community), row["item"])
                moment = datetime.fromisoformat(row["at"])
                first_by_leader[key] = min(first_by_leader.get(key, moment), moment)
    assert first_by_leader
    for row in tables["adoptions"]:
        key = (comm[row["account"]], row["item"])
        if key in first_by_leader:
            assert datetime.fromisoformat(row["at"]) >= first_by_leader[key]


def test_jsonl_keys_and_types(jsonl_dir: Path) -> None:
    for entity in ENTITIES:
        rows = read_jsonl(jsonl_dir / f"{entity}.jsonl")
        assert len(rows) == SPEC.counts()[entity]
        assert all(tuple(row) == COLUMNS[entity] for row in rows), entity
    accounts = read_jsonl(jsonl_dir / "accounts.jsonl")
    assert all(isinstance(a["followers_count"], int) for a in accounts)
    posts = read_jsonl(jsonl_dir / "posts.jsonl")
    assert all(isinstance(p["call_to_action"], bool) for p in posts)
    assert all(isinstance(p["topics"], list) and p["topics"] for p in posts)
    interactions = read_jsonl(jsonl_dir / "interactions.jsonl")
    assert all(isinstance(i["topics"], list) for i in interactions)
    assert all(i["post_id"] is None or isinstance(i["post_id"], str) for i in interactions)
    assert any(i["post_id"] is None for i in interactions)


def test_jsonl_and_csv_describe_the_same_graph(jsonl_dir: Path, csv_dir: Path) -> None:
    _, rows = read_csv(csv_dir / "interactions.csv")
    for row, obj in zip(rows, read_jsonl(jsonl_dir / "interactions.jsonl"), strict=True):
        assert row["actor"] == obj["actor"] and row["at"] == obj["at"]
        assert row["post_id"] == (obj["post_id"] or "")
        assert row["topics"] == "|".join(obj["topics"])
    assert (jsonl_dir / "truth.json").read_bytes() == (csv_dir / "truth.json").read_bytes()


def test_rejects_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="format"):
        generate(SPEC, tmp_path, "xml")


def test_rejects_impossible_spec(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        generate(replace(SPEC, follows=SPEC.accounts**2), tmp_path)
    with pytest.raises(ValueError):
        generate(replace(SPEC, communities=SPEC.accounts), tmp_path)


def test_presets() -> None:
    assert PRESETS["demo"].accounts == 3000 and PRESETS["demo"].communities == 8
    assert PRESETS["bench"].follows == 1_000_000 and PRESETS["bench"].communities == 60


def test_cli_main(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        generate_command, ["--preset", "demo", "--out", str(tmp_path), "--format", "jsonl"]
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert "30,000" in out and "demo" in out
    assert (tmp_path / "follows.jsonl").is_file()


# ---------------------------------------------------------------- accounts that fool rankings


def test_truth_lists_the_planted_roles(truth: dict[str, Any]) -> None:
    leaders = {leader for group in truth["leaders"].values() for leader in group}
    pods = truth["pods"]
    assert len(pods) == SPEC.pods and all(len(pod) == SPEC.pod_size for pod in pods)
    assert all(len({truth["communities"][m] for m in pod}) == 1 for pod in pods)
    assert len(truth["giants"]) == SPEC.giants
    assert len(truth["tiny"]) == round(SPEC.tiny_share * SPEC.accounts)
    roles = [leaders, set(truth["inauthentic"]), set(truth["giants"]), set(truth["tiny"]),
             {m for pod in pods for m in pod}]
    assert sum(len(r) for r in roles) == len(set().union(*roles))  # one role per account
    for topic, named in truth["topic_leaders"].items():
        about = [c for c, topics in truth["topics"].items() if topic in topics]
        assert sorted(named) == sorted(x for c in about for x in truth["leaders"][c])


def test_passive_giants_are_followed_and_ignored(
    tables: dict[str, list[dict[str, str]]], truth: dict[str, Any]
) -> None:
    in_degree = Counter(f["followee"] for f in tables["follows"])
    received = Counter(i["target"] for i in tables["interactions"])
    leaders = sorted(in_degree[x] for group in truth["leaders"].values() for x in group)
    for giant in truth["giants"]:
        assert in_degree[giant] > leaders[len(leaders) // 2]
        assert received[giant] <= 3


def test_pods_engage_each_other(
    tables: dict[str, list[dict[str, str]]], truth: dict[str, Any]
) -> None:
    pairs = Counter((i["actor"], i["target"]) for i in tables["interactions"])
    for pod in truth["pods"]:
        posting = [m for m in pod if any(p["author"] == m for p in tables["posts"])]
        assert len(posting) >= 2
        for target in posting:
            engagers = [m for m in pod if m != target and pairs[(m, target)] > 0]
            assert len(engagers) >= len(pod) - 2, target


def test_tiny_accounts_post_a_few_posts_on_one_topic(
    tables: dict[str, list[dict[str, str]]], truth: dict[str, Any]
) -> None:
    posts: dict[str, list[dict[str, str]]] = {}
    for p in tables["posts"]:
        posts.setdefault(p["author"], []).append(p)
    received = Counter(i["post_id"] for i in tables["interactions"] if i["post_id"])
    for account in truth["tiny"]:
        own = posts.get(account, [])
        assert 2 <= len(own) <= 6
        assert len({p["topics"] for p in own}) == 1 and "|" not in own[0]["topics"]
        assert sum(received[p["id"]] for p in own) <= 3 * len(own)


def test_many_blocks_make_a_complete_graph(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from service.demo import generator, sampling, truth

    for module in (generator, sampling, truth):
        monkeypatch.setattr(module, "CHUNK", 500)
    generate(SPEC, tmp_path, "csv")
    rows = {entity: read_csv(tmp_path / f"{entity}.csv")[1] for entity in ENTITIES}
    assert {entity: len(r) for entity, r in rows.items()} == SPEC.counts()
    follows = {(f["follower"], f["followee"]) for f in rows["follows"]}
    assert len(follows) == SPEC.follows
    keys = {(i["actor"], i["target"], i["kind"], i["at"], i["post_id"])
            for i in rows["interactions"]}
    assert len(keys) == SPEC.interactions
    assert len(json.loads((tmp_path / "truth.json").read_text())["communities"]) == SPEC.accounts


def test_scale_preset_is_the_bench_preset_times_ten() -> None:
    bench, scale = PRESETS["bench"], PRESETS["scale"]
    assert {k: v * 10 for k, v in bench.counts().items()} == scale.counts()
    assert scale.communities == 600


def test_leaders_post_about_every_topic_they_lead(
    tables: dict[str, list[dict[str, str]]], truth: dict[str, Any]
) -> None:
    posts: dict[str, list[set[str]]] = {}
    for p in tables["posts"]:
        posts.setdefault(p["author"], []).append(set(p["topics"].split("|")))
    for community, leaders in truth["leaders"].items():
        topics = truth["topics"][community]
        for leader in leaders:
            own = posts.get(leader, [])
            for nth, topic in enumerate(topics):
                rotation = (len(own) - nth + len(topics) - 1) // len(topics)
                assert sum(topic in tags for tags in own) >= rotation, (leader, topic)
