// purpose: remove one run's results: communities, memberships, maps, account metrics, topic
//          scores, item curves, seed sets (failed or pruned runs)
// params: runId
// mode: write
CALL () {
  MATCH (c:Community {runId: $runId})
  RETURN c AS n
  UNION
  MATCH (m:MapLevel {runId: $runId})
  RETURN m AS n
  UNION
  MATCH (m:AccountMetrics {runId: $runId})
  RETURN m AS n
  UNION
  MATCH (t:TopicScore {runId: $runId})
  RETURN t AS n
  UNION
  MATCH (m:ItemAdoption {runId: $runId})
  RETURN m AS n
  UNION
  MATCH (m:SeedSet {runId: $runId})
  RETURN m AS n
}
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 2000 ROWS
