// purpose: the members of one community that the map draws: the $limit best by leader
//          rank plus the extra accounts asked for (its brokers), with influencer score and
//          topics, leaders first
// params: runId, id, limit, extra
// mode: read
MATCH (c:Community {key: $runId + ':' + $id})<-[m:MEMBER_OF]-(a:Account)
WHERE m.leaderRank <= $limit OR a.id IN $extra
OPTIONAL MATCH (x:AccountMetrics {key: $runId + ':' + a.id})
RETURN a.id AS id, a.handle AS handle, m.leaderRank AS leader_rank,
       m.leaderScore AS leader_score, m.influence AS influence,
       m.communityShare AS community_share, m.reach AS reach,
       x.influencerScore AS influencer_score, coalesce(x.topics, []) AS topics
ORDER BY leader_rank
