"""Topic counts of a refresh (pure): per account, per community and over everyone.

One pass over posts per topic (``influence/post_topics``) and topic-tagged engagement
(``influence/topic_engagement``: one row per engaged-with account with parallel lists of
topics, engagers, counts and kind-weighted sums) feeds community labels, topic affinity
and the topic seed sets alike. An interaction counts for both its ends, a post for its
author.
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
    pairs: dict[str, list[tuple[str, str, float]]]  # topic -> (engaged, engager, weight)


def topic_counts(post_rows: Iterable[dict[str, Any]],
                 engagement_rows: Iterable[dict[str, Any]]) -> TopicCounts:
    """Index the two topic reads by account and topic."""
    posts: dict[str, dict[str, int]] = defaultdict(dict)
    for r in post_rows:
        posts[r["account"]][r["topic"]] = r["n"]
    received: dict[str, dict[str, int]] = defaultdict(dict)
    made: dict[str, Counter[str]] = defaultdict(Counter)
    engagement: Counter[str] = Counter()
    pairs: dict[str, list[tuple[str, str, float]]] = defaultdict(list)
    for r in engagement_rows:
        source, got = r["s"], received[r["s"]]
        for topic, engager, n, w in zip(r["topics"], r["engagers"], r["ns"], r["ws"],
                                        strict=True):
            got[topic] = got.get(topic, 0) + n
            made[engager][topic] += n
            engagement[topic] += n
            pairs[topic].append((source, engager, w))
    return TopicCounts(dict(posts), dict(received), {a: dict(c) for a, c in made.items()},
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
