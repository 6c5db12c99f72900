// purpose: the influence graph's edges with multiplicity, for evaluating baseline seed sets
//          with the same independent-cascade model
// params: graph
// mode: read
CALL gds.graph.relationships.stream($graph, ['INFLUENCES'])
YIELD sourceNodeId, targetNodeId
RETURN gds.util.asNode(sourceNodeId).id AS s, gds.util.asNode(targetNodeId).id AS t
