// purpose: delete an account and what is only its own: its per-run metrics, its posts,
//          then the node with (DETACH) its follows, interactions, adoptions and memberships
// params: id
// mode: write
OPTIONAL MATCH (r:RefreshRun)
WITH collect(r.id + ':' + $id) AS metricKeys
CALL (metricKeys) {
  MATCH (m:AccountMetrics)
  WHERE m.key IN metricKeys
  DETACH DELETE m
}
CALL () {
  MATCH (:Account {id: $id})-[:POSTED]->(p:Post)
  DETACH DELETE p
}
CALL () {
  MATCH (a:Account {id: $id})
  DETACH DELETE a
}
