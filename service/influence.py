"""Who to partner with (pure): Rogers adopter categories and the evidence-weighted
influencer and topic scores, with the one-line reason an answer gives.

:mod:`service.refresh.influence` feeds them from Neo4j at refresh and stores the results
with the run; the formulas are in the docstrings below and in the README ("Influence
metrics"). Scores are signals with their evidence, never a verdict on a person.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from .evidence import Estimate, FloatArray, Prior, shrink, shrink_rate

# Rogers (1962): cumulative cut points of the adoption order.
CATEGORIES = ("innovator", "early_adopter", "early_majority", "late_majority", "laggard")
CUTS = (0.025, 0.16, 0.50, 0.84)



def adopter_categories(times: Sequence[float]) -> list[str]:
    """Rogers category of each adoption, given adoption times.

    Adoptions are ordered by time; position p (0-based) of N falls in the first category
    whose cumulative cut exceeds p / N (2.5%, 16%, 50%, 84%, then laggards). Ties (equal
    times) all take the category of the earliest position they share, so simultaneous
    adopters are never split across categories.
    """
    n = len(times)
    order = sorted(range(n), key=lambda i: times[i])
    out = [""] * n
    first_pos: dict[float, int] = {}
    for pos, i in enumerate(order):
        p = first_pos.setdefault(times[i], pos)
        share = p / n
        out[i] = next((c for c, cut in zip(CATEGORIES, CUTS, strict=False) if share < cut),
                      CATEGORIES[-1])
    return out


def category_counts(categories: Iterable[str]) -> dict[str, int]:
    """Count per category, every category present."""
    counts = dict.fromkeys(CATEGORIES, 0)
    for c in categories:
        counts[c] += 1
    return counts


# ----------------------------------------------------------- evidence-weighted score (issue 10)

SCORE_WEIGHTS = {"community_leadership": 0.35, "community_pull": 0.30, "reach": 0.10,
                 "audience_quality": 0.10, "mobilisation": 0.10, "engagement_rate": 0.05}
QUALITY_WEIGHTS = {"engaged_followers": 0.55, "active_followers": 0.2, "steady_growth": 0.15,
                   "independent_engagement": 0.10}
ENGAGED_SHARE_FOR_FULL_MARKS = 0.3  # 30% of followers engaging is excellent
AFFINITY_WEIGHTS = {"posts": 0.4, "engagement": 0.6}  # engagement: what the audience answers
TOPIC_SHARE_FOR_FULL_FIT = 0.25  # a quarter of posts and engagement about T: fully on T


class Columns:
    """Mixin of dataclasses whose fields are per-account arrays: a subset of the accounts."""

    def take(self, rows: npt.NDArray[np.int64]) -> Any:
        """The same columns for the accounts ``rows`` only (in that order)."""
        return replace(self, **{f.name: getattr(self, f.name)[rows]  # type: ignore[type-var]
                                for f in fields(self)})  # type: ignore[arg-type]


@dataclass(frozen=True)
class AccountEvidence(Columns):
    """The counts an account's score rests on (arrays, one element per account)."""

    followers: FloatArray  # declared followers, else follower edges (engagement rate)
    follower_edges: FloatArray
    engaged_followers: FloatArray  # followers who engaged with the account in the window
    passive_followers: FloatArray  # followers who never interact with anyone
    burst_peak: FloatArray  # most new followers on one day
    posts: FloatArray
    received: FloatArray  # interactions received
    engagement: FloatArray  # kind-weighted engagement received
    independent: FloatArray  # ... of it from accounts the account does not engage back
    responders: FloatArray  # distinct accounts that engaged with the account
    community_responders: FloatArray  # ... members of its community
    community: npt.NDArray[np.int64]  # community number, -1 outside communities
    community_size: FloatArray  # 0 outside communities
    calls: FloatArray  # call-to-action posts
    call_responders: FloatArray  # community members answering them, summed over calls
    leadership: FloatArray  # the refresh's leader score, 0 outside communities
    community_active: FloatArray  # members of its community who engage another member


@dataclass(frozen=True)
class TopicEvidence(Columns):
    """The counts a topic score rests on (arrays aligned with AccountEvidence)."""

    posts_about: FloatArray  # own posts tagged with the topic
    post_tags: FloatArray  # topic tags on own posts, all topics
    received_about: FloatArray  # interactions received tagged with the topic
    received_tags: FloatArray  # topic tags on interactions received, all topics
    responders_about: FloatArray  # distinct accounts engaging with it about the topic
    community_responders_about: FloatArray  # ... members of its community


@dataclass(frozen=True)
class Scores:
    """Scores with every component (in [0, 1]) and the estimates behind them."""

    score: FloatArray
    components: dict[str, FloatArray]
    estimates: dict[str, Estimate]
    references: dict[str, float]  # the population figures components are scaled by

    def take(self, rows: npt.NDArray[np.int64]) -> Scores:
        """The same scores for the accounts ``rows`` only (in that order)."""
        return Scores(self.score[rows], {k: v[rows] for k, v in self.components.items()},
                      {k: Estimate(e.value[rows], e.low[rows], e.high[rows],
                                   e.successes[rows], e.trials[rows])
                       for k, e in self.estimates.items()}, self.references)


def responder_reach(responders: FloatArray) -> FloatArray:
    """log(1 + responders) / log(1 + most responders of any account): 1 for the most
    answered account; on a log scale, ten times the responders adds a constant, so size
    cannot dominate."""
    top = float(responders.max()) if len(responders) else 0.0
    return np.log1p(responders) / np.log1p(top) if top > 0 else np.zeros(len(responders))


def relative_to_community(values: FloatArray, community: npt.NDArray[np.int64]) -> FloatArray:
    """Each value divided by the highest in its community (0 outside communities)."""
    inside = community >= 0
    top = np.zeros(int(community.max()) + 1 if inside.any() else 0)
    np.maximum.at(top, community[inside], values[inside])
    out = np.zeros(len(values))
    divisor = top[community[inside]]
    out[inside] = np.divide(values[inside], divisor, out=np.zeros(int(inside.sum())),
                            where=divisor > 0)
    return out


def _share(successes: FloatArray, trials: FloatArray) -> Estimate:
    """A share shrunk toward the population's (prior fitted on these very accounts)."""
    return shrink(successes, trials, Prior.fit(successes, trials, default=0.0))


def audience_estimates(ev: AccountEvidence) -> dict[str, Estimate]:
    """The four audience-quality parts, each a shrunk share of follower edges (or of
    engagement received, for independent engagement)."""
    edges = ev.follower_edges
    return {
        "engaged_followers": _share(ev.engaged_followers, edges),
        "active_followers": _share(edges - ev.passive_followers, edges),
        "steady_growth": _share(np.maximum(edges - ev.burst_peak, 0.0), edges),
        "independent_engagement": _share(ev.independent, ev.engagement),
    }


def influencer_scores(ev: AccountEvidence) -> Scores:
    """The evidence-weighted influencer score of every account.

    score = 0.35 leadership + 0.30 community pull + 0.10 reach + 0.10 audience quality
            + 0.10 mobilisation + 0.05 engagement rate,

    every component in [0, 1]. *Responders* are the distinct accounts that engaged with
    the account in the window, less those it engages back beyond chance (returned
    engagement is a conversation or a pod, not an audience; the refresh counts them,
    service.refresh.influence_evidence.Reciprocity). *Shrunk* means the
    Beta-binomial posterior mean (k + s·m) / (n + s) with the prior fitted to all
    accounts (service.evidence): one like on one post is not a perfect score.

    - leadership = the refresh's leader score ÷ the highest in the account's community
      (leading a small community counts as much as leading a big one), × independence,
      × community activity = min(1, share of the community's members who engage another
      member / 0.3): a cluster held together by follows alone (a passive giant and its
      followers) has nobody to lead; 0 outside communities (the refresh scores the
      members of a *ring* — a community whose engagement mostly comes back, an
      engagement pod found as a community of its own — as outside communities);
    - community pull = shrunk share of the community (size - 1) among its responders;
    - reach = log(1 + responders) / log(1 + most responders of any account);
    - audience quality = 0.55 min(1, engaged / 0.3) + 0.2 active + 0.15 steady
      + 0.1 independence, each part a shrunk share of follower edges: followers who
      engaged, followers who interact at all, followers not gained on the busiest day;
      independence = shrunk share of the kind-weighted engagement received that is not
      returned beyond chance: engagement from accounts it engages back, less what it
      would return by chance (the engager's weight × the share of its community — or of
      everyone else, for an engager outside it — that it engages);
    - mobilisation = shrunk share of its community answering its calls to action within
      48 h: Σ responders over calls / (calls × (size - 1));
    - engagement rate = Gamma-Poisson shrunk interactions / (posts × followers) ÷ its
      95th percentile, capped at 1, × independence (no posts or no followers: no
      exposure, so the interactions are no evidence of a rate and it is the prior's).

    A component without evidence is the population's prior (shrinkage of no data), so it
    is neither dropped nor zero. A passive giant has no responders, no pull and followers
    who do not engage: size alone earns it nothing; a pod's engagement is returned, so it
    earns no responders and its leadership and engagement rate are scaled down."""
    est = estimates(ev)
    rate = est["engagement_rate"].value
    with_posts = rate[ev.posts * ev.followers > 0]
    top = float(np.percentile(with_posts, 95)) if len(with_posts) else 0.0
    # engagement the account returns beyond chance (a ring, a pod) earns it nothing
    independent = est["independent_engagement"].value
    leadership = relative_to_community(np.clip(ev.leadership, 0.0, None), ev.community)
    comps = {"community_leadership": leadership * independent * community_activity(ev),
             "community_pull": est["community_pull"].value,
             "reach": responder_reach(ev.responders),
             "audience_quality": audience_quality(est),
             "mobilisation": est["mobilisation"].value,
             "engagement_rate": (np.minimum(1.0, rate / top) if top > 0 else rate * 0.0)
             * independent}
    references = {"most_responders": float(ev.responders.max()) if len(ev.responders) else 0.0,
                  "engagement_rate_p95": top}
    return Scores(_weighted(comps), comps, est, references)


def estimates(ev: AccountEvidence) -> dict[str, Estimate]:
    """Every shrunk share (and the shrunk engagement rate) the score is made of."""
    others = np.maximum(ev.community_size - 1, 0.0)
    exposure = ev.posts * ev.followers
    return {**audience_estimates(ev),
            "community_pull": _share(np.minimum(ev.community_responders, others), others),
            "mobilisation": _share(np.minimum(ev.call_responders, ev.calls * others),
                                   ev.calls * others),
            # interactions are evidence of a rate per post and follower only when there
            # are posts and followers; without them the rate is the prior's
            "engagement_rate": shrink_rate(np.where(exposure > 0, ev.received, 0.0),
                                           exposure)}


def community_activity(ev: AccountEvidence) -> FloatArray:
    """min(1, share of the account's community engaging another member / 0.3): a
    community where 30% of the members interact is as alive as any (0 outside)."""
    share = np.divide(ev.community_active, ev.community_size,
                      out=np.zeros(len(ev.community_size)), where=ev.community_size > 0)
    return np.asarray(np.minimum(1.0, share / ENGAGED_SHARE_FOR_FULL_MARKS), dtype=np.float64)


def audience_quality(parts: dict[str, Estimate]) -> FloatArray:
    """0.55 min(1, engaged / 0.3) + 0.2 active + 0.15 steady + 0.1 independent, in [0, 1]."""
    engaged = np.minimum(1.0, parts["engaged_followers"].value / ENGAGED_SHARE_FOR_FULL_MARKS)
    rest = sum(QUALITY_WEIGHTS[k] * parts[k].value for k in QUALITY_WEIGHTS
               if k != "engaged_followers")
    return np.asarray(QUALITY_WEIGHTS["engaged_followers"] * engaged + rest, dtype=np.float64)


def _weighted(comps: dict[str, FloatArray]) -> FloatArray:
    return np.asarray(sum(SCORE_WEIGHTS[k] * comps[k] for k in SCORE_WEIGHTS),
                      dtype=np.float64)


def topic_scores(ev: AccountEvidence, overall: Scores, topic: TopicEvidence) -> Scores:
    """Topic score = fit x topical pull.

    affinity = 0.4 (shrunk share of own posts' topic tags that are T) + 0.6 (shrunk share
    of received engagement's topic tags that are T), each prior fitted per topic;
    fit = min(1, affinity / 0.25): giving T a quarter of one's content and engagement is
    being fully on T (a focused nobody is not more "about T" than a broad leader);
    pull = the influencer score with its responder components counted about T only:
    community pull = shrunk share of the community responding about T, reach =
    log(1 + distinct responders about T) / log(1 + most of any account about T);
    leadership, audience quality, mobilisation and engagement rate as overall."""
    others = np.maximum(ev.community_size - 1, 0.0)
    est = {"posts_about": _share(topic.posts_about, topic.post_tags),
           "engagement_about": _share(topic.received_about, topic.received_tags),
           "community_pull_about": _share(
               np.minimum(topic.community_responders_about, others), others)}
    affinity = (AFFINITY_WEIGHTS["posts"] * est["posts_about"].value
                + AFFINITY_WEIGHTS["engagement"] * est["engagement_about"].value)
    fit = np.minimum(1.0, affinity / TOPIC_SHARE_FOR_FULL_FIT)
    comps = {**overall.components,
             "community_pull": est["community_pull_about"].value,
             "reach": responder_reach(topic.responders_about)}
    pull = _weighted(comps)
    top = float(topic.responders_about.max()) if len(topic.responders_about) else 0.0
    return Scores(fit * pull, {**comps, "affinity": affinity, "fit": fit, "pull": pull}, est,
                  {**overall.references, "most_responders_about": top})



def reason(handle: str, facts: dict[str, Any]) -> str:
    """One line saying why an account ranks where it does, from the counts its score
    rests on (``facts``: community, responders, audience, mobilisation, topic)."""
    parts = []
    if facts.get("community_id"):
        verb = "leads" if (facts.get("leader_rank") or 99) <= 5 else "member of"
        parts.append(f"{verb} {facts['community_id']} (rank {facts.get('leader_rank')} of "
                     f"{facts.get('community_size')})")
    else:
        parts.append("in no community")
    parts.append(f"{facts.get('responders') or 0:.0f} accounts respond to it "
                 f"({facts.get('community_responders') or 0:.0f} in its community)")
    q = facts.get("audience_quality_score")
    if q is not None and facts.get("followers"):
        parts.append(f"audience quality {q:.0f}/100, {facts.get('engaged_share') or 0:.0%} of "
                     f"{facts.get('followers')} followers engage")
    elif q is not None:
        parts.append(f"audience quality {q:.0f}/100 (no followers in the graph: the prior)")
    m = facts.get("mobilisation_share")
    if m is not None:
        parts.append(f"{m:.0%} of its community answers its calls to action "
                     f"({facts.get('calls')} calls)")
    t = facts.get("topic_affinity")
    if t is not None:
        parts.append(f"'{facts.get('topic')}' affinity {t:.2f}, "
                     f"{facts.get('responders_about') or 0:.0f} responders about it")
    return f"{handle}: " + "; ".join(parts)
