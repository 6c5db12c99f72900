// purpose: delete an account and what is only its own: its per-run topic scores and
//          metrics, its posts, then the node with (DETACH) its follows, interactions,
//          adoptions and memberships (topic scores found through the metrics' scoredTopics
//          and the (runId, topic, score) index)
// params: id
// mode: write
OPTIONAL MATCH (r:RefreshRun)
WITH collect(r.id + ':' + $id) AS metricKeys
CALL (metricKeys) {
  MATCH (m:AccountMetrics)
  WHERE m.key IN metricKeys
  UNWIND coalesce(m.scoredTopics, []) AS topic
  MATCH (t:TopicScore {runId: m.runId, topic: topic})
  WHERE t.score IS NOT NULL AND t.accountId = $id
  DETACH DELETE t
}
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
