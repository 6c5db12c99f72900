// purpose: the best influencers of a run for one topic by topic score (fit x topical pull,
//          ties by id) among the accounts with evidence about it, optionally only in one
//          community and/or within a follower range [minFollowers, maxFollowers). The order
//          matches index topic_score_ranking (runId, topic, score): read best first, stop
//          after $limit that pass the filters
// params: runId, topic, community, minFollowers, maxFollowers, limit
// mode: read
MATCH (t:TopicScore {runId: $runId, topic: $topic})
WHERE t.score IS NOT NULL
  AND ($community IS NULL OR t.communityId = $community)
  AND t.followers >= $minFollowers
  AND ($maxFollowers IS NULL OR t.followers < $maxFollowers)
WITH t ORDER BY t.runId DESC, t.topic DESC, t.score DESC, t.accountId
LIMIT $limit
MATCH (m:AccountMetrics {key: $runId + ':' + t.accountId})
MATCH (a:Account {id: t.accountId})
RETURN m {.*} AS metrics, t {.*} AS topic, a.handle AS handle,
       a.followersCount AS followers_count
