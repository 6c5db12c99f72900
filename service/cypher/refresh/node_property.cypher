// purpose: one node property of an in-memory graph (e.g. the chosen Leiden trial's
//          communities) as one row of parallel lists; nodeId is the Neo4j internal id
// params: graph, property
// mode: gds
CALL gds.graph.nodeProperty.stream($graph, $property)
YIELD nodeId, propertyValue
RETURN collect(nodeId) AS nodeId, collect(propertyValue) AS levels
