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
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from ..analytics import FloatArray, IntArray, group_sums


@dataclass(frozen=True)
class TopicUse:
    """How often accounts used topics on one side (posts, received or made engagement):
    one entry per (account, topic) with its count, accounts and topics numbered."""

    accounts: list[str]  # account index -> id
    names: list[str]  # topic index -> topic
    account: IntArray
    topic: IntArray
    n: IntArray

    @classmethod
    def of(cls, by_account: dict[str, dict[str, int]]) -> TopicUse:
        """From account -> topic -> n."""
        accounts = list(by_account)
        flat = [(i, topic, n) for i, per in enumerate(by_account.values())
                for topic, n in per.items()]
        codes, names = pd.factorize(np.array([t for _, t, _ in flat], dtype=object))
        return cls(accounts, list(names),
                   np.fromiter((i for i, _, _ in flat), dtype=np.int64, count=len(flat)),
                   codes.astype(np.int64),
                   np.fromiter((n for _, _, n in flat), dtype=np.int64, count=len(flat)))

    def by_account(self) -> dict[str, dict[str, int]]:
        """account -> topic -> n, in entry order."""
        out: dict[str, dict[str, int]] = defaultdict(dict)
        for i, t, n in zip(self.account.tolist(), self.topic.tolist(), self.n.tolist(),
                           strict=True):
            out[self.accounts[i]][self.names[t]] = n
        return dict(out)


@dataclass(frozen=True)
class TopicCounts:
    """Topic use per account and the topic engagement pairs. The per-account dicts are
    built on first use (a refresh without influence needs only the community totals)."""

    uses: tuple[TopicUse, TopicUse, TopicUse]  # posts, received, made
    engagement: dict[str, int]  # topic -> tagged interactions, everyone
    # topic -> (engaged, engager, weight); empty when read without influence
    pairs: dict[str, list[tuple[str, str, float]]]

    @cached_property
    def posts(self) -> dict[str, dict[str, int]]:
        """author -> topic -> posts."""
        return self.uses[0].by_account()

    @cached_property
    def received(self) -> dict[str, dict[str, int]]:
        """engaged-with account -> topic -> interactions."""
        return self.uses[1].by_account()

    @cached_property
    def made(self) -> dict[str, dict[str, int]]:
        """engager -> topic -> interactions."""
        return self.uses[2].by_account()


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


def from_tagged(post_batches: Iterable[dict[str, Any]], tagged: Tagged, accounts: list[str],
                with_pairs: bool) -> TopicCounts:
    """The counts (and with ``with_pairs`` the topic pairs) from the tagged interactions
    read with the pair list, grouped with numpy: the interactions are not read twice."""
    src, dst, w, topic = tagged.take()
    names = sorted(tagged.names, key=tagged.names.__getitem__)
    nt = np.int64(max(len(names), 1))

    def per_account(ends: IntArray) -> TopicUse:
        keys, counts = np.unique(ends * nt + topic, return_counts=True)
        return TopicUse(accounts, names, keys // nt, keys % nt, counts.astype(np.int64))

    engagement = np.bincount(topic, minlength=len(names)).tolist()
    return TopicCounts((post_use(post_batches), per_account(dst), per_account(src)),
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


def post_use(post_batches: Iterable[dict[str, Any]]) -> TopicUse:
    """Posts per (author, topic), from ``influence/post_topics``' batches of lists."""
    accounts: list[str] = []
    topics: list[str] = []
    counts: list[int] = []
    for batch in post_batches:
        accounts.extend(batch["accounts"])
        topics.extend(batch["topics"])
        counts.extend(batch["posts"])
    account, authors = pd.factorize(np.array(accounts, dtype=object))
    topic, names = pd.factorize(np.array(topics, dtype=object))
    return TopicUse(list(authors), list(names), account.astype(np.int64),
                    topic.astype(np.int64), np.array(counts, dtype=np.int64))


def topic_counts(post_batches: Iterable[dict[str, Any]],
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
    return TopicCounts((post_use(post_batches), TopicUse.of(dict(received)),
                        TopicUse.of({a: dict(c) for a, c in made.items()})),
                       dict(engagement), dict(pairs))


def community_topics(counts: TopicCounts, index: dict[str, int], labels: IntArray
                     ) -> tuple[dict[int, Counter[str]], Counter[str]]:
    """Topic counts per community (clustered accounts) and over every account."""
    per_community: dict[int, Counter[str]] = defaultdict(Counter)
    everyone: Counter[str] = Counter()
    for use in counts.uses:
        if not len(use.n):
            continue
        node = np.fromiter((index.get(a, -1) for a in use.accounts), dtype=np.int64,
                           count=len(use.accounts))
        label = np.where(node >= 0, labels[np.maximum(node, 0)], -1)[use.account]
        nt = np.int64(len(use.names))
        totals = np.bincount(use.topic, weights=use.n, minlength=len(use.names))
        everyone.update({use.names[t]: int(v) for t, v in enumerate(totals.tolist()) if v})
        inside = label >= 0
        keys, summed = group_sums(label[inside] * nt + use.topic[inside],
                                  use.n[inside].astype(np.float64))
        for c, t, v in zip((keys // nt).tolist(), (keys % nt).tolist(), summed.tolist(),
                           strict=True):
            per_community[c][use.names[t]] += int(v)
    return dict(per_community), everyone
