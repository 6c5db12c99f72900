// purpose: project the directed engagement graph into GDS: interactions weighted by kind
//          (optionally only those since a time) plus follows at a smaller weight, summed
//          per ordered pair of accounts (weight); engagement = the interactions alone.
//          Accounts with neither are not projected.
// params: graph, kindWeights, followWeight, since
// mode: gds
CALL () {
  MATCH (a:Account)-[r:INTERACTED]->(b:Account)
  WHERE $since IS NULL OR r.at >= datetime($since)
  WITH a, b, toFloat(coalesce($kindWeights[r.kind], 0.0)) AS w
  RETURN a, b, w, w AS e
  UNION ALL
  MATCH (a:Account)-[:FOLLOWS]->(b:Account)
  WHERE $followWeight > 0
  RETURN a, b, toFloat($followWeight) AS w, 0.0 AS e
}
WITH a, b, sum(w) AS weight, sum(e) AS engagement
WHERE weight > 0
// a fixed row order makes GDS's node numbering, and so every seeded algorithm, repeatable
ORDER BY a.id, b.id
WITH gds.graph.project($graph, a, b, {
       relationshipType: 'ENGAGES',
       relationshipProperties: {weight: weight, engagement: engagement}
     }) AS g
RETURN g.graphName AS graph, g.nodeCount AS nodes, g.relationshipCount AS relationships
