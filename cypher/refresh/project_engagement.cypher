// purpose: project the directed engagement graph into GDS: interactions weighted by kind
//          (optionally only those since a time) plus follows at a smaller weight, summed
//          per ordered pair of accounts. Accounts with no engagement are not projected.
// params: graph, kindWeights, followWeight, since
// mode: read
CALL () {
  MATCH (a:Account)-[r:INTERACTED]->(b:Account)
  WHERE $since IS NULL OR r.at >= datetime($since)
  RETURN a, b, toFloat(coalesce($kindWeights[r.kind], 0.0)) AS w
  UNION ALL
  MATCH (a:Account)-[:FOLLOWS]->(b:Account)
  WHERE $followWeight > 0
  RETURN a, b, toFloat($followWeight) AS w
}
WITH a, b, sum(w) AS weight
WHERE weight > 0
WITH gds.graph.project($graph, a, b, {
       relationshipType: 'ENGAGES',
       relationshipProperties: {weight: weight}
     }) AS g
RETURN g.graphName AS graph, g.nodeCount AS nodes, g.relationshipCount AS relationships
