// purpose: one page of a community's members, leaders first
// params: runId, id, offset, limit
// mode: read
MATCH (c:Community {key: $runId + ':' + $id})<-[m:MEMBER_OF]-(a:Account)
WITH a, m ORDER BY m.leaderRank ASC
SKIP $offset LIMIT $limit
RETURN a.id AS id, a.handle AS handle, m.leaderRank AS leader_rank,
       m.leaderScore AS leader_score
