"""Pure unit tests of ``service.influence``: Rogers adopter categories (cut points and the
tie rule) and the evidence-weighted influencer and topic scores. No database.
"""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np
import pytest

from service import influence as inf
from service.evidence import Prior

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
        leadership=col(0.1, 0.1, 0.1, 0.1), community_active=col(40, 40, 40, 40))
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
    plain = inf.influencer_scores(ev)
    lead = plain.components["community_leadership"][LEADER]
    found = []
    for independent, weight in ((12.0, 20.0), (0.0, 20.0), (0.0, 200.0)):
        # 12 of 20 units not returned (a conversation); none of 20, none of 200 (a pod:
        # the less evidence, the more it is shrunk toward everyone's independence)
        ind, eng = ev.independent.copy(), ev.engagement.copy()
        ind[LEADER], eng[LEADER] = independent, weight
        ring = inf.influencer_scores(replace(ev, independent=ind, engagement=eng))
        found.append(ring.components["community_leadership"][LEADER])
        assert ring.score[LEADER] < plain.score[LEADER]
    talker, small_ring, big_ring = found
    assert lead > talker > small_ring > big_ring
    assert talker > 0.6 * lead and small_ring < 0.5 * lead and big_ring < 0.1 * lead


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


def test_weights_sum_to_one() -> None:
    assert sum(inf.SCORE_WEIGHTS.values()) == pytest.approx(1.0)
    assert sum(inf.QUALITY_WEIGHTS.values()) == pytest.approx(1.0)
    assert sum(inf.AFFINITY_WEIGHTS.values()) == pytest.approx(1.0)


def test_passive_bursty_and_bought_audiences_score_lower() -> None:
    # the same 1,000-follower audience three ways, and a bought one, among the population
    ev, _ = population()
    base = dict(follower_edges=1000, engaged_followers=200, passive_followers=50, burst_peak=20)
    variants = [base, {**base, "passive_followers": 900}, {**base, "burst_peak": 950},
                {"follower_edges": 10_000, "engaged_followers": 3, "passive_followers": 9_990,
                 "burst_peak": 10_000}]
    columns = {k: getattr(ev, k).copy() for k in base}
    for row, values in zip((1, 2, 3, 4), variants, strict=True):
        for k, v in values.items():
            columns[k][row] = v
    quality = inf.influencer_scores(replace(ev, **columns)).components["audience_quality"]
    good, passive, bursty, bought = quality[1:5]
    assert passive < good and bursty < good
    assert bought < min(passive, bursty)
    # 10,000 followers of which 3 engage, all passive, all in one day: only the
    # independent-engagement part (a tenth of the score) is left
    assert bought < 0.11


def test_reciprocal_engagement_lowers_audience_quality() -> None:
    ev, _ = population()
    independent = ev.independent.copy()
    independent[LEADER] = 0.0  # all of its 20 received comes from accounts it engages back
    pods = inf.influencer_scores(replace(ev, independent=independent))
    plain = inf.influencer_scores(ev)
    part = pods.estimates["independent_engagement"]
    assert part.successes[LEADER] == 0 and part.trials[LEADER] == 20
    assert pods.components["audience_quality"][LEADER] < plain.components[
        "audience_quality"][LEADER]


def test_subsets_keep_each_accounts_numbers() -> None:
    ev, tea = population()
    overall = inf.influencer_scores(ev)
    rows = np.array([GIANT, LEADER, 3])
    part = overall.take(rows)
    assert part.score.tolist() == overall.score[rows].tolist()
    assert part.estimates["community_pull"].trials.tolist() == [39, 39, 39]
    assert ev.take(rows).responders.tolist() == [0, 10, 1]
    assert tea.take(rows).posts_about.tolist() == [20, 5, 1]


def test_a_follow_cluster_is_no_community_to_lead() -> None:
    ev, _ = population()
    plain = inf.influencer_scores(ev).components["community_leadership"]
    follows = inf.influencer_scores(replace(ev, community_active=ev.community_active * 0))
    assert (follows.components["community_leadership"] == 0.0).all()
    quiet = inf.influencer_scores(replace(ev, community_active=ev.community_active * 0.2))
    # 8 of 40 members interact: 20% of the 30% that makes a community fully alive
    assert quiet.components["community_leadership"] == pytest.approx(plain * 0.2 / 0.3)
