"""Generated rows as the columns of their entity file (CSV strings or JSONL values)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..vocabulary import KINDS
from .adoptions import Adoptions
from .follows import Follows
from .interactions import Interactions
from .names import FIRST_NAMES, HANDLE_SUFFIXES, ITEMS, LAST_NAMES, TOPICS
from .output import Labels, TopicColumn
from .population import Population
from .posts import Posts
from .sampling import IntArray, stream

_KINDS = np.array(KINDS)
_ITEMS = np.array(ITEMS)
_TOPICS = np.array(TOPICS)


def follow_columns(rows: Follows, labels: Labels) -> dict[str, Any]:
    """follower, followee, since."""
    return {"follower": labels.accounts[rows.follower], "followee": labels.accounts[rows.followee],
            "since": labels.iso(rows.since)}


def interaction_columns(rows: Interactions, labels: Labels, fmt: str) -> dict[str, Any]:
    """actor, target, kind, at, post_id (empty / null when none), topics."""
    post = rows.post
    named = post >= 0
    safe = labels.posts[np.maximum(post, 0)] if len(labels.posts) else np.full(len(post), "")
    if fmt == "csv":
        post_col: Any = np.where(named, safe, "")
    else:
        post_col = np.full(len(post), None, dtype=object)
        post_col[named] = safe[named]
    return {"actor": labels.accounts[rows.actor], "target": labels.accounts[rows.target],
            "kind": _KINDS[rows.kind], "at": labels.iso(rows.at), "post_id": post_col,
            "topics": TopicColumn(rows.topics).render(fmt)}


def post_columns(posts: Posts, sl: slice, labels: Labels, fmt: str) -> dict[str, Any]:
    """id, author, at, topics, call_to_action of the posts in ``sl``."""
    cta = posts.cta[sl]
    return {"id": labels.posts[sl], "author": labels.accounts[posts.author[sl]],
            "at": labels.iso(posts.at[sl]), "topics": TopicColumn(posts.topics[sl]).render(fmt),
            "call_to_action": np.where(cta, "true", "false") if fmt == "csv" else cta}


def adoption_columns(rows: Adoptions, labels: Labels) -> dict[str, Any]:
    """account, item, at."""
    return {"account": labels.accounts[rows.account], "item": _ITEMS[rows.item],
            "at": labels.iso(rows.at)}


def account_columns(seed: int, chunk: int, sl: slice, pop: Population, labels: Labels,
                    followers_count: IntArray) -> dict[str, Any]:
    """id, handle, name, followers_count of the accounts in ``sl`` (chunk number ``chunk``).

    Handles name a topic (mostly one of the account's community's) and are unique by their
    trailing number."""
    rng = stream(seed, "accounts", chunk)
    index = np.arange(sl.start, sl.stop)
    m = len(index)
    comm = pop.comm[index]
    fav = pop.fav_pad[comm, (rng.random(m) * pop.fav_cnt[comm]).astype(np.int64)]
    topic = np.where(rng.random(m) < 0.85, fav, rng.integers(0, len(TOPICS), size=m))
    suffix = HANDLE_SUFFIXES[rng.integers(0, len(HANDLE_SUFFIXES), m)]
    handles = np.char.add(np.char.add(np.char.add("@", _TOPICS[topic]), "_"),
                          np.char.add(np.char.add(suffix, "_"), (index + 1).astype(str)))
    names = np.char.add(np.char.add(FIRST_NAMES[rng.integers(0, len(FIRST_NAMES), m)], " "),
                        LAST_NAMES[rng.integers(0, len(LAST_NAMES), m)])
    return {"id": labels.accounts[sl], "handle": handles, "name": names,
            "followers_count": followers_count[sl]}
