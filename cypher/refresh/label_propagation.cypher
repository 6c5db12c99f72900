// purpose: label propagation communities on the undirected engagement graph (one level)
// params: graph, config
// mode: gds
CALL gds.labelPropagation.stream($graph, $config)
YIELD nodeId, communityId
RETURN nodeId, gds.util.asNode(nodeId).id AS account, communityId AS community, null AS levels
