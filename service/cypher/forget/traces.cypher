// purpose: what deleting an account would remove: its relationships by type, its posts,
//          its per-run metrics and topic scores (counted before anything is deleted)
// params: id
// mode: read
OPTIONAL MATCH (a:Account {id: $id})
OPTIONAL MATCH (r:RefreshRun)
WITH a, collect(r.id + ':' + $id) AS metricKeys
RETURN a IS NOT NULL AS found,
       COUNT { MATCH (a)-[:FOLLOWS]-() } AS follows,
       COUNT { MATCH (a)-[:INTERACTED]-() } AS interactions,
       COUNT { MATCH (a)-[:POSTED]->(:Post) } AS posts,
       COUNT { MATCH (a)-[:ADOPTED]->() } AS adoptions,
       COUNT { MATCH (a)-[:MEMBER_OF]->() } AS memberships,
       COUNT { MATCH (m:AccountMetrics) WHERE m.key IN metricKeys } AS account_metrics,
       COUNT {
         MATCH (m:AccountMetrics) WHERE m.key IN metricKeys
         UNWIND coalesce(m.scoredTopics, []) AS topic
         MATCH (t:TopicScore {runId: m.runId, topic: topic})
         WHERE t.score IS NOT NULL AND t.accountId = $id
         RETURN t
       } AS topic_scores
