// purpose: accounts whose id is $q or whose handle starts with $q (or with $lower), exact
//          matches first (index seeks only), with their community and scores in a run
// params: runId, q, lower, limit
// mode: read
CALL () {
  MATCH (a:Account {id: $q})
  RETURN a, 0 AS score
  UNION
  MATCH (a:Account) WHERE a.handle STARTS WITH $q
  RETURN a, CASE WHEN a.handle = $q THEN 1 ELSE 2 END AS score
  UNION
  MATCH (a:Account) WHERE a.handle STARTS WITH $lower
  RETURN a, CASE WHEN a.handle = $lower THEN 1 ELSE 2 END AS score
}
WITH a, min(score) AS score
ORDER BY score, a.handle, a.id
LIMIT $limit
OPTIONAL MATCH (a)-[m:MEMBER_OF {runId: $runId}]->(c:Community)
OPTIONAL MATCH (x:AccountMetrics {key: $runId + ':' + a.id})
RETURN a.id AS id, a.handle AS handle, a.followersCount AS followers_count,
       c.id AS community_id, c.label AS community_label, m.leaderRank AS leader_rank,
       m.leaderScore AS leader_score, m.influence AS influence,
       m.communityShare AS community_share, m.reach AS reach,
       x.influencerScore AS influencer_score, x.components AS influencer_components
