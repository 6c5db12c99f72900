// purpose: one batch of one community's members in account-id order after $after (keyset
//          paging from the community, so a small community is read without the others)
// params: runId, community, after, limit
// mode: read
MATCH (c:Community {key: $runId + ':' + $community})<-[m:MEMBER_OF]-(a:Account)
WHERE a.id > $after
WITH a, m, c ORDER BY a.id LIMIT $limit
OPTIONAL MATCH (x:AccountMetrics {key: $runId + ':' + a.id})
RETURN a.id AS id, a.handle AS handle, c.id AS community, m.leaderRank AS leader_rank,
       m.leaderScore AS leader_score, x.influencerScore AS influencer_score
