"""Pure unit tests of ``service.influence``: Rogers adopter categories (cut points and the
tie rule), audience quality, engagement rate, the influencer score, topic affinity and the
independent-cascade simulator. No database.
"""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np
import pytest

from service import influence as inf
from service.evidence import Prior
from service.influence import Audience, Cascade

EXPECTED_200 = {"innovator": 5, "early_adopter": 27, "early_majority": 68,
                "late_majority": 68, "laggard": 32}
# documented positions (0-based) of each category for N = 200: p / N below each cut
POSITIONS_200 = {"innovator": range(0, 5), "early_adopter": range(5, 32),
                 "early_majority": range(32, 100), "late_majority": range(100, 168),
                 "laggard": range(168, 200)}


# ---------------------------------------------------------------------------- adopter categories


def test_rogers_cut_points_on_200_distinct_times() -> None:
    times = [1_000.0 + 60.0 * i for i in range(200)]  # already in adoption order
    cats = inf.adopter_categories(times)
    assert inf.category_counts(cats) == EXPECTED_200
    for category, positions in POSITIONS_200.items():
        assert [cats[p] for p in positions] == [category] * len(positions), category
    # the boundaries exactly: last of one category, first of the next
    assert (cats[4], cats[5]) == ("innovator", "early_adopter")
    assert (cats[31], cats[32]) == ("early_adopter", "early_majority")
    assert (cats[99], cats[100]) == ("early_majority", "late_majority")
    assert (cats[167], cats[168]) == ("late_majority", "laggard")


def test_categories_follow_time_not_input_order() -> None:
    times = [float(t) for t in range(200)]
    shuffled = times[:]
    random.Random(7).shuffle(shuffled)
    cats = inf.adopter_categories(shuffled)
    by_time = dict(zip(shuffled, cats, strict=True))
    for category, positions in POSITIONS_200.items():
        assert {by_time[float(p)] for p in positions} == {category}
    assert inf.category_counts(cats) == EXPECTED_200


def test_ties_take_the_category_of_their_earliest_position() -> None:
    # positions 3..9 share one time: earliest shared position 3 is an innovator (3/200)
    times = [float(i) for i in range(200)]
    for p in range(3, 10):
        times[p] = 3.0
    cats = inf.adopter_categories(times)
    assert cats[:10] == ["innovator"] * 10
    assert cats[10] == "early_adopter"
    counts = inf.category_counts(cats)
    assert counts == {"innovator": 10, "early_adopter": 22, "early_majority": 68,
                      "late_majority": 68, "laggard": 32}


def test_a_tie_across_a_cut_is_never_split() -> None:
    # positions 30..40 tie: the earliest (30) is an early adopter, so all eleven are
    times = [float(i) for i in range(200)]
    for p in range(30, 41):
        times[p] = 30.0
    cats = inf.adopter_categories(list(reversed(times)))[::-1]  # input order irrelevant
    assert set(cats[30:41]) == {"early_adopter"}
    assert cats[41] == "early_majority"
    assert inf.category_counts(cats)["early_adopter"] == 27 + 9


def test_small_sequence_with_ties() -> None:
    # N = 10: p=0 innovator (0 < 0.025), p=1 early adopter (0.1 < 0.16); 1..3 tie
    times = [0.0, 5.0, 5.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0]
    cats = inf.adopter_categories(times)
    assert cats == ["innovator", "early_adopter", "early_adopter", "early_adopter",
                    "early_majority", "late_majority", "late_majority", "late_majority",
                    "late_majority", "laggard"]
    assert inf.adopter_categories([]) == []
    assert inf.adopter_categories([3.0]) == ["innovator"]
    assert inf.adopter_categories([3.0, 3.0, 3.0]) == ["innovator"] * 3  # all simultaneous


def test_category_counts_lists_every_category() -> None:
    assert inf.category_counts([]) == dict.fromkeys(inf.CATEGORIES, 0)
    assert inf.category_counts(["laggard", "laggard"])["laggard"] == 2


# ---------------------------------------------------------------------------- audience quality


def test_no_followers_is_no_data_not_zero() -> None:
    score, evidence = inf.audience_quality(Audience(followers=0, engaged=0, passive=0))
    assert score is None
    assert evidence["followers"] == 0
    assert "no data" in evidence["note"]


def test_healthy_audience_scores_full_marks() -> None:
    score, evidence = inf.audience_quality(
        Audience(followers=100, engaged=30, passive=0, burst_peak=0, reciprocal_share=0.0))
    assert score == pytest.approx(100.0)
    assert evidence["components"] == {"engaged_followers": 1.0, "active_followers": 1.0,
                                      "steady_growth": 1.0, "independent_engagement": 1.0}
    assert evidence["engaged_followers_share"] == pytest.approx(0.3)


def test_passive_and_bursty_audiences_score_lower() -> None:
    base = Audience(followers=1000, engaged=200, passive=50, burst_peak=20, reciprocal_share=0.2)
    good, _ = inf.audience_quality(base)
    passive, ev_p = inf.audience_quality(
        Audience(followers=1000, engaged=200, passive=900, burst_peak=20, reciprocal_share=0.2))
    bursty, ev_b = inf.audience_quality(
        Audience(followers=1000, engaged=200, passive=50, burst_peak=950, reciprocal_share=0.2))
    bought, ev = inf.audience_quality(
        Audience(followers=10_000, engaged=3, passive=9_990, burst_peak=10_000))
    assert good is not None and passive is not None and bursty is not None
    assert bought is not None
    assert passive < good and bursty < good
    assert bought < min(passive, bursty)
    assert ev_p["passive_followers_share"] == 0.9
    assert ev_b["largest_one_day_follow_burst"] == 950
    assert ev["components"]["engaged_followers"] < 0.01
    assert ev["components"]["active_followers"] == pytest.approx(0.001)
    assert ev["components"]["steady_growth"] == 0.0
    # only independent engagement (no reciprocity) is left: 10 of 100
    assert bought == pytest.approx(10.0, abs=0.2)


def test_reciprocal_engagement_lowers_quality() -> None:
    plain, _ = inf.audience_quality(Audience(followers=50, engaged=10, reciprocal_share=0.0))
    pods, ev = inf.audience_quality(Audience(followers=50, engaged=10, reciprocal_share=1.0))
    assert plain is not None and pods is not None
    assert plain - pods == pytest.approx(10.0)
    assert ev["reciprocal_engagement_share"] == 1.0


def test_bursts_are_ignored_for_tiny_audiences() -> None:
    _, evidence = inf.audience_quality(Audience(followers=5, engaged=1, burst_peak=5))
    assert evidence["components"]["steady_growth"] == 1.0


# ---------------------------------------------------------------------------- engagement rate


def test_engagement_rate() -> None:
    assert inf.engagement_rate(received=60, posts=3, followers=100) == pytest.approx(0.2)
    assert inf.engagement_rate(received=0, posts=3, followers=100) == 0.0
    assert inf.engagement_rate(received=10, posts=0, followers=100) is None
    assert inf.engagement_rate(received=10, posts=5, followers=0) is None
    assert inf.engagement_rate(received=0, posts=0, followers=0) is None


# ---------------------------------------------------------------------------- influencer score


def test_influencer_score_leaves_out_missing_components() -> None:
    full: dict[str, float | None] = {"community_leadership": 1.0, "engagement_rate": 0.0,
                                     "audience_quality": 0.5, "mobilisation": 1.0}
    assert inf.influencer_score(full) == pytest.approx(0.35 + 0.15 + 0.20)
    # missing data does not count as zero: the remaining weights are renormalised
    partial = {"community_leadership": 1.0, "engagement_rate": None, "audience_quality": 0.5,
               "mobilisation": None}
    assert inf.influencer_score(partial) == pytest.approx((0.35 + 0.15) / 0.65)
    assert inf.influencer_score({"community_leadership": 0.4}) == pytest.approx(0.4)
    assert inf.influencer_score({"mobilisation": 0.0}) == 0.0
    assert inf.influencer_score({}) == 0.0
    assert inf.influencer_score(dict.fromkeys(inf.INFLUENCER_WEIGHTS)) == 0.0


def test_influencer_weights_sum_to_one() -> None:
    assert sum(inf.INFLUENCER_WEIGHTS.values()) == pytest.approx(1.0)
    assert sum(inf.QUALITY_WEIGHTS.values()) == pytest.approx(1.0)


# ---------------------------------------------------------------------------- topic affinity


def test_topic_affinity_weighs_received_engagement_more() -> None:
    aff = inf.topic_affinity({"tea": 3, "coffee": 1}, {"tea": 4})
    assert aff == {"tea": pytest.approx(0.4 * 0.75 + 0.6 * 1.0),
                   "coffee": pytest.approx(0.4 * 0.25)}
    # what the audience responds to outweighs what the account posts about
    aff = inf.topic_affinity({"tea": 1}, {"coffee": 1})
    assert aff["coffee"] > aff["tea"]
    assert aff == {"tea": 0.4, "coffee": 0.6}


def test_topic_affinity_with_one_source_only() -> None:
    assert inf.topic_affinity({"tea": 2, "coffee": 2}, {}) == {"tea": 0.5, "coffee": 0.5}
    assert inf.topic_affinity({}, {"tea": 3, "coffee": 1}) == {"tea": 0.75, "coffee": 0.25}
    assert inf.topic_affinity({}, {}) == {}
    values = inf.topic_affinity({"a": 1, "b": 2, "c": 3}, {"a": 5, "d": 1}).values()
    assert all(0.0 <= v <= 1.0 for v in values)


# ---------------------------------------------------------------------------- cascade


def chain(n: int) -> list[tuple[str, str, int]]:
    return [(f"n{i}", f"n{i + 1}", 1) for i in range(n - 1)]


def test_spread_with_certain_propagation_covers_the_chain() -> None:
    cascade = Cascade(chain(12), p=1 - 1e-12)
    assert cascade.spread(["n0"], runs=50) == 12.0
    assert cascade.spread(["n5"], runs=50) == 7.0  # only downstream (directed)
    assert cascade.spread(["n0", "n3"], runs=20) == 12.0  # overlapping seeds count once
    assert cascade.spread(["n0", "n0"], runs=20) == 12.0  # a repeated seed counts once
    ring = Cascade([*chain(6), ("n5", "n0", 1)], p=1 - 1e-12)
    assert ring.spread(["n3"], runs=20) == 6.0  # cycles terminate, nobody counts twice


def test_spread_with_negligible_propagation_is_the_seeds() -> None:
    cascade = Cascade(chain(12), p=1e-12)
    assert cascade.spread(["n0"], runs=50) == 1.0
    assert cascade.spread(["n0", "n4", "n8"], runs=50) == 3.0
    assert cascade.spread(["nobody"], runs=5) == 1.0  # a seed outside the graph is itself
    assert cascade.spread([]) == 0.0


def test_parallel_edges_raise_the_activation_probability() -> None:
    once = Cascade([("a", "b", 1)], p=0.3)
    five = Cascade([("a", "b", 5)], p=0.3)
    assert five.spread(["a"], runs=4000) - 1 == pytest.approx(1 - 0.7**5, abs=0.03)
    assert once.spread(["a"], runs=4000) - 1 == pytest.approx(0.3, abs=0.03)
    # two separate pairs of the same accounts are two independent trials
    split = Cascade([("a", "b", 2), ("a", "b", 3)], p=0.3)
    assert split.spread(["a"], runs=4000) - 1 == pytest.approx(1 - 0.7**5, abs=0.03)


def test_spread_is_reproducible_with_a_fixed_seed() -> None:
    rng = random.Random(3)
    pairs = [(f"v{rng.randrange(60)}", f"v{rng.randrange(60)}", rng.randint(1, 4))
             for _ in range(400)]
    cascade = Cascade(pairs, p=0.05)
    seeds = ["v1", "v2", "v3"]
    first = cascade.spread(seeds, runs=100, seed=11)
    assert cascade.spread(seeds, runs=100, seed=11) == first
    assert Cascade(pairs, p=0.05).spread(seeds, runs=100, seed=11) == first
    assert 3.0 <= first <= 60.0
    spreads = {cascade.spread(seeds, runs=100, seed=s) for s in range(5)}
    assert len(spreads) > 1  # the seed really drives the simulation


def test_prefix_spreads() -> None:
    cascade = Cascade(chain(10), p=1e-12)
    order = ["n0", "n2", "n4", "n6"]
    assert inf.prefix_spreads(cascade, order, [1, 2, 4]) == {1: 1.0, 2: 2.0, 4: 4.0}
    certain = Cascade(chain(10), p=1 - 1e-12)
    assert inf.prefix_spreads(certain, ["n5", "n0"], [1, 2], runs=10) == {1: 5.0, 2: 10.0}
    a = inf.prefix_spreads(Cascade(chain(30), p=0.5), [f"n{i}" for i in range(0, 30, 3)],
                           [1, 5, 10], seed=5)
    b = inf.prefix_spreads(Cascade(chain(30), p=0.5), [f"n{i}" for i in range(0, 30, 3)],
                           [1, 5, 10], seed=5)
    assert a == b
    assert a[1] <= a[5] <= a[10]


def test_clamp01() -> None:
    assert inf.clamp01(float("nan")) == 0.0
    assert inf.clamp01(-1.0) == 0.0
    assert inf.clamp01(3.0) == 1.0
    assert inf.clamp01(0.25) == 0.25


# ----------------------------------------------------- evidence-weighted scores (issue 10)

LEADER, TINY, GIANT = 0, slice(1, 16), 16
N = 37  # and 20 background accounts that post and are engaged with about other topics


def population() -> tuple[inf.AccountEvidence, inf.TopicEvidence]:
    """One community of 40: an account with 20 followers and 10 distinct responders about
    tea (14 tea interactions of 20, on 5 tea posts of 8), fifteen accounts with one tea
    post and one like each (2 followers, 1 of them engaged), a passive giant (5,000
    declared followers, 500 in the graph, 20 tea posts of 30, no response) and 20
    background accounts (3 posts, 2 responders, none of it about tea). Same refresh leader
    score for all, so only the evidence separates them."""

    def col(leader: float, tiny: float, giant: float, other: float) -> np.ndarray:
        return np.array([leader] + [tiny] * 15 + [giant] + [other] * 20, dtype=np.float64)

    ev = inf.AccountEvidence(
        followers=col(20, 2, 5000, 10), follower_edges=col(20, 2, 500, 10),
        engaged_followers=col(10, 1, 0, 2), passive_followers=col(0, 0, 0, 1),
        burst_peak=col(2, 1, 20, 2), posts=col(5, 1, 20, 3), received=col(20, 1, 0, 3),
        engagement=col(20, 1, 0, 3), independent=col(20, 1, 0, 3),
        responders=col(10, 1, 0, 2), community_responders=col(10, 1, 0, 2),
        community=np.zeros(N, dtype=np.int64), community_size=col(40, 40, 40, 40),
        calls=col(0, 0, 0, 0), call_responders=col(0, 0, 0, 0),
        leadership=col(0.1, 0.1, 0.1, 0.1))
    tea = inf.TopicEvidence(
        posts_about=col(5, 1, 20, 0), post_tags=col(8, 1, 30, 3),
        received_about=col(14, 1, 0, 0), received_tags=col(20, 1, 0, 3),
        responders_about=col(10, 1, 0, 0), community_responders_about=col(10, 1, 0, 0))
    return ev, tea


def test_ten_responders_beat_fifteen_one_like_accounts_and_a_passive_giant() -> None:
    ev, tea = population()
    overall = inf.influencer_scores(ev)
    topical = inf.topic_scores(ev, overall, tea)
    for scores in (overall, topical):
        assert (scores.score[LEADER] > scores.score[TINY]).all()
        assert (scores.score[TINY] > scores.score[GIANT]).all()
    assert topical.components["fit"][LEADER] == 1.0  # 5 of 8 posts, 14 of 20 interactions


def test_one_like_on_one_post_is_not_a_perfect_score() -> None:
    ev, tea = population()
    overall = inf.influencer_scores(ev)
    topical = inf.topic_scores(ev, overall, tea)
    # raw shares of 1/1 (tea posts, tea engagement, engaged follower) are shrunk
    for name in ("posts_about", "engagement_about"):
        assert topical.estimates[name].value[1] < 0.8
    assert overall.estimates["engaged_followers"].value[1] < 0.5
    assert overall.score[1] < 0.5 and topical.score[1] < 0.5
    assert all(v[1] < 1.0 for k, v in overall.components.items()
               if k != "community_leadership")


def test_community_pull_on_hand_derived_numbers() -> None:
    # responders in the community of 39 others: 10, fifteen 1s, 0, twenty 2s.
    # Pooled m = 65 / 1443 = 0.045045; n-weighted spread / m(1 - m) = 0.0014359 / 0.043016
    # = 0.033382, binomial noise 37 / 1443 = 0.025641: rho = 0.0079448, s = 124.87.
    # Leader: (10 + 124.87 m) / (39 + 124.87) = 0.09535; giant: 124.87 m / 163.87
    ev, _ = population()
    pull = inf.influencer_scores(ev).estimates["community_pull"]
    assert pull.value[LEADER] == pytest.approx(0.09535, abs=1e-4)
    assert pull.value[GIANT] == pytest.approx(124.87 * 65 / 1443 / (39 + 124.87), abs=1e-4)
    assert pull.successes[LEADER] == 10 and pull.trials[LEADER] == 39


def test_passive_giant_earns_nothing_for_size() -> None:
    ev, _ = population()
    scores = inf.influencer_scores(ev)
    assert scores.components["reach"][GIANT] == 0.0
    assert scores.components["engagement_rate"][GIANT] < 0.05
    assert scores.components["audience_quality"][GIANT] < scores.components[
        "audience_quality"][LEADER]


def test_missing_component_counts_as_the_prior() -> None:
    ev, _ = population()
    calls = ev.calls.copy()
    answered = ev.call_responders.copy()
    calls[LEADER], answered[LEADER] = 2, 10  # 10 of 2 x 39
    calls[1], answered[1] = 1, 1  # 1 of 39
    scores = inf.influencer_scores(replace(ev, calls=calls, call_responders=answered))
    mob = scores.estimates["mobilisation"]
    prior = Prior.fit(answered, calls * 39, default=0.0)
    assert mob.value[GIANT] == pytest.approx(prior.mean)  # no calls: the prior, not 0
    assert mob.value[GIANT] == mob.value[2]
    assert mob.value[LEADER] > mob.value[GIANT] > 0.0


def test_returned_engagement_scales_leadership_down() -> None:
    ev, _ = population()
    independent = ev.independent.copy()
    independent[LEADER] = 0.0  # everyone who engages with it, it engages back (a pod)
    ring = inf.influencer_scores(replace(ev, independent=independent))
    plain = inf.influencer_scores(ev)
    assert ring.components["community_leadership"][LEADER] < 0.5 * plain.components[
        "community_leadership"][LEADER]
    assert ring.score[LEADER] < plain.score[LEADER]


def test_leadership_is_relative_to_the_community() -> None:
    ev, _ = population()
    community = np.array([0] * 8 + [1] * 8 + [-1] + [1] * 20)
    leadership = np.array([0.8] + [0.4] * 7 + [0.2] + [0.1] * 7 + [0.9] + [0.1] * 20)
    scores = inf.influencer_scores(replace(ev, community=community, leadership=leadership))
    lead = scores.components["community_leadership"] / scores.estimates[
        "independent_engagement"].value
    assert lead[0] == pytest.approx(1.0) and lead[8] == pytest.approx(1.0)
    assert lead[1] == pytest.approx(0.5) and lead[9] == pytest.approx(0.5)
    assert lead[GIANT] == 0.0  # outside communities
