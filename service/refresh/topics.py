"""Topic counts of a refresh (pure): per account, per community and over everyone.

One pass over posts per topic (``influence/post_topics``) and topic-tagged engagement
feeds community labels, topic affinity and the topic seed sets alike. With influence,
the engagement read is ``influence/topic_engagement`` (per engaged-with account, parallel
lists of topics, engagers, counts and kind-weighted sums: the topic influence graphs need
every pair); without, ``refresh/topic_use`` (per account, topic
counts received and made, summed on the server), since only the counts are used. An
interaction counts for both its ends, a post for its author.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..analytics import IntArray


@dataclass(frozen=True)
class TopicCounts:
    """Topic use per account and the topic engagement pairs."""

    posts: dict[str, dict[str, int]]  # author -> topic -> posts
    received: dict[str, dict[str, int]]  # engaged-with account -> topic -> interactions
    made: dict[str, dict[str, int]]  # engager -> topic -> interactions
    engagement: dict[str, int]  # topic -> tagged interactions, everyone
    # topic -> (engaged, engager, weight); empty when read without influence
    pairs: dict[str, list[tuple[str, str, float]]]


def post_counts(post_rows: Iterable[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """author -> topic -> posts."""
    posts: dict[str, dict[str, int]] = defaultdict(dict)
    for r in post_rows:
        posts[r["account"]][r["topic"]] = r["n"]
    return dict(posts)


def topic_use(post_rows: Iterable[dict[str, Any]],
              use_rows: Iterable[dict[str, Any]]) -> TopicCounts:
    """The counts alone (no pairs), from ``refresh/topic_use`` (a row per batch)."""
    received: dict[str, dict[str, int]] = {}
    made: dict[str, dict[str, int]] = {}
    engagement: Counter[str] = Counter()
    for batch in use_rows:
        for account, got, got_n, did, did_n in zip(
                batch["accounts"], batch["received"], batch["receivedN"], batch["made"],
                batch["madeN"], strict=True):
            if got:
                received[account] = dict(zip(got, got_n, strict=True))
                engagement.update(received[account])
            if did:
                made[account] = dict(zip(did, did_n, strict=True))
    return TopicCounts(post_counts(post_rows), received, made, dict(engagement), {})


def topic_counts(post_rows: Iterable[dict[str, Any]],
                 engagement_rows: Iterable[dict[str, Any]]) -> TopicCounts:
    """Index the two topic reads by account and topic, pairs included."""
    received: dict[str, dict[str, int]] = defaultdict(dict)
    made: dict[str, Counter[str]] = defaultdict(Counter)
    engagement: Counter[str] = Counter()
    pairs: dict[str, list[tuple[str, str, float]]] = defaultdict(list)
    for batch in engagement_rows:
        for source, *lists in zip(batch["s"], batch["topics"], batch["engagers"],
                                  batch["ns"], batch["ws"], strict=True):
            got = received[source]
            for topic, engager, n, w in zip(*lists, strict=True):
                got[topic] = got.get(topic, 0) + n
                made[engager][topic] += n
                engagement[topic] += n
                pairs[topic].append((source, engager, w))
    return TopicCounts(post_counts(post_rows), dict(received),
                       {a: dict(c) for a, c in made.items()},
                       dict(engagement), dict(pairs))


def community_topics(counts: TopicCounts, index: dict[str, int], labels: IntArray
                     ) -> tuple[dict[int, Counter[str]], Counter[str]]:
    """Topic counts per community (clustered accounts) and over every account."""
    per_community: dict[int, Counter[str]] = defaultdict(Counter)
    everyone: Counter[str] = Counter()
    for by_account in (counts.posts, counts.received, counts.made):
        for account, topics in by_account.items():
            everyone.update(topics)
            i = index.get(account)
            if i is not None and labels[i] >= 0:
                per_community[int(labels[i])].update(topics)
    return dict(per_community), everyone
