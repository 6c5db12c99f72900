// purpose: the directed weighted edges of the projection, for tightness, leader and broker
//          metrics computed in one pass (node ids are the projection's). One row per
//          source node with parallel lists (target, is-weight flag, value): ~6x faster to
//          move over Bolt than a row per edge (28 s -> 5 s for 1.6M edges)
// params: graph
// mode: gds
CALL gds.graph.relationshipProperties.stream($graph, ['weight', 'engagement'], ['ENGAGES'])
YIELD sourceNodeId, targetNodeId, relationshipProperty, propertyValue
RETURN sourceNodeId AS s, collect(targetNodeId) AS ts,
       collect(relationshipProperty = 'weight') AS isWeight, collect(propertyValue) AS vs
