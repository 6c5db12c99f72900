"""Seeded, deterministic generator of realistic social graphs with planted communities."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
StrArray = npt.NDArray[np.str_]
ObjArray = npt.NDArray[np.object_]

FORMATS: tuple[str, ...] = ("csv", "jsonl")
ENTITIES: tuple[str, ...] = ("accounts", "follows", "interactions", "posts", "adoptions")
COLUMNS: dict[str, tuple[str, ...]] = {
    "accounts": ("id", "handle", "name", "followers_count"),
    "follows": ("follower", "followee", "since"),
    "interactions": ("actor", "target", "kind", "at", "post_id", "topics"),
    "posts": ("id", "author", "at", "topics", "call_to_action"),
    "adoptions": ("account", "item", "at"),
}

# Topic vocabulary; every topic has two adoptable items.
TOPIC_ITEMS: dict[str, tuple[str, str]] = {
    "tea": ("green-tea", "oolong-sampler"),
    "coffee": ("cold-brew-kit", "espresso-beans"),
    "running": ("trail-shoes", "gps-watch"),
    "jazz": ("jazz-festival-pass", "blue-note-box"),
    "python": ("type-checker", "notebook-pro"),
    "gardening": ("heirloom-seeds", "compost-bin"),
    "chess": ("chess-clock", "opening-course"),
    "vegan": ("oat-milk", "tofu-press"),
    "crypto": ("hardware-wallet", "staking-app"),
    "football": ("season-ticket", "retro-jersey"),
    "cycling": ("gravel-bike", "bike-lights"),
    "photography": ("prime-lens", "film-camera"),
    "baking": ("sourdough-starter", "stand-mixer"),
    "hiking": ("trekking-poles", "trail-map-app"),
    "climbing": ("chalk-bag", "bouldering-pass"),
    "yoga": ("yoga-mat", "meditation-app"),
    "gaming": ("handheld-console", "mech-keyboard"),
    "anime": ("streaming-pass", "figure-set"),
    "knitting": ("merino-yarn", "knitting-kit"),
    "astronomy": ("telescope", "star-chart-app"),
    "birding": ("binoculars", "bird-feeder"),
    "vinyl": ("turntable", "record-crate"),
    "travel": ("travel-backpack", "rail-pass"),
    "rust": ("rust-book", "embedded-kit"),
    "fishing": ("fly-rod", "tackle-box"),
    "poetry": ("poetry-zine", "writing-retreat"),
    "cinema": ("film-club-pass", "projector"),
    "cooking": ("cast-iron-pan", "spice-box"),
}
TOPICS: tuple[str, ...] = tuple(TOPIC_ITEMS)
ITEMS: tuple[str, ...] = tuple(f"item:{item}" for pair in TOPIC_ITEMS.values() for item in pair)
ITEM_TOPIC: IntArray = np.repeat(np.arange(len(TOPICS), dtype=np.int64), 2)

KINDS: tuple[str, ...] = ("like", "comment", "reply", "share", "mention")
_KIND_P = np.array([0.55, 0.15, 0.12, 0.10, 0.08])
_KIND_ATTACH_P = np.array([0.92, 0.95, 0.95, 0.97, 0.0])  # chance the interaction names a post

_HANDLE_SUFFIXES = np.array(
    ["lover", "fan", "nerd", "daily", "addict", "guru", "geek", "club", "life", "head", "talk"]
)
_FIRST_NAMES = np.array(
    [
        "Ada",
        "Ben",
        "Chloe",
        "Dmitri",
        "Elif",
        "Farah",
        "Gus",
        "Hana",
        "Ivan",
        "Jade",
        "Kofi",
        "Lena",
        "Mateo",
        "Nia",
        "Omar",
        "Priya",
        "Quinn",
        "Rosa",
        "Sven",
        "Tara",
        "Umar",
        "Vera",
        "Wen",
        "Ximena",
        "Yusuf",
        "Zoe",
        "Aiko",
        "Bruno",
        "Carmen",
        "Diego",
        "Emma",
        "Finn",
    ]
)
_LAST_NAMES = np.array(
    [
        "Smith",
        "Garcia",
        "Okafor",
        "Nguyen",
        "Kowalski",
        "Rossi",
        "Haddad",
        "Tanaka",
        "Muller",
        "Silva",
        "Ivanova",
        "Johansson",
        "Kim",
        "Patel",
        "Dubois",
        "Novak",
        "Moreau",
        "Costa",
        "Larsen",
        "Yilmaz",
        "Fischer",
        "Murphy",
        "Santos",
        "Chen",
        "Mensah",
        "Horvat",
    ]
)

_DAY = 86_400
_LEADER_SHARE = 0.3  # share of in-community interactions aimed directly at a leader
_BOUGHT_SHARE = 0.03  # share of all follows that are bought followers of inauthentic accounts
_INAUTHENTIC_ENGAGEMENT = 1e-3  # relative chance an inauthentic account is engaged with
_CHUNK = 200_000


@dataclass(frozen=True)
class GraphSpec:
    """Size and shape of a synthetic social graph."""

    accounts: int
    follows: int
    interactions: int
    posts: int
    adoptions: int
    communities: int
    days: int = 90
    seed: int = 42
    mixing: float = 0.1  # share of interactions/follows that cross communities
    inauthentic: int = 3  # large accounts with bought followers and almost no engagement
    end: datetime = datetime(2026, 11, 1, tzinfo=UTC)  # window is [end - days, end)

    @property
    def start(self) -> datetime:
        """Return the inclusive start of the time window."""
        return self.end - timedelta(days=self.days)

    def counts(self) -> dict[str, int]:
        """Return the number of rows each entity file will hold."""
        return {
            "accounts": self.accounts,
            "follows": self.follows,
            "interactions": self.interactions,
            "posts": self.posts,
            "adoptions": self.adoptions,
        }

    def to_json(self) -> dict[str, Any]:
        """Return the spec as a JSON-serialisable dict."""
        data = asdict(self)
        data["end"] = self.end.isoformat()
        return data


PRESETS: dict[str, GraphSpec] = {
    "demo": GraphSpec(
        accounts=3000,
        follows=30000,
        interactions=30000,
        posts=1500,
        adoptions=1000,
        communities=8,
    ),
    "bench": GraphSpec(
        accounts=100_000,
        follows=1_000_000,
        interactions=1_000_000,
        posts=50_000,
        adoptions=20_000,
        communities=60,
    ),
}


# --------------------------------------------------------------------------- sampling helpers


class _Sampler:
    """Weighted sampling of accounts, globally or restricted to one community per draw."""

    def __init__(self, weights: FloatArray, groups: IntArray, n_groups: int) -> None:
        self.order: IntArray = np.argsort(groups, kind="stable").astype(np.int64)
        self.cum: FloatArray = np.cumsum(weights[self.order])
        sorted_groups = groups[self.order]
        ids = np.arange(n_groups)
        self.starts: IntArray = np.searchsorted(sorted_groups, ids, side="left").astype(np.int64)
        self.ends: IntArray = np.searchsorted(sorted_groups, ids, side="right").astype(np.int64)
        cum0 = np.concatenate(([0.0], self.cum))
        self.before: FloatArray = cum0[self.starts]
        self.totals: FloatArray = cum0[self.ends] - self.before

    def anywhere(self, u: FloatArray) -> IntArray:
        pos = np.searchsorted(self.cum, u * self.cum[-1], side="right")
        return self.order[np.minimum(pos, len(self.order) - 1)]

    def within(self, groups: IntArray, u: FloatArray) -> IntArray:
        x = self.before[groups] + u * self.totals[groups]
        pos = np.searchsorted(self.cum, x, side="right")
        pos = np.clip(pos, self.starts[groups], self.ends[groups] - 1)
        return self.order[pos]


@dataclass
class _Population:
    comm: IntArray  # community of each account
    sizes: IntArray
    leaders: list[IntArray]  # leader account indices per community
    leader_pad: IntArray  # (k, 3) leaders, padded by repeating the first
    leader_cnt: IntArray
    is_leader: BoolArray
    inauthentic: IntArray
    fav_pad: IntArray  # (k, 3) favourite topic indices, padded
    fav_cnt: IntArray
    activity: FloatArray  # propensity to act (follow, interact, post, adopt)
    follow_sampler: _Sampler  # who gets followed organically
    engage_sampler: _Sampler  # who gets interacted with
    act_sampler: _Sampler  # who acts


def _community_sizes(rng: np.random.Generator, n: int, k: int) -> IntArray:
    floor = max(2, min(20, n // (4 * k)))
    probs = rng.dirichlet(np.full(k, 0.7))
    sizes = floor + rng.multinomial(n - floor * k, probs)
    return sizes.astype(np.int64)


def _population(rng: np.random.Generator, spec: GraphSpec) -> _Population:
    n, k = spec.accounts, spec.communities
    sizes = _community_sizes(rng, n, k)
    comm = rng.permutation(np.repeat(np.arange(k, dtype=np.int64), sizes))

    # Random order of members within each community; the first L of each are its leaders.
    perm = rng.permutation(n)
    grouped = perm[np.argsort(comm[perm], kind="stable")]
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    rank = np.empty(n, dtype=np.int64)
    rank[grouped] = np.arange(n) - np.repeat(starts, sizes) + 1
    leader_cnt = np.where(sizes < 12, 1, rng.integers(1, 4, size=k)).astype(np.int64)
    leaders = [grouped[starts[c] : starts[c] + leader_cnt[c]].astype(np.int64) for c in range(k)]
    leader_pad = np.stack([np.resize(lead, 3) for lead in leaders]).astype(np.int64)
    is_leader = np.zeros(n, dtype=bool)
    is_leader[np.concatenate(leaders)] = True

    candidates = np.flatnonzero(~is_leader)
    if spec.inauthentic > len(candidates):
        raise ValueError("too many inauthentic accounts for this number of accounts")
    inauthentic = np.sort(rng.choice(candidates, size=spec.inauthentic, replace=False))

    fav_cnt = rng.integers(2, 4, size=k).astype(np.int64)
    fav_pad = np.stack(
        [np.resize(rng.choice(len(TOPICS), size=int(c), replace=False), 3) for c in fav_cnt]
    ).astype(np.int64)

    # Zipf popularity within each community (leaders hold the top ranks) => power-law in-degree.
    popularity = rank.astype(np.float64) ** -1.05
    popularity[inauthentic] *= 0.01
    engagement = popularity.copy()
    engagement[inauthentic] *= _INAUTHENTIC_ENGAGEMENT
    activity = rng.lognormal(0.0, 1.0, size=n)
    activity[is_leader] *= 3.0
    activity[inauthentic] *= 0.05
    return _Population(
        comm=comm,
        sizes=sizes,
        leaders=leaders,
        leader_pad=leader_pad,
        leader_cnt=leader_cnt,
        is_leader=is_leader,
        inauthentic=inauthentic,
        fav_pad=fav_pad,
        fav_cnt=fav_cnt,
        activity=activity,
        follow_sampler=_Sampler(popularity, comm, k),
        engage_sampler=_Sampler(engagement, comm, k),
        act_sampler=_Sampler(activity, comm, k),
    )


def _draw_topics(
    rng: np.random.Generator,
    pop: _Population,
    comm: IntArray,
    count_p: Sequence[float],
    mixing: float,
) -> IntArray:
    """Draw up to three distinct topic indices per row (-1 = none), favouring `comm`'s."""
    m = len(comm)
    counts = rng.choice(len(count_p), size=m, p=np.asarray(count_p))
    fav = pop.fav_pad[comm[:, None], (rng.random((m, 3)) * pop.fav_cnt[comm][:, None]).astype(int)]
    rand = rng.integers(0, len(TOPICS), size=(m, 3))
    topics = np.where(rng.random((m, 3)) < max(mixing, 0.05), rand, fav)
    big = len(TOPICS)
    topics[np.arange(3)[None, :] >= counts[:, None]] = big
    topics.sort(axis=1)
    dup = topics[:, 1:] == topics[:, :-1]
    topics[:, 1:][dup] = big
    topics.sort(axis=1)
    topics[topics == big] = -1
    return topics.astype(np.int64)


def _unique_first(keys: IntArray) -> IntArray:
    """Return the sorted positions of the first occurrence of every key."""
    _, first = np.unique(keys, return_index=True)
    return np.sort(first).astype(np.int64)


# --------------------------------------------------------------------------- entity generation


def _follows(
    rng: np.random.Generator, spec: GraphSpec, pop: _Population
) -> tuple[IntArray, IntArray, IntArray]:
    n, window = spec.accounts, spec.days * _DAY
    parts_f: list[IntArray] = []
    parts_t: list[IntArray] = []
    parts_s: list[IntArray] = []

    n_inauth = len(pop.inauthentic)
    bought = min((n - 1) // 2, int(spec.follows * _BOUGHT_SHARE / max(n_inauth, 1)))
    if n_inauth and bought > 0:
        for account in pop.inauthentic:
            followers = rng.choice(n - 1, size=bought, replace=False).astype(np.int64)
            followers[followers >= account] += 1
            n_bursts = int(rng.integers(2, 6))
            bursts = rng.integers(0, max(window - 6 * 3600, 1), size=n_bursts)
            since = bursts[rng.integers(0, n_bursts, size=bought)] + rng.integers(
                0, 6 * 3600, size=bought
            )
            parts_f.append(followers)
            parts_t.append(np.full(bought, account, dtype=np.int64))
            parts_s.append(np.minimum(since, window - 1).astype(np.int64))

    follower = np.concatenate(parts_f) if parts_f else np.empty(0, dtype=np.int64)
    followee = np.concatenate(parts_t) if parts_t else np.empty(0, dtype=np.int64)
    since = np.concatenate(parts_s) if parts_s else np.empty(0, dtype=np.int64)
    for _ in range(500):
        missing = spec.follows - len(follower)
        if missing <= 0:
            break
        m = int(missing * 1.15) + 64
        f = pop.act_sampler.anywhere(rng.random(m))
        t = pop.follow_sampler.within(pop.comm[f], rng.random(m))
        cross = rng.random(m) < spec.mixing
        t[cross] = pop.follow_sampler.anywhere(rng.random(int(cross.sum())))
        s = np.minimum((rng.beta(1.3, 1.0, size=m) * window).astype(np.int64), window - 1)
        ok = f != t
        follower = np.concatenate((follower, f[ok]))
        followee = np.concatenate((followee, t[ok]))
        since = np.concatenate((since, s[ok]))
        keep = _unique_first(follower * n + followee)
        follower, followee, since = follower[keep], followee[keep], since[keep]
    if len(follower) < spec.follows:
        raise RuntimeError("could not generate enough distinct follows; the spec is too dense")
    follower, followee, since = (a[: spec.follows] for a in (follower, followee, since))
    order = np.argsort(since, kind="stable")
    return follower[order], followee[order], since[order]


@dataclass
class _Posts:
    author: IntArray
    at: IntArray
    topics: IntArray
    cta: BoolArray
    start: IntArray  # per account: first position in `by_author`
    count: IntArray  # per account: number of posts
    by_author: IntArray


def _posts(rng: np.random.Generator, spec: GraphSpec, pop: _Population) -> _Posts:
    p, n, window = spec.posts, spec.accounts, spec.days * _DAY
    weights = pop.activity * np.where(pop.is_leader, 5.0, 1.0)
    author = _Sampler(weights, pop.comm, spec.communities).anywhere(rng.random(p))
    at = rng.integers(0, window, size=p).astype(np.int64)
    topics = _draw_topics(rng, pop, pop.comm[author], (0.0, 0.5, 0.35, 0.15), spec.mixing)
    cta = rng.random(p) < 0.05
    order = np.argsort(at, kind="stable")
    author, at, topics, cta = author[order], at[order], topics[order], cta[order]
    by_author = np.argsort(author, kind="stable").astype(np.int64)
    count = np.bincount(author, minlength=n).astype(np.int64)
    start = np.concatenate(([0], np.cumsum(count)[:-1])).astype(np.int64)
    return _Posts(author, at, topics, cta, start, count, by_author)


@dataclass
class _Interactions:
    actor: IntArray
    target: IntArray
    kind: IntArray
    at: IntArray
    post: IntArray  # post index or -1
    topics: IntArray


def _interactions(
    rng: np.random.Generator, spec: GraphSpec, pop: _Population, posts: _Posts
) -> _Interactions:
    window = spec.days * _DAY
    cols: dict[str, IntArray] = {
        name: np.empty(0, dtype=np.int64) for name in ("actor", "target", "kind", "at", "post")
    }
    topics = np.empty((0, 3), dtype=np.int64)
    for _ in range(100):
        missing = spec.interactions - len(cols["actor"])
        if missing <= 0:
            break
        m = int(missing * 1.05) + 64
        actor = pop.act_sampler.anywhere(rng.random(m))
        c = pop.comm[actor]
        target = pop.engage_sampler.within(c, rng.random(m))
        to_leader = rng.random(m) < _LEADER_SHARE
        lead = pop.leader_pad[c, (rng.random(m) * pop.leader_cnt[c]).astype(np.int64)]
        target = np.where(to_leader, lead, target)
        cross = rng.random(m) < spec.mixing
        target[cross] = pop.engage_sampler.anywhere(rng.random(int(cross.sum())))
        kind = rng.choice(len(KINDS), size=m, p=_KIND_P).astype(np.int64)

        n_posts = posts.count[target]
        attach = (rng.random(m) < _KIND_ATTACH_P[kind]) & (n_posts > 0)
        offset = (rng.random(m) * n_posts).astype(np.int64)
        pos = np.minimum(posts.start[target] + offset, max(spec.posts - 1, 0))
        post = np.where(attach, posts.by_author[pos] if spec.posts else -1, -1).astype(np.int64)

        free_at = rng.integers(0, window, size=m)
        post_at = posts.at[np.maximum(post, 0)] if spec.posts else np.zeros(m, dtype=np.int64)
        reacted = post_at + rng.exponential(8 * 3600, size=m).astype(np.int64)
        late = reacted >= window
        reacted[late] = post_at[late] + (rng.random(int(late.sum())) * (window - post_at[late]))
        at = np.where(attach, reacted, free_at).astype(np.int64)

        own = _draw_topics(rng, pop, c, (0.25, 0.5, 0.25), spec.mixing)
        post_topics = posts.topics[np.maximum(post, 0)] if spec.posts else own
        row_topics = np.where(attach[:, None], post_topics, own)

        ok = actor != target
        for name, arr in (
            ("actor", actor),
            ("target", target),
            ("kind", kind),
            ("at", at),
            ("post", post),
        ):
            cols[name] = np.concatenate((cols[name], arr[ok]))
        topics = np.concatenate((topics, row_topics[ok]))
        dup = pd.DataFrame(cols).duplicated(keep="first").to_numpy()
        keep = np.flatnonzero(~dup)
        cols = {name: arr[keep] for name, arr in cols.items()}
        topics = topics[keep]
    if len(cols["actor"]) < spec.interactions:
        raise RuntimeError("could not generate enough distinct interactions")
    cut = spec.interactions
    order = np.argsort(cols["at"][:cut], kind="stable")
    return _Interactions(
        actor=cols["actor"][:cut][order],
        target=cols["target"][:cut][order],
        kind=cols["kind"][:cut][order],
        at=cols["at"][:cut][order],
        post=cols["post"][:cut][order],
        topics=topics[:cut][order],
    )


def _adoptions(
    rng: np.random.Generator, spec: GraphSpec, pop: _Population
) -> tuple[IntArray, IntArray, IntArray, list[list[int]]]:
    k, window = spec.communities, spec.days * _DAY
    n_items = len(ITEMS)
    # Each community adopts 2-4 items tied to its favourite topics; each launches at t0.
    comm_items: list[list[int]] = []
    for community in range(k):
        favs = pop.fav_pad[community, : pop.fav_cnt[community]]
        pool = np.flatnonzero(np.isin(ITEM_TOPIC, favs))
        size = min(len(pool), int(rng.integers(2, 5)))
        comm_items.append(sorted(int(i) for i in rng.choice(pool, size=size, replace=False)))
    launch = rng.integers(0, int(window * 0.4) + 1, size=(k, n_items)).astype(np.int64)
    item_pad = np.stack([np.resize(np.array(items), 4) for items in comm_items]).astype(np.int64)
    item_cnt = np.array([len(items) for items in comm_items], dtype=np.int64)
    half_day = _DAY // 2

    # Leaders adopt within half a day of launch.
    la: list[int] = []
    li: list[int] = []
    for community, its in enumerate(comm_items):
        for item_index in its:
            for leader in pop.leaders[community]:
                la.append(int(leader))
                li.append(item_index)
    account = np.array(la, dtype=np.int64)
    item = np.array(li, dtype=np.int64)
    at = launch[pop.comm[account], item] + rng.integers(0, half_day, size=len(account))
    order = np.argsort(at, kind="stable")
    account, item, at = account[order], item[order], at[order].astype(np.int64)

    # Members follow later, with an exponential lag; some adopt other communities' items.
    for _ in range(500):
        missing = spec.adoptions - len(account)
        if missing <= 0:
            break
        m = int(missing * 1.2) + 64
        a = pop.act_sampler.anywhere(rng.random(m))
        ac = pop.comm[a]
        own_item = item_pad[ac, (rng.random(m) * item_cnt[ac]).astype(np.int64)]
        cross = rng.random(m) < spec.mixing
        it = np.where(cross, rng.integers(0, n_items, size=m), own_item)
        # Never before the community's own leaders: lag starts half a day after its launch.
        t0 = launch[ac, it] + half_day + np.where(cross, _DAY, 0)
        lag = rng.exponential(window * 0.12, size=m).astype(np.int64)
        t = t0 + lag
        late = t >= window
        t[late] = t0[late] + (rng.random(int(late.sum())) * (window - t0[late]))
        account = np.concatenate((account, a))
        item = np.concatenate((item, it))
        at = np.concatenate((at, np.minimum(t, window - 1)))
        keep = _unique_first(account * n_items + item)
        account, item, at = account[keep], item[keep], at[keep]
    if len(account) < spec.adoptions:
        raise RuntimeError("could not generate enough distinct adoptions")
    account, item, at = (arr[: spec.adoptions] for arr in (account, item, at))
    order = np.argsort(at, kind="stable")
    return account[order], item[order], at[order], comm_items


# --------------------------------------------------------------------------- output


class _TopicColumn:
    """Topic index rows rendered as `|`-joined strings (CSV) or lists (JSONL)."""

    def __init__(self, topics: IntArray) -> None:
        base = len(TOPICS) + 1
        codes = ((topics + 1) * np.array([base * base, base, 1])).sum(axis=1)
        _, first, self.inverse = np.unique(codes, return_index=True, return_inverse=True)
        names = [[TOPICS[t] for t in topics[i] if t >= 0] for i in first]
        self.strings: StrArray = np.array(["|".join(ts) for ts in names] or [""], dtype=str)
        self.lists: ObjArray = np.empty(len(names), dtype=object)
        for i, ts in enumerate(names):
            self.lists[i] = ts

    def csv(self, sl: slice) -> StrArray:
        return self.strings[self.inverse[sl]]

    def json(self, sl: slice) -> ObjArray:
        return self.lists[self.inverse[sl]]


def _ids(prefix: str, n: int) -> StrArray:
    width = max(6, len(str(n)))
    if n == 0:
        return np.empty(0, dtype=f"<U{width + len(prefix)}")
    return np.char.add(prefix, np.char.zfill(np.arange(1, n + 1).astype(str), width))


def _iso(offsets: IntArray, start: datetime) -> StrArray:
    base = np.datetime64(start.astimezone(UTC).replace(tzinfo=None), "s")
    stamps = np.datetime_as_string(base + offsets.astype("timedelta64[s]"), unit="s")
    return np.char.add(stamps, "+00:00")


_Builder = Callable[[slice, str], dict[str, Any]]


def _write(path: Path, fmt: str, rows: int, build: _Builder, columns: Sequence[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        if rows == 0 and fmt == "csv":
            fh.write(",".join(columns) + "\n")
        for lo in range(0, rows, _CHUNK):
            frame = pd.DataFrame(build(slice(lo, min(lo + _CHUNK, rows)), fmt), columns=columns)
            if fmt == "csv":
                frame.to_csv(fh, header=lo == 0, index=False, lineterminator="\n")
            else:
                text = frame.to_json(orient="records", lines=True, force_ascii=False)
                fh.write(text if text.endswith("\n") else text + "\n")


def generate(spec: GraphSpec, out_dir: Path, fmt: str = "csv") -> dict[str, Path]:
    """Generate the graph described by `spec` into `out_dir` and return entity -> file path."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    _validate(spec)
    if spec.end.tzinfo is None:
        raise ValueError("spec.end must be timezone-aware")
    rng = np.random.default_rng(spec.seed)
    pop = _population(rng, spec)
    follower, followee, since = _follows(rng, spec, pop)
    posts = _posts(rng, spec, pop)
    inter = _interactions(rng, spec, pop, posts)
    ad_account, ad_item, ad_at, comm_items = _adoptions(rng, spec, pop)

    n = spec.accounts
    acc_ids = _ids("a", n)
    post_ids = _ids("p", spec.posts)
    in_degree = np.bincount(followee, minlength=n)
    followers_count = in_degree + rng.poisson(in_degree * 0.5 + 3.0)
    if len(pop.inauthentic):
        declared = rng.integers(50_000, 200_001, size=len(pop.inauthentic))
        followers_count[pop.inauthentic] = np.maximum(declared, in_degree[pop.inauthentic] * 2)
    fav_of = pop.fav_pad[pop.comm, (rng.random(n) * pop.fav_cnt[pop.comm]).astype(np.int64)]
    handle_topic = np.where(rng.random(n) < 0.85, fav_of, rng.integers(0, len(TOPICS), size=n))
    handles = np.char.add(
        np.char.add(np.char.add("@", np.array(TOPICS)[handle_topic]), "_"),
        np.char.add(
            np.char.add(_HANDLE_SUFFIXES[rng.integers(0, len(_HANDLE_SUFFIXES), n)], "_"),
            np.arange(1, n + 1).astype(str),
        ),
    )
    names = np.char.add(
        np.char.add(_FIRST_NAMES[rng.integers(0, len(_FIRST_NAMES), n)], " "),
        _LAST_NAMES[rng.integers(0, len(_LAST_NAMES), n)],
    )
    start = spec.start
    post_topics = _TopicColumn(posts.topics)
    inter_topics = _TopicColumn(inter.topics)
    kinds = np.array(KINDS)
    items = np.array(ITEMS)

    def accounts(sl: slice, fmt: str) -> dict[str, Any]:
        return {
            "id": acc_ids[sl],
            "handle": handles[sl],
            "name": names[sl],
            "followers_count": followers_count[sl],
        }

    def follows(sl: slice, fmt: str) -> dict[str, Any]:
        return {
            "follower": acc_ids[follower[sl]],
            "followee": acc_ids[followee[sl]],
            "since": _iso(since[sl], start),
        }

    def interactions(sl: slice, fmt: str) -> dict[str, Any]:
        post = inter.post[sl]
        safe = post_ids[np.maximum(post, 0)] if spec.posts else np.full(len(post), "")
        if fmt == "csv":
            post_col: Any = np.where(post >= 0, safe, "")
            topic_col: Any = inter_topics.csv(sl)
        else:
            post_col = np.full(len(post), None, dtype=object)
            post_col[post >= 0] = safe[post >= 0]
            topic_col = inter_topics.json(sl)
        return {
            "actor": acc_ids[inter.actor[sl]],
            "target": acc_ids[inter.target[sl]],
            "kind": kinds[inter.kind[sl]],
            "at": _iso(inter.at[sl], start),
            "post_id": post_col,
            "topics": topic_col,
        }

    def posts_rows(sl: slice, fmt: str) -> dict[str, Any]:
        cta = posts.cta[sl]
        return {
            "id": post_ids[sl],
            "author": acc_ids[posts.author[sl]],
            "at": _iso(posts.at[sl], start),
            "topics": post_topics.csv(sl) if fmt == "csv" else post_topics.json(sl),
            "call_to_action": np.where(cta, "true", "false") if fmt == "csv" else cta,
        }

    def adoptions(sl: slice, fmt: str) -> dict[str, Any]:
        return {
            "account": acc_ids[ad_account[sl]],
            "item": items[ad_item[sl]],
            "at": _iso(ad_at[sl], start),
        }

    builders: dict[str, _Builder] = {
        "accounts": accounts,
        "follows": follows,
        "interactions": interactions,
        "posts": posts_rows,
        "adoptions": adoptions,
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    counts = spec.counts()
    for entity in ENTITIES:
        path = out_dir / f"{entity}.{fmt}"
        _write(path, fmt, counts[entity], builders[entity], COLUMNS[entity])
        paths[entity] = path

    truth = {
        "communities": {str(acc_ids[i]): int(pop.comm[i]) for i in range(n)},
        "leaders": {str(c): [str(acc_ids[i]) for i in lead] for c, lead in enumerate(pop.leaders)},
        "inauthentic": [str(acc_ids[i]) for i in pop.inauthentic],
        "topics": {
            str(c): [TOPICS[t] for t in pop.fav_pad[c, : pop.fav_cnt[c]]]
            for c in range(spec.communities)
        },
        "items": {str(c): [ITEMS[i] for i in its] for c, its in enumerate(comm_items)},
        "spec": spec.to_json(),
    }
    paths["truth"] = out_dir / "truth.json"
    paths["truth"].write_text(json.dumps(truth, indent=1) + "\n", encoding="utf-8")
    return paths


def _validate(spec: GraphSpec) -> None:
    n = spec.accounts
    if spec.communities < 1 or n < 2 * spec.communities:
        raise ValueError("need at least one community and two accounts per community")
    if min(spec.follows, spec.interactions, spec.posts, spec.adoptions, spec.inauthentic) < 0:
        raise ValueError("row counts must not be negative")
    if spec.days < 1:
        raise ValueError("days must be at least 1")
    if not 0.0 <= spec.mixing <= 1.0:
        raise ValueError("mixing must be within [0, 1]")
    if spec.follows > n * (n - 1) // 2:
        raise ValueError("too many follows for this number of accounts")
    if spec.adoptions > n * len(ITEMS) // 2:
        raise ValueError("too many adoptions for this number of accounts")


def main(argv: Sequence[str] | None = None) -> int:
    """Generate a preset graph from the command line and print counts and elapsed time."""
    parser = argparse.ArgumentParser(
        prog="python -m service.generator", description="Generate a synthetic social graph."
    )
    parser.add_argument("--preset", choices=sorted(PRESETS), default="demo")
    parser.add_argument("--out", type=Path, default=None, help="output dir (var/<preset>)")
    parser.add_argument("--format", dest="fmt", choices=FORMATS, default="csv")
    parser.add_argument("--seed", type=int, default=None, help="override the preset's seed")
    args = parser.parse_args(argv)
    spec = PRESETS[args.preset]
    if args.seed is not None:
        spec = replace(spec, seed=args.seed)
    out: Path = args.out if args.out is not None else Path("var") / args.preset
    began = time.perf_counter()
    paths = generate(spec, out, args.fmt)
    elapsed = time.perf_counter() - began
    counts = spec.counts()
    for entity, path in paths.items():
        label = f"{counts[entity]:>10,}" if entity in counts else " " * 10
        print(f"{entity:<13}{label}  {path}")
    print(f"generated preset {args.preset!r} (seed {spec.seed}) in {elapsed:.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
