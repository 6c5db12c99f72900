"""The accounts of a generated graph: planted communities, their leaders and topics, the
accounts that fool naive rankings (inauthentic, passive giants, pods, tiny), and weights."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .names import TOPICS
from .sampling import FloatArray, IntArray, Sampler, stream
from .spec import GraphSpec

ROLES = ("ordinary", "leader", "inauthentic", "giant", "pod", "tiny")
ORDINARY, LEADER, INAUTHENTIC, GIANT, POD, TINY = range(len(ROLES))
RoleArray = npt.NDArray[np.int8]


@dataclass(frozen=True)
class Population:
    """Who is who in the graph, and how likely each account is to be followed, engaged
    with, to act and to post."""

    comm: IntArray  # community of each account
    sizes: IntArray
    leaders: list[IntArray]  # leader account indices per community
    leader_pad: IntArray  # (k, 3) leaders, padded by repeating the first
    leader_cnt: IntArray
    role: RoleArray  # one of ROLES per account
    inauthentic: IntArray
    giants: IntArray
    pods: list[IntArray]
    tiny: IntArray
    fav_pad: IntArray  # (k, 3) favourite topic indices, padded
    fav_cnt: IntArray
    activity: FloatArray  # propensity to act (follow, interact, adopt)
    post_weight: FloatArray  # propensity to post (pods and tiny accounts post by plan)
    follow_sampler: Sampler  # who gets followed organically
    engage_sampler: Sampler  # who gets interacted with
    act_sampler: Sampler  # who acts

    def topics_of(self, community: int) -> list[str]:
        """The planted topics of one community."""
        return [TOPICS[t] for t in self.fav_pad[community, : self.fav_cnt[community]]]


def community_sizes(rng: np.random.Generator, n: int, k: int) -> IntArray:
    """Community sizes: a floor each, the rest spread unevenly (Dirichlet 0.7)."""
    floor = max(2, min(20, n // (4 * k)))
    probs = rng.dirichlet(np.full(k, 0.7))
    sizes = floor + rng.multinomial(n - floor * k, probs)
    return sizes.astype(np.int64)


def _take(rng: np.random.Generator, role: RoleArray, eligible: npt.NDArray[np.bool_],
          count: int, new_role: int) -> IntArray:
    """Give ``count`` eligible accounts that still have no role the role ``new_role``."""
    candidates = np.flatnonzero(eligible & (role == ORDINARY))
    if count > len(candidates):
        raise ValueError(f"too few accounts for {count} {ROLES[new_role]} accounts")
    chosen = np.sort(rng.choice(candidates, size=count, replace=False)).astype(np.int64)
    role[chosen] = new_role
    return chosen


def _pods(rng: np.random.Generator, spec: GraphSpec, comm: IntArray, sizes: IntArray,
          role: RoleArray) -> list[IntArray]:
    """Rings of accounts from one community each (pods form among creators of a niche)."""
    pods = []
    for _ in range(spec.pods):
        free = np.bincount(comm[role == ORDINARY], minlength=len(sizes))
        roomy = np.flatnonzero(free >= 3 * spec.pod_size)
        if not len(roomy):
            raise ValueError("too few accounts for this many engagement pods")
        c = int(rng.choice(roomy, p=free[roomy] / free[roomy].sum()))
        pods.append(_take(rng, role, comm == c, spec.pod_size, POD))
    return pods


def _ranks(rng: np.random.Generator, comm: IntArray, sizes: IntArray) -> IntArray:
    """1-based popularity rank of each account within its community, in random order."""
    n = len(comm)
    perm = rng.permutation(n)
    grouped = perm[np.argsort(comm[perm], kind="stable")]
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    rank = np.empty(n, dtype=np.int64)
    rank[grouped] = np.arange(n) - np.repeat(starts, sizes) + 1
    return rank


def population(spec: GraphSpec) -> Population:
    """Draw communities, roles, favourite topics and weights for ``spec``."""
    rng = stream(spec.seed, "population")
    n, k = spec.accounts, spec.communities
    sizes = community_sizes(rng, n, k)
    comm = rng.permutation(np.repeat(np.arange(k, dtype=np.int64), sizes))
    rank = _ranks(rng, comm, sizes)
    # the L most popular members of each community are its leaders
    leader_cnt = np.where(sizes < 12, 1, rng.integers(1, 4, size=k)).astype(np.int64)
    role = np.zeros(n, dtype=np.int8)
    role[rank <= leader_cnt[comm]] = LEADER
    order = np.lexsort((rank, comm))  # by community, most popular first
    heads = order[rank[order] <= leader_cnt[comm[order]]].astype(np.int64)
    leaders = np.split(heads, np.cumsum(leader_cnt)[:-1])
    anyone = np.ones(n, dtype=bool)
    inauthentic = _take(rng, role, anyone, spec.inauthentic, INAUTHENTIC)
    giants = _take(rng, role, anyone, spec.giants, GIANT)
    pods = _pods(rng, spec, comm, sizes, role)
    # tiny accounts sit low in their community's popularity
    low = rank > np.maximum(3, 0.3 * sizes[comm])
    tiny_count = min(int(round(spec.tiny_share * n)), int((low & (role == ORDINARY)).sum()))
    tiny = _take(rng, role, low, tiny_count, TINY)

    fav_cnt = rng.integers(2, 4, size=k).astype(np.int64)
    fav_pad = np.stack(
        [np.resize(rng.choice(len(TOPICS), size=int(c), replace=False), 3) for c in fav_cnt]
    ).astype(np.int64)
    follow, engage, activity, post_weight = _weights(rng, rank, role)
    return Population(
        comm=comm, sizes=sizes, leaders=leaders,
        leader_pad=np.stack([np.resize(lead, 3) for lead in leaders]).astype(np.int64),
        leader_cnt=leader_cnt, role=role, inauthentic=inauthentic, giants=giants, pods=pods,
        tiny=tiny, fav_pad=fav_pad, fav_cnt=fav_cnt, activity=activity,
        post_weight=post_weight, follow_sampler=Sampler(follow, comm, k),
        engage_sampler=Sampler(engage, comm, k), act_sampler=Sampler(activity, comm, k),
    )


def _weights(rng: np.random.Generator, rank: IntArray, role: RoleArray
             ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Follow, engagement, activity and posting weights of every account.

    Zipf popularity within each community (leaders hold the top ranks) gives power-law
    in-degrees. Who is followed is noisier than who is engaged with, so follower counts
    hint at leaders without naming them; passive giants are followed like stars and
    engaged with almost never; inauthentic accounts are neither (their followers are
    bought)."""
    n = len(rank)
    popularity = rank.astype(np.float64) ** -1.05
    follow = popularity * rng.lognormal(0.0, 0.5, size=n)
    giants = role == GIANT
    follow[giants] = rng.uniform(1.5, 3.0, size=int(giants.sum()))
    engage = popularity.copy()
    activity = rng.lognormal(0.0, 1.0, size=n)
    post_weight = activity.copy()
    for which, f, e, a in ((INAUTHENTIC, 0.01, 1e-5, 0.05), (GIANT, 1.0, 1e-3, 0.3),
                           (TINY, 1.0, 0.1, 0.5), (LEADER, 1.0, 1.0, 3.0)):
        mask = role == which
        follow[mask] *= f
        engage[mask] *= e
        activity[mask] *= a
    # leaders and giants post steadily (tens of posts in a quarter), whatever their activity
    steady = (role == LEADER) | giants
    post_weight[steady] = 100.0 * rng.lognormal(0.0, 0.4, size=int(steady.sum()))
    post_weight[(role == POD) | (role == TINY)] = 0.0  # they post by plan (see posts)
    return follow, engage, activity, post_weight
