"""The evidence-weighted influencer score (service.influence) computed from the influence
stage's own queries, before the refresh serves it: ``python -m bench.ranking --offline``.

Reads the serving run's communities and leader scores (its AccountMetrics) and the raw
inputs by name (``influence/*``), builds AccountEvidence / TopicEvidence and ranks."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import numpy as np

from service.db import Database
from service.influence import (
    AccountEvidence,
    Scores,
    TopicEvidence,
    influencer_scores,
    topic_scores,
)
from service.refresh.inputs import per_account
from service.refresh.params import RefreshParams
from service.vocabulary import DEFAULT_KIND_WEIGHTS

from .ranking import OVERALL, TOP, Ranking, Truth


class Inputs:
    """Rows of the influence stage's queries, indexed by account."""

    def __init__(self, database: Database) -> None:
        run_id = database.fetch("runs/current_run")[0]["runId"]
        metrics = database.fetch("read/influencers", runId=run_id, community=None, topic=None,
                                 limit=10**9)
        self.community = {r["metrics"]["accountId"]: r["metrics"].get("communityId")
                          for r in metrics}
        self.size = {r["metrics"]["accountId"]: r["metrics"].get("communitySize") or 0
                     for r in metrics}
        self.leadership = {r["metrics"]["accountId"]: json.loads(
            r["metrics"].get("components") or "{}").get("community_leadership") or 0.0
            for r in metrics}
        self.reach = {r["id"]: r for r in database.fetch("influence/account_reach", since=None)}
        self.audience = {r["id"]: r for r in database.fetch("influence/audience", since=None)}
        self.bursts = {r["id"]: r["burst_peak"]
                       for r in per_account(database, "influence/follow_bursts")()}
        self.pairs = database.fetch("influence/influence_pairs",
                                    kindWeights=DEFAULT_KIND_WEIGHTS, since=None)
        self.calls = database.fetch("influence/calls_to_action", since=None,
                                    hours=RefreshParams().mobilisation_hours)
        self.post_topics = database.fetch("influence/post_topics", since=None)
        self.topic_rows = per_account(database, "influence/topic_engagement", since=None,
                                      kindWeights=DEFAULT_KIND_WEIGHTS)()
        # (a, b): a engaged with b in the window
        self.engages = {(r["t"], r["s"]) for r in self.pairs}
        self.ids = sorted(set(self.reach) | set(self.community))
        self.index = {a: i for i, a in enumerate(self.ids)}

    def same(self, a: str, b: str) -> bool:
        """Whether two accounts are in the same community."""
        c = self.community.get(a)
        return c is not None and c == self.community.get(b)

    def community_numbers(self) -> np.ndarray:
        """Per account: its community's number in the run, -1 outside communities."""
        numbers = {c: i for i, c in enumerate(sorted({c for c in self.community.values() if c}))}
        return np.array([numbers.get(self.community.get(a) or "", -1) for a in self.ids],
                        dtype=np.int64)

    def column(self, values: dict[str, Any]) -> np.ndarray:
        """A per-account array from a dict (missing = 0)."""
        return np.array([float(values.get(a) or 0) for a in self.ids])


def account_evidence(inp: Inputs) -> AccountEvidence:
    """AccountEvidence from the inputs."""
    responders: dict[str, float] = defaultdict(float)
    inside: dict[str, float] = defaultdict(float)
    weight: dict[str, float] = defaultdict(float)
    independent: dict[str, float] = defaultdict(float)
    engages = inp.engages
    for r in inp.pairs:
        s, t, w = r["s"], r["t"], float(r["w"])
        weight[s] += w
        if (s, t) not in engages:  # t answers s, and s does not engage t: an audience
            independent[s] += w
            responders[s] += 1
            inside[s] += inp.same(s, t)
    calls: dict[str, float] = defaultdict(float)
    answered: dict[str, float] = defaultdict(float)
    for call in inp.calls:
        author = call["author"]
        calls[author] += 1
        answered[author] += sum(inp.same(author, x) and (author, x) not in engages
                                for x in call["responders"])
    reach, aud = inp.reach, inp.audience
    col = inp.column
    declared = {a: r["declared_followers"] or r["follower_edges"] for a, r in reach.items()}
    return AccountEvidence(
        followers=col(declared),
        follower_edges=col({a: r["followers"] for a, r in aud.items()}),
        engaged_followers=col({a: r["engaged"] for a, r in aud.items()}),
        passive_followers=col({a: r["passive"] for a, r in aud.items()}),
        burst_peak=col(inp.bursts), posts=col({a: r["posts"] for a, r in reach.items()}),
        received=col({a: r["received"] for a, r in reach.items()}),
        engagement=col(weight), independent=col(independent), responders=col(responders),
        community_responders=col(inside), community=inp.community_numbers(),
        community_size=col(inp.size), calls=col(calls),
        call_responders=col(answered), leadership=col(inp.leadership))


def topic_evidence(inp: Inputs) -> dict[str, TopicEvidence]:
    """TopicEvidence of every topic from the inputs."""
    posts: dict[str, dict[str, float]] = defaultdict(dict)
    post_tags: dict[str, float] = defaultdict(float)
    for r in inp.post_topics:
        posts[r["topic"]][r["account"]] = r["n"]
        post_tags[r["account"]] += r["n"]
    received: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    responders: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    inside: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    received_tags: dict[str, float] = defaultdict(float)
    for r in inp.topic_rows:
        s = r["s"]
        for topic, engager, n in zip(r["topics"], r["engagers"], r["ns"], strict=True):
            received[topic][s] += n
            received_tags[s] += n
            if (s, engager) not in inp.engages:
                responders[topic][s] += 1
                inside[topic][s] += inp.same(s, engager)
    col = inp.column
    return {t: TopicEvidence(
        posts_about=col(posts.get(t, {})), post_tags=col(post_tags),
        received_about=col(received[t]), received_tags=col(received_tags),
        responders_about=col(responders[t]), community_responders_about=col(inside[t]))
        for t in sorted(set(posts) | set(received))}


def ranked(ids: list[str], scores: Scores, among: set[str] | None, k: int) -> list[str]:
    """The top k accounts by score (ties by id), optionally among some accounts only."""
    order = sorted(range(len(ids)), key=lambda i: (-scores.score[i], ids[i]))
    return [ids[i] for i in order if among is None or ids[i] in among][:k]


def offline_ranking(database: Database, truth: Truth, about: dict[str, set[str]]) -> Ranking:
    """Overall top 50 and per-topic top k by the evidence-weighted scores."""
    inp = Inputs(database)
    ev = account_evidence(inp)
    overall = influencer_scores(ev)
    out = {OVERALL: ranked(inp.ids, overall, None, TOP)}
    topics = topic_evidence(inp)
    for topic, leaders in truth.topic_leaders.items():
        if topic in topics:
            scores = topic_scores(ev, overall, topics[topic])
            out[topic] = ranked(inp.ids, scores, about.get(topic, set()), len(leaders))
    return out
