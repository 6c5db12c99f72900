// purpose: candidate influencers of a run, best influencer score first, optionally only in
//          one community and/or with affinity to a topic (final ranking is done in Python)
// params: runId, community, topic, limit
// mode: read
MATCH (m:AccountMetrics {runId: $runId})
WHERE ($community IS NULL OR m.communityId = $community)
  AND ($topic IS NULL OR $topic IN m.topics)
WITH m ORDER BY m.influencerScore DESC LIMIT $limit
MATCH (a:Account {id: m.accountId})
RETURN m {.*} AS metrics, a.handle AS handle, a.followersCount AS followers_count
