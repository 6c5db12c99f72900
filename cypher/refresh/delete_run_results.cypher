// purpose: remove one run's communities, memberships and maps (failed or pruned runs)
// params: runId
// mode: write
CALL () {
  MATCH (c:Community {runId: $runId})
  RETURN c AS n
  UNION
  MATCH (m:MapLevel {runId: $runId})
  RETURN m AS n
}
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 2000 ROWS
