// purpose: one batch of a run's members in account-id order after $after: keyset paging
//          on the Account id index (no SKIP, flat memory however large the run)
// params: runId, after, limit
// mode: read
MATCH (a:Account)
WHERE a.id > $after
WITH a ORDER BY a.id
MATCH (a)-[m:MEMBER_OF {runId: $runId}]->(c:Community)
WITH a, m, c LIMIT $limit
OPTIONAL MATCH (x:AccountMetrics {key: $runId + ':' + a.id})
RETURN a.id AS id, a.handle AS handle, c.id AS community, m.leaderRank AS leader_rank,
       m.leaderScore AS leader_score, x.influencerScore AS influencer_score
