// purpose: accounts whose id is one of $terms or whose handle starts with one (the caller
//          sends the text as typed, with and without '@', and lower-cased), exact matches
//          first (index seeks only), with their community and scores in a run
// params: runId, terms, limit
// mode: read
CALL () {
  UNWIND $terms AS term
  MATCH (a:Account {id: term})
  RETURN a, 0 AS score
  UNION
  UNWIND $terms AS term
  MATCH (a:Account) WHERE a.handle STARTS WITH term
  RETURN a, CASE WHEN a.handle = term THEN 1 ELSE 2 END AS score
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
