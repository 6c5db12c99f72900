// purpose: the directed weighted edges of the projection, for tightness, leader and broker
//          metrics computed in one pass (node ids are the projection's)
// params: graph
// mode: read
CALL gds.graph.relationshipProperty.stream($graph, 'weight', ['ENGAGES'])
YIELD sourceNodeId, targetNodeId, propertyValue
RETURN sourceNodeId AS s, targetNodeId AS t, propertyValue AS w
