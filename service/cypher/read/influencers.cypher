// purpose: the best influencers of a run by influencer score (ties by id), optionally only
//          in one community and/or within a follower range [minFollowers, maxFollowers).
//          The order matches index account_metrics_ranking (runId, influencerScore), so the
//          server reads accounts best first and stops after $limit that pass the filters
// params: runId, community, minFollowers, maxFollowers, limit
// mode: read
MATCH (m:AccountMetrics {runId: $runId})
WHERE m.influencerScore IS NOT NULL
  AND ($community IS NULL OR m.communityId = $community)
  AND m.followers >= $minFollowers
  AND ($maxFollowers IS NULL OR m.followers < $maxFollowers)
WITH m ORDER BY m.runId DESC, m.influencerScore DESC, m.accountId
LIMIT $limit
MATCH (a:Account {id: m.accountId})
RETURN m {.*} AS metrics, null AS topic, a.handle AS handle,
       a.followersCount AS followers_count
