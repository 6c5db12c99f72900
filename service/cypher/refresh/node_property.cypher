// purpose: one node property of an in-memory graph (e.g. the chosen Leiden trial's
//          communities); nodeId is the Neo4j internal id
// params: graph, property
// mode: gds
CALL gds.graph.nodeProperty.stream($graph, $property)
YIELD nodeId, propertyValue
RETURN nodeId, propertyValue AS levels
