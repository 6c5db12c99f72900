"""Topic counts of a refresh (pure): per account, per community and over everyone.

Posts per topic (``influence/post_topics``) and topic-tagged engagement feed community
labels, topic affinity and the topic seed sets alike. The engagement normally comes with
the pair list (:class:`Tagged`, grouped by :func:`from_tagged`); only when a kind is
weighted 0 (the pair list then lacks those interactions) is it read on its own
(``influence/topic_engagement``, every (topic, engaged, engager)). An interaction counts
for both its ends, a post for its author.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..analytics import FloatArray, IntArray


@dataclass(frozen=True)
class TopicCounts:
    """Topic use per account and the topic engagement pairs."""

    posts: dict[str, dict[str, int]]  # author -> topic -> posts
    received: dict[str, dict[str, int]]  # engaged-with account -> topic -> interactions
    made: dict[str, dict[str, int]]  # engager -> topic -> interactions
    engagement: dict[str, int]  # topic -> tagged interactions, everyone
    # topic -> (engaged, engager, weight); empty when read without influence
    pairs: dict[str, list[tuple[str, str, float]]]


@dataclass
class Tagged:
    """Topic-tagged interactions as read with the pair list (``refresh/engagement_out``):
    one entry per (interaction, topic), in node-index space, with topics numbered."""

    src: list[IntArray] = field(default_factory=list)  # engager, per batch
    dst: list[IntArray] = field(default_factory=list)  # engaged-with account
    w: list[FloatArray] = field(default_factory=list)  # the interaction's kind weight
    topic: list[IntArray] = field(default_factory=list)  # index into ``names``
    names: dict[str, int] = field(default_factory=dict)  # topic -> index

    def add(self, src: IntArray, dst: IntArray, w: FloatArray, tags: list[list[str]]) -> None:
        """One batch: per interaction (src, dst, w), its list of topics."""
        lengths = np.fromiter((len(t) for t in tags), dtype=np.int64, count=len(tags))
        flat = [topic for t in tags for topic in t]
        if not flat:
            return
        codes, uniques = pd.factorize(np.array(flat, dtype=object))
        number = np.array([self.names.setdefault(u, len(self.names)) for u in uniques],
                          dtype=np.int64)
        keep = np.repeat((src >= 0) & (dst >= 0), lengths)
        self.src.append(np.repeat(src, lengths)[keep])
        self.dst.append(np.repeat(dst, lengths)[keep])
        self.w.append(np.repeat(w, lengths)[keep])
        self.topic.append(number[codes][keep])

    def take(self) -> tuple[IntArray, IntArray, FloatArray, IntArray]:
        """(src, dst, w, topic) over every batch; the batches are released."""
        if not self.src:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0), empty
        columns = (np.concatenate(self.src), np.concatenate(self.dst),
                   np.concatenate(self.w), np.concatenate(self.topic))
        for part in (self.src, self.dst, self.w, self.topic):
            part.clear()
        return columns


def from_tagged(post_rows: Iterable[dict[str, Any]], tagged: Tagged, accounts: list[str],
                with_pairs: bool) -> TopicCounts:
    """The counts (and with ``with_pairs`` the topic pairs) from the tagged interactions
    read with the pair list, grouped with numpy: the interactions are not read twice."""
    src, dst, w, topic = tagged.take()
    names = sorted(tagged.names, key=tagged.names.__getitem__)
    nt = np.int64(max(len(names), 1))

    def per_account(ends: IntArray) -> dict[str, dict[str, int]]:
        keys, counts = np.unique(ends * nt + topic, return_counts=True)
        out: dict[str, dict[str, int]] = defaultdict(dict)
        for i, t, n in zip((keys // nt).tolist(), (keys % nt).tolist(), counts.tolist(),
                           strict=True):
            out[accounts[i]][names[t]] = n
        return dict(out)

    engagement = np.bincount(topic, minlength=len(names)).tolist()
    return TopicCounts(post_counts(post_rows), per_account(dst), per_account(src),
                       {t: n for t, n in zip(names, engagement, strict=True) if n},
                       topic_pairs(accounts, names, src, dst, w, topic) if with_pairs else {})


def topic_pairs(accounts: list[str], names: list[str], src: IntArray, dst: IntArray,
                w: FloatArray, topic: IntArray) -> dict[str, list[tuple[str, str, float]]]:
    """topic -> (engaged, engager, summed kind weight), one entry per distinct triple."""
    n = np.int64(len(accounts))
    keys, inverse = np.unique((topic * n + dst) * n + src, return_inverse=True)
    summed = np.bincount(inverse, weights=w).tolist()
    pairs: dict[str, list[tuple[str, str, float]]] = defaultdict(list)
    for t, d, s, total in zip((keys // (n * n)).tolist(), (keys // n % n).tolist(),
                              (keys % n).tolist(), summed, strict=True):
        pairs[names[t]].append((accounts[d], accounts[s], total))
    return dict(pairs)


def post_counts(post_rows: Iterable[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """author -> topic -> posts."""
    posts: dict[str, dict[str, int]] = defaultdict(dict)
    for r in post_rows:
        posts[r["account"]][r["topic"]] = r["n"]
    return dict(posts)


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
