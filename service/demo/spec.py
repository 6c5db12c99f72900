"""What a generated graph looks like: its size and shape (GraphSpec), presets and file columns."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from .names import ITEMS

FORMATS: tuple[str, ...] = ("csv", "jsonl")
COLUMNS: dict[str, tuple[str, ...]] = {
    "accounts": ("id", "handle", "name", "followers_count"),
    "follows": ("follower", "followee", "since"),
    "interactions": ("actor", "target", "kind", "at", "post_id", "topics"),
    "posts": ("id", "author", "at", "topics", "call_to_action"),
    "adoptions": ("account", "item", "at"),
}
DAY = 86_400
CHUNK = 50_000  # rows made and written at a time (bounds memory; part of what the seed gives)


@dataclass(frozen=True)
class GraphSpec:
    """Size and shape of a synthetic social graph.

    Besides communities and their leaders, the graph holds accounts that fool naive
    influencer rankings, as real data does: ``inauthentic`` accounts with bought followers
    (arriving in bursts) and no engagement; passive ``giants`` followed by many real,
    active accounts who never respond to them; engagement ``pods`` (rings of ``pod_size``
    accounts that like and comment each other's every post); and ``tiny_share`` of
    accounts that post a handful of posts on one topic and get a like or two.
    """

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
    giants: int = 4  # many organic followers, (almost) no response
    pods: int = 2  # engagement pods
    pod_size: int = 6
    tiny_share: float = 0.02  # accounts with a few single-topic posts and a like or two
    end: datetime = datetime(2026, 11, 1, tzinfo=UTC)  # window is [end - days, end)

    @property
    def start(self) -> datetime:
        """Return the inclusive start of the time window."""
        return self.end - timedelta(days=self.days)

    @property
    def window(self) -> int:
        """Return the length of the time window in seconds."""
        return self.days * DAY

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
        accounts=3000, follows=30000, interactions=30000, posts=1500, adoptions=1000,
        communities=8,
    ),
    "bench": GraphSpec(
        accounts=100_000, follows=1_000_000, interactions=1_000_000, posts=50_000,
        adoptions=20_000, communities=60, giants=30, pods=20,
    ),
    # issue 11's one-million-account run: the bench preset scaled 10x
    "scale": GraphSpec(
        accounts=1_000_000, follows=10_000_000, interactions=10_000_000, posts=500_000,
        adoptions=200_000, communities=600, inauthentic=30, giants=300, pods=200,
    ),
}


def validate(spec: GraphSpec) -> None:
    """Raise ValueError naming the first thing that makes the spec impossible."""
    n = spec.accounts
    if spec.communities < 1 or n < 2 * spec.communities:
        raise ValueError("need at least one community and two accounts per community")
    counts = (spec.follows, spec.interactions, spec.posts, spec.adoptions, spec.inauthentic,
              spec.giants, spec.pods)
    if min(counts) < 0:
        raise ValueError("row counts must not be negative")
    if spec.days < 1:
        raise ValueError("days must be at least 1")
    if not 0.0 <= spec.mixing <= 1.0:
        raise ValueError("mixing must be within [0, 1]")
    if not 0.0 <= spec.tiny_share <= 0.5:
        raise ValueError("tiny_share must be within [0, 0.5]")
    if spec.pods and spec.pod_size < 2:
        raise ValueError("a pod needs at least two accounts")
    if spec.follows > n * (n - 1) // 2:
        raise ValueError("too many follows for this number of accounts")
    if spec.adoptions > n * len(ITEMS) // 2:
        raise ValueError("too many adoptions for this number of accounts")
    if spec.end.tzinfo is None:
        raise ValueError("spec.end must be timezone-aware")
