// purpose: label propagation communities on the undirected engagement graph (one level)
// params: graph, config
// mode: gds
CALL gds.labelPropagation.stream($graph, $config)
YIELD nodeId, communityId
RETURN nodeId, communityId AS community, null AS levels
