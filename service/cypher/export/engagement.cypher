// purpose: kind-weighted engagement (the refresh's kind weights and window) from a batch
//          of accounts to members of a run, optionally only inside one community, one row
//          per ordered pair; follows are left out (the map draws engagement)
// params: runId, ids, community, kindWeights, since
// mode: read
UNWIND $ids AS id
MATCH (a:Account {id: id})-[i:INTERACTED]->(b:Account)
WHERE b <> a AND ($since IS NULL OR i.at >= datetime($since))
MATCH (b)-[:MEMBER_OF {runId: $runId}]->(cb:Community)
WHERE $community IS NULL OR cb.id = $community
WITH a.id AS s, b.id AS t, sum(coalesce($kindWeights[i.kind], 0.0)) AS w
WHERE w > 0
RETURN s AS source, t AS target, round(w, 3) AS weight
ORDER BY source, target
