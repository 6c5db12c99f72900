// purpose: a run's communities with what the map overview shows beyond the stored map:
//          rank (its colour), top and distinctive topics, leaders (JSON); largest first
// params: runId
// mode: read
MATCH (c:Community {runId: $runId})
RETURN c.id AS id, c.rank AS rank, c.topTopics AS top_topics,
       c.distinctiveTopics AS distinctive_topics, c.leaders AS leaders
ORDER BY c.rank
