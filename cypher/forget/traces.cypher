// purpose: what deleting an account would remove: its relationships by type, its posts
//          and its per-run metrics (counted before anything is deleted)
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
       COUNT { MATCH (m:AccountMetrics) WHERE m.key IN metricKeys } AS account_metrics
