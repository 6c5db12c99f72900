// purpose: the directed weighted edges of the projection, for tightness, leader and broker
//          metrics computed in one pass (node ids are the projection's)
// params: graph
// mode: read
CALL gds.graph.relationshipProperties.stream($graph, ['weight', 'engagement'], ['ENGAGES'])
YIELD sourceNodeId, targetNodeId, relationshipProperty, propertyValue
WITH sourceNodeId AS s, targetNodeId AS t,
     collect([relationshipProperty, propertyValue]) AS props
RETURN s, t, [p IN props WHERE p[0] = 'weight'][0][1] AS w,
       [p IN props WHERE p[0] = 'engagement'][0][1] AS e
