"""Influence endpoints against the real Neo4j + GDS: influencer ranking and its evidence,
mobilisation, topic conditioning, Rogers adoption curves and CELF seed sets.

Every test builds its own graph from an empty database (``clean_db``) with the loading
code path the API uses (``prepare_row`` + ``write_batch``), refreshes it
(``min_community_size=3``, otherwise the default parameters: fixed random seed,
concurrency 1) and reads the results through the API with the ``read`` key.
Tests that were written as xfail for service bugs now pass and pin the fixed behaviour
(engagement-rate reference, comparable spreads, storage-order independent seeds).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from itertools import permutations
from typing import Any

import pytest
from flask.testing import FlaskClient

from service.db import Database
from service.loading import prepare_row, write_batch
from service.refresh.params import RefreshParams
from service.refresh.pipeline import run_refresh
from service.refresh.runs import RunResult

from .conftest import error, get, wipe

DAY = datetime(2024, 1, 10, tzinfo=UTC)  # midnight UTC: DAY + <24 h is one calendar day
T0 = datetime(2024, 3, 1, 10, 0, tzinfo=UTC)
BATCH = 10_000
ROGERS_200 = {"innovator": 5, "early_adopter": 27, "early_majority": 68, "late_majority": 68,
              "laggard": 32}


# ------------------------------------------------------------------------------ helpers


def write(database: Database, entity: str, rows: Iterable[dict[str, Any]]) -> None:
    """Validated-shape rows → prepared rows → write_batch, BATCH rows per transaction."""
    prepared = [prepare_row(entity, row) for row in rows]
    for start in range(0, len(prepared), BATCH):
        write_batch(database, entity, prepared[start:start + BATCH])


def act(actor: str, target: str, kind: str, at: datetime, post_id: str | None = None,
        topics: list[str] | None = None) -> dict[str, Any]:
    """One interaction row as the API schema gives it."""
    row: dict[str, Any] = {"actor": actor, "target": target, "kind": kind, "at": at}
    if post_id is not None:
        row["post_id"] = post_id
    if topics:
        row["topics"] = topics
    return row


def post(post_id: str, author: str, at: datetime, topics: list[str] | None = None,
         call: bool = False) -> dict[str, Any]:
    return {"id": post_id, "author": author, "at": at, "topics": topics or [],
            "call_to_action": call}


def refresh(database: Database, **overrides: Any) -> RunResult:
    result = run_refresh(database, RefreshParams(min_community_size=3, **overrides))
    assert result.status == "succeeded", result.error
    return result




def influence_of(client: FlaskClient, account: str) -> dict[str, Any]:
    body = get(client, f"/v1/accounts/{account}")
    assert body["influence"] is not None, body
    return dict(body["influence"])


def ranking(client: FlaskClient, query: str = "") -> list[dict[str, Any]]:
    body = get(client, f"/v1/influencers?limit=100{query}")
    return list(body["influencers"])


# ------------------------------------------------------------------------------ audience quality


MEMBERS = [f"m{i:02d}" for i in range(30)]
OTHERS = [f"o{i:03d}" for i in range(270)]
PASSIVE = [f"p{i:05d}" for i in range(10_000)]


def load_big_and_small(database: Database) -> None:
    """``big``: 10,000 passive followers gained within one day, five posts, two likes.
    ``small``: 300 followers over 300 days; 30 of them (its community) reply to and share
    its ten posts; the other 270 are active elsewhere (mutual likes in pairs)."""
    write(database, "accounts", [
        {"id": "big", "handle": "@big", "followers_count": 10_000},
        {"id": "small", "handle": "@small", "followers_count": 300},
        *({"id": m, "handle": f"@{m}", "followers_count": 40} for m in MEMBERS),
    ])
    write(database, "follows", [{"follower": p, "followee": "big",
                                 "since": DAY + timedelta(seconds=8 * i)}
                                for i, p in enumerate(PASSIVE)])
    write(database, "follows", [{"follower": f, "followee": "small",
                                 "since": DAY - timedelta(days=400 - i, hours=-3)}
                                for i, f in enumerate(MEMBERS + OTHERS)])
    start = DAY - timedelta(days=60)
    posts = [post(f"big-{k}", "big", start + timedelta(days=k), ["news"]) for k in range(5)]
    posts += [post(f"small-{k}", "small", start + timedelta(days=k), ["knitting"])
              for k in range(10)]
    posts += [post(f"{m}-post", m, start + timedelta(days=i % 7), ["knitting"])
              for i, m in enumerate(MEMBERS)]
    write(database, "posts", posts)
    rows = [act("x0", "big", "like", start + timedelta(hours=5), "big-0"),
            act("x1", "big", "like", start + timedelta(hours=6), "big-1")]
    for i, m in enumerate(MEMBERS):
        for r in range(4):
            k = (i + r) % 10
            rows.append(act(m, "small", "reply", start + timedelta(days=k, minutes=i + 1),
                            f"small-{k}", ["knitting"]))
        for r in (5, 6):
            k = (i + r) % 10
            rows.append(act(m, "small", "share", start + timedelta(days=k, minutes=i + 1),
                            f"small-{k}", ["knitting"]))
        nxt = MEMBERS[(i + 1) % len(MEMBERS)]
        rows.append(act(m, nxt, "like", start + timedelta(days=8, minutes=i), f"{nxt}-post"))
    for j in range(0, len(OTHERS), 2):
        a, b = OTHERS[j], OTHERS[j + 1]
        rows.append(act(a, b, "like", start + timedelta(minutes=j)))
        rows.append(act(b, a, "like", start + timedelta(minutes=j + 1)))
    write(database, "interactions", rows)


def test_engaged_small_account_ranks_above_big_passive_audience(
    client: FlaskClient, clean_db: Database
) -> None:
    load_big_and_small(clean_db)
    refresh(clean_db)

    ranked = ranking(client)
    ids = [r["id"] for r in ranked]
    assert ids[0] == "small", ids[:5]
    # big sinks below everyone who is engaged with: not even in the top 100 here
    assert "big" not in ids or ids.index("big") > ids.index("small")
    small = ranked[0]
    big = influence_of(client, "big")
    assert small["score"] > big["influencer_score"]
    assert small["followers_count"] == 300
    assert big["components"]["audience_quality"] < small["components"]["audience_quality"]
    assert big["components"]["engagement_rate"] < small["components"]["engagement_rate"]
    # no calls to action: the prior (nobody in this graph calls, so 0), on no evidence
    assert big["components"]["mobilisation"] == 0.0
    assert big["evidence"]["mobilisation"]["calls"] == 0
    assert big["evidence"]["mobilisation"]["possible_answers"] == 0
    assert big["components"]["community_leadership"] < 0.5  # follows do not make leaders

    # the evidence says why: nobody engages, everyone is passive, all arrived in a day
    aq_big = influence_of(client, "big")["audience_quality"]
    assert aq_big["followers"] == 10_000
    assert aq_big["engaged_followers_share"] < 0.01
    assert aq_big["passive_followers_share"] > 0.99
    assert aq_big["largest_one_day_follow_burst"] == 10_000
    assert aq_big["components"]["engaged_followers"] < 0.05
    assert aq_big["components"]["active_followers"] < 0.01
    assert aq_big["components"]["steady_growth"] < 0.01
    assert aq_big["score"] < 15

    aq_small = influence_of(client, "small")["audience_quality"]
    assert aq_small["followers"] == 300
    assert aq_small["engaged_followers_share"] == 0.1
    assert aq_small["passive_followers_share"] == 0.0
    assert aq_small["largest_one_day_follow_burst"] == 1
    # 300 of 300 followers active, shrunk with the prior's floor of 10 pseudo-followers
    # toward the pooled share of the two audiences, 300 / 10,300
    assert aq_small["components"]["active_followers"] == pytest.approx(
        (300 + 10 * 300 / 10_300) / 310, abs=1e-4)
    assert aq_small["components"]["steady_growth"] == pytest.approx(  # 299 of 300, shrunk
        (299 + 10 * 299 / 10_300) / 310, abs=1e-4)
    assert aq_small["score"] > 50


def test_engagement_rate_reference_is_a_high_percentile_with_few_posters(
    client: FlaskClient, clean_db: Database
) -> None:
    # only two accounts post: big (10,000 declared followers, one like in all) and small
    # (300 declared followers, ten engaged accounts answering each of its three posts)
    write(clean_db, "accounts", [{"id": "big", "followers_count": 10_000},
                                 {"id": "small", "followers_count": 300}])
    write(clean_db, "posts", [post(f"{a}-{k}", a, T0 + timedelta(days=k))
                              for a in ("big", "small") for k in range(3)])
    rows = [act("x0", "big", "like", T0 + timedelta(hours=1), "big-0")]
    for i, m in enumerate(GROUP_A):
        for k in range(3):
            rows.append(act(m, "small", "reply", T0 + timedelta(days=k, minutes=i + 1),
                            f"small-{k}"))
        rows.append(act(m, GROUP_A[(i + 1) % 10], "like", T0 + timedelta(days=5, minutes=i)))
    write(clean_db, "interactions", rows)
    refresh(clean_db)

    big, small = influence_of(client, "big"), influence_of(client, "small")
    assert big["engagement_rate"] == pytest.approx(1 / 3 / 10_000)
    assert small["engagement_rate"] == pytest.approx(30 / 3 / 300)
    assert small["components"]["engagement_rate"] == 1.0
    # 300 times less engagement per post and follower must not normalise to the same 1.0
    assert big["components"]["engagement_rate"] < 0.05


# ------------------------------------------------------------------------------ mobilisation


GROUP_A = [f"a{i}" for i in range(10)]
GROUP_B = [f"b{i}" for i in range(10)]


def load_mobilisation(database: Database) -> None:
    """``lead_a`` and ``lead_b`` each lead ten accounts that like and comment on them and
    like each other, and post three calls to action. Eight of ``lead_a``'s community answer
    every call within 40 h; ``lead_b``'s calls are only answered after 60 h (too late)."""
    start = T0
    rows = []
    posts = []
    for leader, group, delay in (("lead_a", GROUP_A, None), ("lead_b", GROUP_B, 60)):
        for i, m in enumerate(group):
            rows.append(act(m, leader, "like", start + timedelta(minutes=i)))
            rows.append(act(m, leader, "comment", start + timedelta(minutes=30 + i)))
            nxt = group[(i + 1) % len(group)]
            rows.append(act(m, nxt, "like", start + timedelta(minutes=60 + i)))
        rows.append(act(leader, group[0], "reply", start + timedelta(minutes=90)))
        for c in range(3):
            call_at = start + timedelta(days=3 * (c + 1))
            call_id = f"{leader}-call-{c}"
            posts.append(post(call_id, leader, call_at, ["rally"], call=True))
            for i, m in enumerate(group[:8]):
                hours = 1 + 5 * i if delay is None else delay + i
                rows.append(act(m, leader, "comment", call_at + timedelta(hours=hours),
                                call_id))
        # an ordinary post, answered by everyone: not a call to action
        plain_at = start + timedelta(days=20)
        posts.append(post(f"{leader}-plain", leader, plain_at, ["rally"]))
        for i, m in enumerate(group):
            rows.append(act(m, leader, "share", plain_at + timedelta(hours=1 + i),
                            f"{leader}-plain"))
    write(database, "posts", posts)
    write(database, "interactions", rows)


def test_answered_calls_to_action_score_higher_mobilisation(
    client: FlaskClient, clean_db: Database
) -> None:
    load_mobilisation(clean_db)
    refresh(clean_db)

    a = get(client, "/v1/accounts/lead_a")
    b = get(client, "/v1/accounts/lead_b")
    assert a["community_id"] and b["community_id"] and a["community_id"] != b["community_id"]
    mob_a, mob_b = a["influence"]["mobilisation"], b["influence"]["mobilisation"]
    assert mob_a["calls"] == 3 and mob_b["calls"] == 3
    # 8 of the 10 other members of a community of 11 answer every call
    assert mob_a["community_share"] == 0.8
    # ignored calls are a measured zero, not missing data
    assert mob_b["community_share"] == 0.0
    # the component rests on the answers of members, less those the leader engages back
    # beyond chance (lead_a replies to a0, one of its 10 fellow members: of the 24 answers,
    # a0's 3 come back where chance explains 2.4), and is shrunk toward the pooled share of
    # everyone's calls, (23.4 + 0) / 60 = 0.39, with the prior's floor of 10
    # pseudo-answers: (23.4 + 3.9) / (30 + 10); ignored calls: (0 + 3.9) / 40
    ev_a, ev_b = (x["influence"]["evidence"]["mobilisation"] for x in (a, b))
    assert (ev_a["answers"], ev_a["possible_answers"], ev_a["calls"]) == (23.4, 30, 3)
    assert (ev_b["answers"], ev_b["possible_answers"], ev_b["calls"]) == (0, 30, 3)
    assert a["influence"]["components"]["mobilisation"] == pytest.approx(0.6825)
    assert b["influence"]["components"]["mobilisation"] == pytest.approx(0.0975)
    assert a["influence"]["influencer_score"] > b["influence"]["influencer_score"]
    assert mob_a["follower_share"] is None  # no follow edges: no data

    # an account without calls to action: "no data", which is not zero
    quiet = influence_of(client, "a3")["mobilisation"]
    assert quiet == {"calls": 0, "community_share": None, "follower_share": None}
    # ... and its component is the prior, 0.39, resting on no evidence
    assert influence_of(client, "a3")["components"]["mobilisation"] == pytest.approx(0.39)
    assert influence_of(client, "a3")["evidence"]["mobilisation"]["possible_answers"] == 0

    ranked = {r["id"]: r for r in ranking(client)}
    assert ranked["lead_a"]["score"] > ranked["lead_b"]["score"]
    assert "80% of its community answers its calls to action (3 calls)" in \
        ranked["lead_a"]["reason"]


# ------------------------------------------------------------------------------ topics


TEA = [f"tea{i}" for i in range(10)]
COFFEE = [f"cof{i}" for i in range(10)]


def load_topics(database: Database) -> None:
    """Two communities of ten, each with a clear leader (index 0): one engages about tea,
    the other about coffee; one untagged like crosses between them."""
    rows = []
    for n, (group, topic) in enumerate(((TEA, "tea"), (COFFEE, "coffee"))):
        at = T0 + timedelta(days=n)
        leader, rest = group[0], group[1:]
        for i, m in enumerate(rest):
            rows.append(act(m, leader, "comment", at + timedelta(minutes=i), topics=[topic]))
            rows.append(act(m, leader, "share", at + timedelta(minutes=20 + i), topics=[topic]))
            nxt = rest[(i + 1) % len(rest)]
            rows.append(act(m, nxt, "like", at + timedelta(minutes=40 + i), topics=[topic]))
        rows.append(act(leader, rest[0], "reply", at + timedelta(minutes=60), topics=[topic]))
    rows.append(act("tea9", "cof9", "like", T0 + timedelta(days=5)))
    write(database, "interactions", rows)
    write(database, "posts", [post("tea-post", "tea0", T0, ["tea"]),
                              post("coffee-post", "cof0", T0, ["coffee"])])


def test_topic_conditioning_ranks_the_topic_community(
    client: FlaskClient, clean_db: Database
) -> None:
    load_topics(clean_db)
    refresh(clean_db)

    for topic, group, other in (("tea", TEA, COFFEE), ("coffee", COFFEE, TEA)):
        body = get(client, f"/v1/influencers?topic={topic}&limit=50")
        assert body["topic"] == topic
        found = body["influencers"]
        assert found, topic
        assert found[0]["id"] == group[0], found[:3]
        ids = [r["id"] for r in found]
        assert not set(ids) & set(other), (topic, ids)
        assert set(ids) <= set(group)
        assert [r["score"] for r in found] == sorted((r["score"] for r in found), reverse=True)
        assert found[0]["components"]["topic_relevance"] == 1.0
        assert f"'{topic}' affinity" in found[0]["reason"]

    # without a topic both leaders are there; an unknown topic has nobody
    ids = [r["id"] for r in ranking(client)]
    assert "tea0" in ids and "cof0" in ids
    assert get(client, "/v1/influencers?topic=knitting")["influencers"] == []
    affinity = influence_of(client, "tea0")["topic_affinity"]
    assert affinity == {"tea": 1.0}
    # community filter
    tea_community = get(client, "/v1/accounts/tea0")["community_id"]
    body = get(client, f"/v1/influencers?community={tea_community}")
    assert body["influencers"][0]["id"] == "tea0"
    assert {r["community_id"] for r in body["influencers"]} == {tea_community}


def test_topic_seed_sets_use_only_that_topics_engagement(
    client: FlaskClient, clean_db: Database
) -> None:
    load_topics(clean_db)
    result = refresh(clean_db)
    assert result.metrics["seeds"]["topics"] == ["coffee", "tea"]  # equal engagement: by name

    chosen = {}
    for topic, group in (("tea", TEA), ("coffee", COFFEE)):
        body = get(client, f"/v1/seeds?topic={topic}&k=3")
        assert body["scope"] == f"topic:{topic}" and body["topic"] == topic
        assert body["scope_accounts"] == len(group)  # everyone engages about the topic
        seeds = [s["id"] for s in body["seeds"]]
        assert len(seeds) == 3 and set(seeds) <= set(group), seeds
        assert seeds[0] == group[0]  # the leader everyone comments on and shares
        for name in ("top_followers", "top_pagerank"):
            assert {s["id"] for s in body["baselines"][name]["seeds"]} <= set(group), name
        # spreads count only accounts reachable over this topic's engagement
        assert 3 <= body["expected_spread"] <= len(group)
        chosen[topic] = seeds

    missing = error(client, "/v1/seeds?topic=knitting", 404)["message"]
    assert "2 topics with the most engagement (coffee, tea)" in missing

    # topic within a community: the tea community's top topic is tea (and only tea)
    tea_community = get(client, "/v1/accounts/tea0")["community_id"]
    both = get(client, f"/v1/seeds?topic=tea&community={tea_community}&k=2")
    assert both["scope"] == f"{tea_community}/topic:tea"
    assert [s["id"] for s in both["seeds"]][0] == "tea0"
    assert {s["id"] for s in both["seeds"]} <= set(TEA)
    other = error(client, f"/v1/seeds?topic=coffee&community={tea_community}", 404)["message"]
    assert f"community '{tea_community}': computed for its 1 top topics (tea)" in other

    refresh(clean_db)  # reproducible with the fixed random seed
    assert [s["id"] for s in get(client, "/v1/seeds?topic=tea&k=3")["seeds"]] == chosen["tea"]


# ------------------------------------------------------------------------------ adoption


def test_adoption_curve_uses_rogers_categories(client: FlaskClient, clean_db: Database) -> None:
    clique = [f"k{i}" for i in range(5)]
    write(clean_db, "interactions", [act(a, b, "like", T0 + timedelta(minutes=n))
                                     for n, (a, b) in enumerate(permutations(clique, 2))])
    adopters = [f"u{i:03d}" for i in range(200)]
    rows = [{"account": u, "item": "widget", "at": T0 + timedelta(hours=i)}
            for i, u in enumerate(adopters)]
    random.Random(5).shuffle(rows)  # arrival order is not adoption order
    # ten adopters of a second item; positions 1..3 adopt at the same moment
    gadget = [0, 5, 5, 5, 6, 7, 8, 9, 10, 11]
    rows += [{"account": f"k{i % 5}" if i < 5 else f"u{i:03d}", "item": "gadget",
              "at": T0 + timedelta(minutes=m)} for i, m in enumerate(gadget)]
    write(clean_db, "adoptions", rows)
    refresh(clean_db)

    body = get(client, "/v1/items/widget/adoption")
    assert body["item"] == "widget" and body["adopters"] == 200
    assert body["counts"] == ROGERS_200
    assert isinstance(body["early_adopter_leaders"], list)

    cats = {u: get(client, f"/v1/accounts/{u}")["adopter_categories"]["widget"]["overall"]
            for u in ("u000", "u004", "u005", "u031", "u032", "u099", "u100", "u167",
                      "u168", "u199")}
    assert cats == {"u000": "innovator", "u004": "innovator", "u005": "early_adopter",
                    "u031": "early_adopter", "u032": "early_majority",
                    "u099": "early_majority", "u100": "late_majority",
                    "u167": "late_majority", "u168": "laggard", "u199": "laggard"}

    gadget_body = get(client, "/v1/items/gadget/adoption")
    assert gadget_body["counts"] == {"innovator": 1, "early_adopter": 3, "early_majority": 1,
                                     "late_majority": 4, "laggard": 1}
    tied = {a: get(client, f"/v1/accounts/{a}")["adopter_categories"]["gadget"]["overall"]
            for a in ("k1", "k2", "k3")}
    assert set(tied.values()) == {"early_adopter"}

    error(client, "/v1/items/no-such-item/adoption", 404)


# ------------------------------------------------------------------------------ seeds


GROUPS = [[f"g{c}-{i:02d}" for i in range(25)] for c in range(4)]
STAR_FOLLOWERS = [f"s{i:04d}" for i in range(2_000)]


def load_seed_world(database: Database, reverse: bool = False) -> None:
    """Four groups of 25 that reply to and share with each other densely (every ordered
    pair), a few cross-group likes, and ``star``: 2,000 passive followers, no engagement.
    ``reverse`` writes the same data in the opposite order (other storage ids)."""
    rows = []
    n = 0
    for group in GROUPS:
        for a, b in permutations(group, 2):
            rows.append(act(a, b, "reply", T0 + timedelta(seconds=n)))
            rows.append(act(a, b, "share", T0 + timedelta(seconds=n + 1)))
            n += 2
    for c in range(4):
        a, b = GROUPS[c][3], GROUPS[(c + 1) % 4][7]
        rows.append(act(a, b, "like", T0 + timedelta(days=1, minutes=c)))
    follows = [{"follower": s, "followee": "star", "since": DAY + timedelta(days=i % 100)}
               for i, s in enumerate(STAR_FOLLOWERS)]
    order = reversed if reverse else list
    write(database, "interactions", order(rows))
    write(database, "accounts", [{"id": "star", "handle": "@star", "followers_count": 250_000}])
    write(database, "follows", order(follows))


def group_of(account: str) -> int:
    return next(c for c, group in enumerate(GROUPS) if account in group)


def test_seeds_cover_each_community_and_beat_top_followers(
    client: FlaskClient, clean_db: Database
) -> None:
    load_seed_world(clean_db)
    refresh(clean_db)

    body = get(client, "/v1/seeds?k=4")
    assert body["scope"] == "all" and body["k"] == 4
    seeds = [s["id"] for s in body["seeds"]]
    assert len(seeds) == 4
    assert sorted(group_of(s) for s in seeds) == [0, 1, 2, 3], seeds
    celf = body["baselines"]["celf"]["simulated_spread"]
    top_followers = body["baselines"]["top_followers"]
    assert top_followers["seeds"][0]["id"] == "star"
    assert body["expected_spread"] > top_followers["simulated_spread"]
    assert celf > top_followers["simulated_spread"]
    assert all(s["gds_marginal_spread"] > 0 for s in body["seeds"])

    k5 = get(client, "/v1/seeds?k=5")
    assert k5["baselines"]["celf"]["simulated_spread"] > \
        k5["baselines"]["top_followers"]["simulated_spread"]
    assert [s["id"] for s in k5["seeds"]][:4] == seeds
    assert k5["baselines"]["celf"]["simulated_spread"] > 80  # the four groups mostly reached

    # errors: more seeds than computed; a topic nobody engaged about (none here)
    assert "k=21" in error(client, "/v1/seeds?k=21", 422)["message"]
    assert "computed for the 0 topics" in error(client, "/v1/seeds?topic=tea", 404)["message"]
    error(client, "/v1/seeds?k=0", 422)

    # community scope: a planted group's community gets seeds from that group only
    communities = get(client, "/v1/communities?limit=100")["communities"]
    home = get(client, f"/v1/accounts/{GROUPS[2][0]}")["community_id"]
    assert home in {c["id"] for c in communities}
    scoped = get(client, f"/v1/seeds?community={home}&k=2")
    assert scoped["scope"] == home
    assert {group_of(s["id"]) for s in scoped["seeds"]} == {2}
    error(client, f"/v1/seeds?community={home}&k=6", 422)
    error(client, "/v1/seeds?community=no-such-community", 404)

    # a second refresh of the same data again seeds each community once (exact identity
    # of the seeds: see the xfail test below)
    refresh(clean_db)
    again = get(client, "/v1/seeds?k=4")
    assert again["run_id"] != body["run_id"]
    assert sorted(group_of(s["id"]) for s in again["seeds"]) == [0, 1, 2, 3]
    assert again["expected_spread"] == pytest.approx(body["expected_spread"], rel=0.1)


def test_expected_spread_agrees_with_the_simulated_spread_of_the_same_seeds(
    client: FlaskClient, clean_db: Database
) -> None:
    load_seed_world(clean_db)
    refresh(clean_db)
    for k in (1, 5):
        body = get(client, f"/v1/seeds?k={k}")
        simulated = body["baselines"]["celf"]["simulated_spread"]
        assert body["expected_spread"] == pytest.approx(simulated, rel=0.2), (k, body)


def test_seed_sets_do_not_depend_on_storage_order(
    client: FlaskClient, clean_db: Database
) -> None:
    found = []
    for reverse in (False, True):
        wipe(clean_db)
        load_seed_world(clean_db, reverse=reverse)
        refresh(clean_db)
        found.append([s["id"] for s in get(client, "/v1/seeds?k=4")["seeds"]])
    assert found[0] == found[1]


# ------------------------------------------------------------------------------ issue 10 ranking


TEA_MEMBERS = [f"m{i:02d}" for i in range(10)]
LURKERS = [f"lurk{i:02d}" for i in range(10)]
TINY = [f"tiny{i:02d}" for i in range(15)]
GIANT_FANS = [f"fan{i:03d}" for i in range(300)]


def load_tea_world(database: Database) -> None:
    """``lead``: 20 followers (its ten community members and ten who never interact),
    eight posts (five about tea, three about cooking); each member likes one of its tea
    posts and comments on one more post (four on tea, six on cooking): 20 interactions,
    14 about tea, from 10 distinct responders it never engages back; the members also like
    each other. Fifteen ``tiny`` accounts: one tea post, one like about tea from one
    follower, a second follower who never interacts. ``giant``: 50,000 declared followers
    (300 in the graph, none of whom interacts), twenty tea posts, no response at all."""
    at = T0 - timedelta(days=30)
    write(database, "accounts", [
        {"id": "lead", "handle": "@lead", "followers_count": 20},
        {"id": "giant", "handle": "@giant", "followers_count": 50_000},
        *({"id": t, "handle": f"@{t}", "followers_count": 2} for t in TINY)])
    posts = [post(f"lead-{k}", "lead", at + timedelta(days=k), ["tea" if k < 5 else "cooking"])
             for k in range(8)]
    posts += [post(f"{t}-0", t, at + timedelta(days=1), ["tea"]) for t in TINY]
    posts += [post(f"giant-{k}", "giant", at + timedelta(days=k), ["tea"]) for k in range(20)]
    write(database, "posts", posts)
    write(database, "follows", [
        *({"follower": f, "followee": "lead", "since": DAY - timedelta(days=300 - i)}
          for i, f in enumerate(TEA_MEMBERS + LURKERS)),
        *({"follower": f"{who}-{t}", "followee": t, "since": DAY - timedelta(days=j)}
          for t in TINY for j, who in enumerate(("liker", "quiet"))),
        *({"follower": f, "followee": "giant", "since": DAY - timedelta(days=i % 200)}
          for i, f in enumerate(GIANT_FANS))])
    rows = []
    for i, m in enumerate(TEA_MEMBERS):
        rows.append(act(m, "lead", "like", at + timedelta(days=i % 5, hours=2), f"lead-{i % 5}",
                        ["tea"]))
        second = (i + 1) % 5 if i < 4 else 5 + i % 3
        rows.append(act(m, "lead", "comment", at + timedelta(days=second, hours=3 + i),
                        f"lead-{second}", ["tea" if second < 5 else "cooking"]))
        nxt = TEA_MEMBERS[(i + 1) % len(TEA_MEMBERS)]
        rows.append(act(m, nxt, "like", at + timedelta(days=9, minutes=i)))
    rows += [act(f"liker-{t}", t, "like", at + timedelta(days=1, hours=5), f"{t}-0", ["tea"])
             for t in TINY]
    write(database, "interactions", rows)


def test_topic_leader_ranks_above_one_like_accounts_and_a_passive_giant(
    client: FlaskClient, clean_db: Database
) -> None:
    load_tea_world(clean_db)
    result = run_refresh(clean_db, RefreshParams())  # default minimum community size (5)
    assert result.status == "succeeded", result.error

    for query in ("?topic=tea", ""):
        ranked = ranking(client, query.replace("?", "&"))
        ids = [r["id"] for r in ranked]
        assert ids[0] == "lead", (query, ids[:5])
        assert set(TINY) <= set(ids), query
        # the giant comes after every tiny account (overall: not even in the top 100)
        assert "giant" not in ids or ids.index("giant") > max(ids.index(t) for t in TINY)
        assert ranked[0]["score"] > max(r["score"] for r in ranked if r["id"] in TINY)
    giant_overall = influence_of(client, "giant")["influencer_score"]
    assert giant_overall < min(influence_of(client, t)["influencer_score"] for t in TINY)
    tea = get(client, "/v1/influencers?topic=tea&limit=100")["influencers"]
    assert {r["id"] for r in tea} == {"lead", "giant", *TINY}  # only accounts about tea
    giant = next(r for r in tea if r["id"] == "giant")
    assert giant["components"]["topic_relevance"] > 0.9  # all about tea ...
    assert giant["components"]["reach"] == 0.0  # ... and nobody answers
    assert giant["components"]["community_leadership"] == 0.0  # a follow-only cluster


def test_influencer_evidence_counts_match_the_graph(
    client: FlaskClient, clean_db: Database
) -> None:
    load_tea_world(clean_db)
    assert run_refresh(clean_db, RefreshParams()).status == "succeeded"
    community = get(client, "/v1/accounts/lead")["community_id"]
    size = next(c["size"] for c in get(client, "/v1/communities?limit=100")["communities"]
                if c["id"] == community)
    assert size >= 11  # the lead and its ten members at least

    lead = get(client, "/v1/influencers?topic=tea&limit=1")["influencers"][0]
    assert (lead["id"], lead["followers"], lead["followers_count"], lead["tier"]) == \
        ("lead", 20, 20, "nano")
    ev = lead["evidence"]
    assert ev["reach"]["responders"] == 10  # distinct accounts answering about tea
    assert ev["reach"]["most_responders"] == 10
    assert ev["community_pull"]["responders_in_community"] == 10
    assert ev["community_pull"]["community_others"] == size - 1
    relevance = ev["topic_relevance"]
    assert (relevance["posts"]["about"], relevance["posts"]["tagged"]) == (5, 8)
    assert (relevance["engagement"]["about"], relevance["engagement"]["tagged"]) == (14, 20)
    assert lead["components"]["topic_relevance"] == relevance["value"] == 1.0
    parts = ev["audience_quality"]["parts"]
    assert (parts["engaged_followers"]["successes"], parts["engaged_followers"]["trials"]) \
        == (10, 20)
    assert parts["active_followers"]["successes"] == 10  # the ten lurkers never interact
    assert (parts["independent_engagement"]["successes"],
            parts["independent_engagement"]["trials"]) == (40, 40)  # 10 likes + 10 comments x 3
    rate = ev["engagement_rate"]
    assert (rate["interactions"], rate["posts"], rate["followers"]) == (20, 8, 20)
    assert ev["mobilisation"]["calls"] == 0 and ev["mobilisation"]["possible_answers"] == 0
    for name in ("community_pull", "mobilisation"):
        low, high = ev[name]["interval"]
        assert low <= ev[name]["value"] <= high

    # the same components and evidence, overall, in the ranking and on the account
    overall = get(client, "/v1/influencers?limit=1")["influencers"][0]
    account = get(client, "/v1/accounts/lead")["influence"]
    assert overall["id"] == "lead"
    assert overall["components"] == account["components"]
    assert overall["evidence"] == account["evidence"]
    assert account["evidence"]["reach"]["responders"] == 10  # overall: the same ten
    assert account["responders"] == 10 and account["community_responders"] == 10
    assert account["topic_scores"]["tea"]["score"] == lead["score"]
    tiny = get(client, "/v1/accounts/tiny03")
    assert tiny["community_id"] is None  # three accounts: too few for a community
    ev = tiny["influence"]["evidence"]
    assert ev["reach"]["responders"] == 1
    assert ev["community_pull"]["community_others"] == 0  # no community: the prior
    rate = ev["engagement_rate"]
    assert (rate["interactions"], rate["posts"], rate["followers"]) == (1, 1, 2)


def test_influencer_filters_tier_min_followers_and_community(
    client: FlaskClient, clean_db: Database
) -> None:
    load_tea_world(clean_db)
    assert run_refresh(clean_db, RefreshParams()).status == "succeeded"

    def ids(query: str) -> list[str]:
        return [r["id"] for r in get(client, f"/v1/influencers?limit=100&{query}")
                ["influencers"]]

    assert ids("topic=tea&tier=mid") == ["giant"]  # 50,000 declared followers
    assert ids("tier=mega") == []
    assert set(ids("topic=tea&tier=nano")) == {"lead", *TINY}
    assert ids("topic=tea&min_followers=10") == ["lead", "giant"]
    assert ids("topic=tea&tier=nano&min_followers=3") == ["lead"]
    community = get(client, "/v1/accounts/lead")["community_id"]
    inside = ids(f"community={community}")
    assert inside[0] == "lead" and set(inside) <= {"lead", *TEA_MEMBERS, *LURKERS}
    assert ids(f"topic=tea&community={community}") == ["lead"]
    body = get(client, "/v1/influencers?tier=nano&min_followers=5")
    assert (body["tier"], body["min_followers"]) == ("nano", 5)
    assert error(client, "/v1/influencers?tier=giga", 422)["errors"]
    error(client, "/v1/influencers?min_followers=-1", 422)
