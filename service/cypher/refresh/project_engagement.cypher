// purpose: project the directed engagement graph into GDS, streaming (no grouping or sorting
//          of relationships in the transaction, so its memory does not grow with the graph):
//          first every engaged account, in account-id order (GDS numbers nodes in the order
//          they arrive, so seeded algorithms repeat on any copy of the data), then one
//          relationship per interaction (weight = its kind's weight, engagement the same)
//          and per follow (weight = followWeight, engagement 0). Parallel relationships of
//          a pair are summed later (toUndirected) or are equivalent to their sum (PageRank).
//          Interactions of kinds weighted 0 and, with a window, older ones are left out.
//          With $influence, also the influence graph for all-accounts CELF seed sets, from
//          the same scan of the interactions: INFLUENCES from the engaged-with account to
//          the engager, one relationship per unit of the interaction's kind weight
//          (rounded), each an independent trial. Without $influence the interactions
//          take the plain branch (the parameter is checked before the scan), which spares
//          a row per interaction the unit expansion (~0.7 s of 4.7 s at 100k).
//          FOLLOWS and INTERACTED connect accounts only (ingest creates both ends as
//          :Account), so their ends are not label-checked: the checks took half of this
//          query's time (follows 3.2 s -> 1.7 s, interactions 4.8 s -> 2.2 s at 100k).
// params: graph, kindWeights, followWeight, since, influence
// mode: gds
CALL () {
  MATCH (a:Account)
  WHERE EXISTS { (a)-[r:INTERACTED]-()
                 WHERE $kindWeights[r.kind] > 0 AND ($since IS NULL OR r.at >= datetime($since)) }
     OR ($followWeight > 0 AND EXISTS { (a)-[:FOLLOWS]-() })
  WITH a ORDER BY a.id
  RETURN a AS s, null AS t, 'ENGAGES' AS type, 0.0 AS w, 0.0 AS e
  UNION ALL
  MATCH (a)-[r:INTERACTED]->(b)
  WHERE NOT $influence AND ($since IS NULL OR r.at >= datetime($since))
  WITH a, b, toFloat(coalesce($kindWeights[r.kind], 0.0)) AS w
  WHERE w > 0
  RETURN a AS s, b AS t, 'ENGAGES' AS type, w, w AS e
  UNION ALL
  MATCH (a)-[r:INTERACTED]->(b)
  WHERE $influence AND ($since IS NULL OR r.at >= datetime($since))
  WITH a, b, toFloat(coalesce($kindWeights[r.kind], 0.0)) AS w
  WHERE w > 0
  // one scan of the interactions for both types: unit 0 is the interaction itself,
  // units 1.. its INFLUENCES trials
  UNWIND range(0, toInteger(floor(w + 0.5))) AS unit
  RETURN CASE unit WHEN 0 THEN a ELSE b END AS s, CASE unit WHEN 0 THEN b ELSE a END AS t,
         CASE unit WHEN 0 THEN 'ENGAGES' ELSE 'INFLUENCES' END AS type,
         CASE unit WHEN 0 THEN w ELSE 0.0 END AS w, CASE unit WHEN 0 THEN w ELSE 0.0 END AS e
  UNION ALL
  MATCH (a)-[:FOLLOWS]->(b)
  WHERE $followWeight > 0
  RETURN a AS s, b AS t, 'ENGAGES' AS type, toFloat($followWeight) AS w, 0.0 AS e
}
WITH gds.graph.project($graph, s, t, {
       relationshipType: type,
       relationshipProperties: {weight: w, engagement: e}
     }) AS g
RETURN g.graphName AS graph, g.nodeCount AS nodes, g.relationshipCount AS relationships
