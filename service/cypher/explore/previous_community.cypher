// purpose: one community (stable id) in the kept run before this one: its size and label
//          there, and how many accounts joined and left it since; no row for the first run
// params: runId, id
// mode: read
MATCH (r:RefreshRun {id: $runId})
MATCH (prev:RefreshRun {status: 'succeeded'})
WHERE prev.createdAt < r.createdAt AND prev.prunedAt IS NULL
WITH prev ORDER BY prev.createdAt DESC LIMIT 1
OPTIONAL MATCH (before:Community {key: prev.id + ':' + $id})
OPTIONAL MATCH (now:Community {key: $runId + ':' + $id})
RETURN prev.id AS run_id, before.size AS size, before.label AS label,
       COUNT { MATCH (now)<-[:MEMBER_OF]-(a) WHERE before IS NOT NULL
               AND NOT (a)-[:MEMBER_OF]->(before) } AS joined,
       COUNT { MATCH (before)<-[:MEMBER_OF]-(a) WHERE now IS NOT NULL
               AND NOT (a)-[:MEMBER_OF]->(now) } AS left
